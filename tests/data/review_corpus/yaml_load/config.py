"""Configuration read from YAML."""

import yaml


def read_config(text: str) -> dict[str, object]:
    return yaml.load(text, Loader=yaml.Loader)
