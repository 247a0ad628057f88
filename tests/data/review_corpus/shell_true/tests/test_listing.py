from listing import listing


def test_lists_the_current_directory() -> None:
    assert "." in listing().split()
