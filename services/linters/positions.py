"""Where a value sits in a YAML file: the line of the node a validator's error path points at."""

from __future__ import annotations

from collections.abc import Iterable

import yaml


def document_nodes(text: str) -> list[yaml.Node]:
    """The node tree of every document in ``text`` (empty when it does not parse)."""
    try:
        return [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if node is not None]
    except yaml.YAMLError:
        return []


def line_of(node: yaml.Node | None, path: Iterable[object]) -> int:
    """The 1-based line of the deepest node along ``path`` (keys and list indexes) from ``node``.

    A missing key stops the walk at its parent, so an absent required field points at the
    mapping that lacks it, and an unknown field at its own key.
    """
    if node is None:
        return 0
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if match is None:
                return line
            key, node = match
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
