"""Areas of shapes."""


def area(width: float, height: float:
    return width * height
