"""Deterministic security fixes as libcst transforms (the rules of pixee's core codemods).

- ``harden-pyyaml``: ``yaml.load(x, Loader=...)`` and ``yaml.load_all`` become ``safe_load``.
- ``subprocess-shell-false``: ``subprocess.*("cmd args", shell=True)`` with a literal command and
  no shell syntax becomes ``subprocess.*(["cmd", "args"])``. A command built at run time, or one
  that needs the shell (pipes, globs, ``$``), is left to the model: splitting it would change
  what it does.

Why libcst and not codemodder itself: codemodder runs these same libcst rules but finds their
targets with semgrep (about a minute per small project here, per round), and its ``shell=True``
fix adds pixee's ``security`` package to the project's requirements. These transforms take
milliseconds and add no dependency.
"""

from __future__ import annotations

import shlex

import libcst as cst
import libcst.matchers as m

_SUBPROCESS_CALLS = ("run", "call", "check_call", "check_output", "Popen")
_SHELL_SYNTAX = set("|&;<>()$`\\*?[]{}~!#\n'\"=")


class HardenPyyaml(cst.CSTTransformer):
    """``yaml.load`` / ``yaml.load_all`` -> ``yaml.safe_load`` / ``yaml.safe_load_all``."""

    name = "harden-pyyaml"

    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802 - libcst's visitor name
        pattern = m.Attribute(value=m.Name("yaml"), attr=m.Name("load") | m.Name("load_all"))
        if not m.matches(updated_node.func, pattern) or not updated_node.args:
            return updated_node
        source = updated_node.args[0]
        if source.keyword is not None or source.star:
            return updated_node
        func = updated_node.func
        assert isinstance(func, cst.Attribute)  # noqa: S101 - guaranteed by the matcher above
        safe = "safe_load" if func.attr.value == "load" else "safe_load_all"
        self.changed = True
        return updated_node.with_changes(
            func=func.with_changes(attr=cst.Name(safe)),
            args=[source.with_changes(comma=cst.MaybeSentinel.DEFAULT)],
        )


class SubprocessShellFalse(cst.CSTTransformer):
    """A literal shell command without shell syntax -> an argument list, and no ``shell=``."""

    name = "subprocess-shell-false"

    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:  # noqa: N802 - libcst's visitor name
        names = m.OneOf(*(m.Name(name) for name in _SUBPROCESS_CALLS))
        if not m.matches(updated_node.func, m.Attribute(value=m.Name("subprocess"), attr=names)):
            return updated_node
        shell = [a for a in updated_node.args if m.matches(a, m.Arg(keyword=m.Name("shell")))]
        if not shell or not m.matches(shell[0].value, m.Name("True")) or not updated_node.args:
            return updated_node
        command = updated_node.args[0]
        if command.keyword is not None or not isinstance(command.value, cst.SimpleString):
            return updated_node
        text = command.value.evaluated_value
        if not isinstance(text, str) or not text.strip() or _SHELL_SYNTAX & set(text):
            return updated_node
        words = [cst.Element(cst.SimpleString(repr(word))) for word in shlex.split(text)]
        kept = [a for a in updated_node.args[1:] if a is not shell[0]]
        args = [command.with_changes(value=cst.List(words)), *kept]
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.changed = True
        return updated_node.with_changes(args=args)


CODEMODS: tuple[type[HardenPyyaml] | type[SubprocessShellFalse], ...] = (
    HardenPyyaml,
    SubprocessShellFalse,
)


def apply_codemods(source: str) -> tuple[str, list[str]]:
    """``source`` with every codemod applied, and the names of those that changed it.

    Source that does not parse is returned unchanged (the compile check reports it).
    """
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return source, []
    applied = []
    for codemod in CODEMODS:
        transformer = codemod()
        module = module.visit(transformer)
        if transformer.changed:
            applied.append(codemod.name)
    return module.code, applied
