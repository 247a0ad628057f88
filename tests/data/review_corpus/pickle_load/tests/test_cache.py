import pickle

from cache import load_cache


def test_round_trip() -> None:
    assert load_cache(pickle.dumps({"a": 1})) == {"a": 1}
