from calc import calculate


def test_adds() -> None:
    assert calculate("1 + 2") == 3.0
