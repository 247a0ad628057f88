"""Shipping rules written as one long chain of conditions."""


def shipping_cost(country: str, weight: float, express: bool, member: bool, fragile: bool) -> float:
    cost = 0.0
    if country == "FR":
        cost = 5.0
    elif country == "DE":
        cost = 6.0
    elif country == "ES":
        cost = 7.0
    elif country == "IT":
        cost = 7.5
    elif country == "US":
        cost = 20.0
    else:
        cost = 25.0
    if weight > 1:
        cost += 1
    if weight > 5:
        cost += 3
    if weight > 10:
        cost += 5
    if weight > 20:
        cost += 10
    if express and member:
        cost += 2
    elif express:
        cost += 5
    if fragile and weight > 5:
        cost += 4
    elif fragile:
        cost += 2
    if member and cost > 30:
        cost -= 5
    if cost < 0 or weight < 0:
        raise ValueError("impossible parcel")
    return cost
