import sqlite3

from users import find_user


def test_finds_a_user() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE users (name TEXT)")
    connection.execute("INSERT INTO users VALUES ('ada')")
    assert find_user(connection, "ada") == [("ada",)]
