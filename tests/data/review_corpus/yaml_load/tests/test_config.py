from config import read_config


def test_reads_a_mapping() -> None:
    assert read_config("port: 8000\n") == {"port": 8000}
