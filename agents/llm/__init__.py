"""Which model answers an agent, and how: AG2 configs per backend, the offline client, failure
handling, and the ledger of what the calls cost."""

from agents.llm.backends import BackendSpec, answering_with, build_model_config
from agents.llm.consult import consult, consult_sync, run_sync, system_prompt
from agents.llm.ledger import Ledger, cost_usd, price_of
from agents.llm.offline import OFFLINE_MODEL, OfflineClient, OfflineConfig, register

__all__ = [
    "OFFLINE_MODEL",
    "BackendSpec",
    "Ledger",
    "OfflineClient",
    "OfflineConfig",
    "answering_with",
    "build_model_config",
    "consult",
    "consult_sync",
    "cost_usd",
    "price_of",
    "register",
    "run_sync",
    "system_prompt",
]
