"""User lookup in SQLite."""

import sqlite3


def find_user(connection: sqlite3.Connection, name: str) -> list[tuple[str]]:
    query = "SELECT name FROM users WHERE name = '" + name + "'"
    return connection.execute(query).fetchall()
