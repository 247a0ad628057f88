"""A cache read back from a file."""

import pickle


def load_cache(blob: bytes) -> object:
    return pickle.loads(blob)
