"""Write stage: a small registry of writers. Built-in writers register the way a plugin would,
and the CLI's ``--format`` choices come from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from typeset.render import Rendered


@dataclass
class BuildContext:
    """What a writer gets: the rendered master, where to write, options, and a cache that
    writers share (the print layout is made once and used by the PDF, archive and EPUB)."""

    rendered: Rendered
    out_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def bulletin(self):
        return self.rendered.bulletin

    def path(self, suffix: str) -> Path:
        return self.out_dir / f"{self.bulletin.meta.issue_id}{suffix}"


@dataclass(frozen=True)
class Writer:
    name: str
    label: str  # shown to editors
    write: Callable[[BuildContext], Path]


WRITERS: dict[str, Writer] = {}


def register(writer: Writer) -> Writer:
    WRITERS[writer.name] = writer
    return writer


BUILTIN = ("html", "pdf", "archive", "epub")


def _builtin() -> None:
    """Import the built-in writer modules; each registers itself (heavy imports stay lazy)."""
    import importlib
    import importlib.util

    for name in BUILTIN:
        module = f"typeset.writers.{name}"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def writers() -> dict[str, Writer]:
    if not WRITERS:
        _builtin()
    return WRITERS
