"""Discounts."""


def discounted(price: float, percent: float) -> float:
    return price - price * percent
