"""Which model answers an agent, and how: AG2 configs per backend and the offline client."""

from agents.llm.consult import (
    BackendSpec,
    build_model_config,
    consult,
    consult_sync,
    run_sync,
    system_prompt,
)
from agents.llm.offline import OFFLINE_MODEL, OfflineClient, OfflineConfig, register

__all__ = [
    "OFFLINE_MODEL",
    "BackendSpec",
    "OfflineClient",
    "OfflineConfig",
    "build_model_config",
    "consult",
    "consult_sync",
    "register",
    "run_sync",
    "system_prompt",
]
