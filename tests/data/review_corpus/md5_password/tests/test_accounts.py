from accounts import hash_password


def test_same_password_same_hash() -> None:
    assert hash_password("correct horse") == hash_password("correct horse")
