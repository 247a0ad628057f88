"""Prices with tax, rounded to cents."""


def with_tax(amount: float, rate: float = 0.2) -> float:
    """The amount plus tax at ``rate``."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    return round(amount * (1 + rate), 2)
