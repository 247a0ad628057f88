# The image of a Prefect process worker for this project: it polls the ag2-sdlc-local pool and
# runs the pipeline's flow runs. Point it at a server with PREFECT_API_URL at `docker run` time.
FROM python:3.11.11-slim-bookworm

# The source tree stays importable ahead of site-packages: flows load from it, and the renderer
# finds templates/ next to agents/ (templates/ is not part of the installed distribution).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/opt/ag2-sdlc \
    AG2_SDLC_HOME=/home/worker/.ag2-sdlc

# git commits and pushes the generated projects; bubblewrap confines the generated code the
# reviewer runs (as the non-root worker it needs user namespaces on the node).
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u3 \
       bubblewrap=0.8.0-2+deb12u1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 worker \
    && useradd --system --uid 10001 --gid worker --create-home --home-dir /home/worker worker

WORKDIR /opt/ag2-sdlc
COPY . .
# The analyzer's English pipeline by its hash first (agents/analyzer/parsing.py says why). pip
# byte-compiles site-packages; the source tree flows load from is compiled here, once, since
# PYTHONDONTWRITEBYTECODE keeps every flow run from writing (and so reusing) its own .pyc files.
RUN pip install --no-cache-dir --require-hashes --no-deps -r agents/analyzer/english-pipeline.txt \
    && pip install --no-cache-dir . \
    && python -m compileall -q core services agents blocks tasks flows ui

# Numeric ids: resolvable by the host and by Kubernetes' runAsNonRoot check.
USER 10001:10001

CMD ["prefect", "worker", "start", "--pool", "ag2-sdlc-local", "--type", "process"]
