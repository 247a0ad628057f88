"""The sandboxed Jinja2 environment that renders ``templates/`` into a workspace.

User text is only ever template *data*; template sources come from this repository alone.
"""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from core.naming import with_article
from services.workspace import resolve_inside

# Jinja2 renders any Python value, so a template's context is loosely typed by Jinja's own API;
# the names each template reads are its contract (see the models passed in).
TemplateContext = Mapping[str, Any]
TEMPLATES_ROOT = Path(__file__).resolve().parents[1] / "templates"
_PATH_VARIABLE = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


def py_literal(value: object) -> str:
    """A Python literal for ``value`` (escaped string, number, bool or None)."""
    return repr(value)


def md_text(value: object) -> str:
    """``value`` as inert Markdown table-cell text: one line, no pipes, no raw HTML."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


class Renderer:
    """Renders single templates and whole template trees with StrictUndefined."""

    def __init__(self, root: Path = TEMPLATES_ROOT) -> None:
        self.root = root
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(root)),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            # Output is source code and YAML, not HTML; values reach code through `py`.
            autoescape=False,
        )
        self.env.filters["py"] = py_literal
        self.env.filters["md"] = md_text
        self.env.filters["a"] = with_article

    def render(self, template: str, context: TemplateContext) -> str:
        """Render one template file (path relative to the templates root)."""
        return self.env.get_template(template).render(**context)

    def render_tree(self, tree: str, destination: Path, context: TemplateContext) -> list[Path]:
        """Render every file under ``templates/<tree>`` into ``destination``.

        ``*.j2`` files are rendered and lose the suffix; others are copied. A path segment may
        name a context variable as ``{{ name }}``. Returns the written paths.
        """
        source_root = self.root / tree
        written: list[Path] = []
        for source in sorted(p for p in source_root.rglob("*") if p.is_file()):
            relative = source.relative_to(source_root).as_posix()
            relative = _PATH_VARIABLE.sub(lambda m: str(context[m.group(1)]), relative)
            target = resolve_inside(destination, relative.removesuffix(".j2"))
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".j2":
                template_name = source.relative_to(self.root).as_posix()
                target.write_text(self.render(template_name, context), encoding="utf-8")
            else:
                shutil.copyfile(source, target)
            written.append(target)
        return written


@functools.cache
def default_renderer() -> Renderer:
    """The shared renderer over ``templates/`` (Jinja compiles each template once per process)."""
    return Renderer()
