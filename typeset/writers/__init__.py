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
    writers share (the print layout is made once and used by the PDF, archive and EPUB).

    While writers run, ``out_dir`` is the build's staging folder: the editions are swapped into
    the output folder together afterwards (``typeset.outputs.EditionSet``)."""

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
_BUILTIN_LOADED = False


def register(writer: Writer) -> Writer:
    WRITERS[writer.name] = writer
    return writer


BUILTIN = ("html", "pdf", "archive", "epub")  # also the default build, in this order
# What follows the issue id in the name of every edition a writer may write (``ctx.path``): a
# build removes those of its issue it did not write, so an issue's editions always match.
EDITION_SUFFIXES = [".html", ".pdf", "-印厂版.pdf", "-存档.pdf", ".epub"]


def writers() -> dict[str, Writer]:
    """Every registered writer, the built-in ones first (each module registers itself on import;
    WeasyPrint and ebooklib are imported only when a writer runs)."""
    global _BUILTIN_LOADED
    if not _BUILTIN_LOADED:
        import importlib

        for name in BUILTIN:
            importlib.import_module(f"typeset.writers.{name}")
        ordered = {name: WRITERS[name] for name in BUILTIN}
        ordered.update((name, writer) for name, writer in WRITERS.items() if name not in ordered)
        WRITERS.clear()
        WRITERS.update(ordered)
        _BUILTIN_LOADED = True
    return WRITERS
