import pytest

from app.prices import with_tax


def test_adds_tax() -> None:
    assert with_tax(10.0) == 12.0


def test_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError):
        with_tax(-1.0)
