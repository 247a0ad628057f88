from greet import greet


def test_greets() -> None:
    assert greet("ada") == "Hello ada"
