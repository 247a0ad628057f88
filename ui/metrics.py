"""``/metrics`` in Prometheus' text format.

Counters count what this API process did (runs started, decisions sent). Gauges are read from
the Prefect API at scrape time, at most every ``cache_seconds``: pipeline runs by state, and
each agent's duration over its most recent completed task runs (whoever started the runs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    TaskRunFilter,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import TaskRunSort
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ui.observe import AGENT_LABELS, PIPELINE_FLOW, runs_by_state

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
RECENT_TASK_RUNS = 200  # the most a Prefect filter returns


def agent_durations(limit: int = RECENT_TASK_RUNS) -> dict[str, list[float]]:
    """Seconds each agent's recent completed task runs took, newest first."""
    completed = TaskRunFilter(
        state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.COMPLETED]))
    )
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[PIPELINE_FLOW])),
            task_run_filter=completed,
            sort=TaskRunSort.EXPECTED_START_TIME_DESC,
            limit=limit,
        )
    durations: dict[str, list[float]] = {}
    for task_run in task_runs:
        agent = task_run.name.rsplit("-", 1)[0]
        if agent in AGENT_LABELS:
            durations.setdefault(agent, []).append(task_run.total_run_time.total_seconds())
    return durations


@dataclass(eq=False)  # registries keep collectors in a dict: hash by identity
class PrefectCollector(Collector):
    """Reads runs by state and agent durations from Prefect, cached for a few seconds."""

    cache_seconds: float = 5.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cached: tuple[float, list[Metric]] = (0.0, [])

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
        runs = GaugeMetricFamily(
            "ag2_sdlc_pipeline_runs", "Pipeline runs by Prefect state type.", labels=["state"]
        )
        seconds = GaugeMetricFamily(
            "ag2_sdlc_agent_duration_seconds",
            f"Agent task durations over the last {RECENT_TASK_RUNS} completed task runs.",
            labels=["agent", "stat"],
        )
        return runs, seconds

    def describe(self) -> Iterator[Metric]:
        """The names, without asking Prefect (registering calls this)."""
        yield from self._families()

    def _read(self) -> list[Metric]:
        runs, seconds = self._families()
        for state, count in runs_by_state().items():
            runs.add_metric([state.lower()], count)
        for agent, values in sorted(agent_durations().items()):
            seconds.add_metric([agent, "last"], values[0])
            seconds.add_metric([agent, "mean"], sum(values) / len(values))
            seconds.add_metric([agent, "max"], max(values))
        return [runs, seconds]

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            read_at, metrics = self._cached
            if time.monotonic() - read_at > self.cache_seconds or not metrics:
                metrics = self._read()
                self._cached = (time.monotonic(), metrics)
        yield from metrics


class Metrics:
    """One registry per API instance (tests build several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.runs_started = Counter(
            "ag2_sdlc_runs_started",
            "Pipeline runs started through this API.",
            ["input_type"],
            registry=self.registry,
        )
        self.decisions = Counter(
            "ag2_sdlc_approvals",
            "Approval decisions sent through this API.",
            ["decision"],
            registry=self.registry,
        )
        for input_type in ("text", "csv"):
            self.runs_started.labels(input_type)  # shown as 0 before the first run
        for decision in ("approve", "reject"):
            self.decisions.labels(decision)
        self.registry.register(PrefectCollector())

    def render(self) -> bytes:
        return generate_latest(self.registry)
