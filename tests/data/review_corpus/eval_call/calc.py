"""A calculator that evaluates what the user typed."""


def calculate(expression: str) -> float:
    return float(eval(expression))
