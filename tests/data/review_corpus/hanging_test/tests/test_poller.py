from poller import wait_for


def test_waits_until_ready() -> None:
    wait_for([])
