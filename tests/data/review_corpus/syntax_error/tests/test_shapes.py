from shapes import area


def test_area() -> None:
    assert area(2, 3) == 6
