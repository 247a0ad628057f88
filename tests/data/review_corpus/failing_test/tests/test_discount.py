from discount import discounted


def test_ten_percent_off() -> None:
    assert discounted(100.0, 10) == 90.0
