"""Waits for a flag that is never set."""

import time


def wait_for(flag: list[bool]) -> None:
    while not flag:
        time.sleep(0.1)
