from rules import shipping_cost


def test_domestic_parcel() -> None:
    assert shipping_cost("FR", 0.5, False, False, False) == 5.0
