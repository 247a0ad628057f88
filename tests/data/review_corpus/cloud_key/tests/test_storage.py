from storage import credentials


def test_has_both_parts() -> None:
    assert set(credentials()) == {"key_id", "secret"}
