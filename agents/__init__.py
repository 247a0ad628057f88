"""The five agents' logic: pure Python and AG2, never Prefect or Streamlit.

One package per concern, each naming its public surface in its ``__init__``:

- ``agents.llm``: the AG2 model config per backend, the offline client, the prompts.
- ``agents.analyzer``: Agent 1, request -> plan (text analysis, kinds, refusals).
- ``agents.profiling``: CSV profiles and drift (also the scheduled CSV analysis).
- ``agents.generator``: Agent 2, plan -> project from ``templates/apps`` (design, data).
- ``agents.reviewer``: Agent 3, static checks, the project's tests, the score.
- ``agents.devops``: Agent 4, the deployment kit from ``templates/infra`` and its checks.
- ``agents.release``: Agent 5, gates and the approval summary; the release after approval.
- ``agents.rendering``: the sandboxed Jinja2 renderer every agent writes files through.

Side effects (processes, git, storage, linters) live in ``services``; the agents receive them.
"""
