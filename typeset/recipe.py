"""What an edition is made from, as one digest: the files the build reads (their names and
bytes), the issue's settings after the command line's (``IssueMeta``), and the tool (its version,
code, bundled styles and templates). Two builds with the same recipe make the same bytes, so an
edition an earlier build left is kept when this build has its recipe (``outputs.EditionSet``).

The members' library keeps its own digest (``library/state.py``) for a whole issue; this one is
light: it imports nothing of the library and walks only the issue's own folder."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from typeset import __version__
from typeset.config import ISSUE_FILE
from typeset.model import Bulletin
from typeset.resources import styles_dir, templates_dir
from typeset.sources.confine import digest_file, inside

PACKAGE = Path(__file__).resolve().parent
NOT_EDITIONS = ("library", "cli", "preview", "__pycache__", "_data")  # code that makes no edition's bytes
IMAGES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".bmp", ".svg", ".heic", ".heif"})
OVERRIDES = ("style", "templates")  # an issue's own style and templates, read whole
LEFT_OUT = ("output",)  # where huikan build writes by default


def recipe_of(bulletin: Bulletin) -> str:
    digest = hashlib.sha256(f"{tool_digest()}\n{bulletin.meta!r}\n".encode())
    for name, path in read_files(bulletin):
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        digest_file(digest, path)  # streamed: a huge file beside the issue is never read whole
    return digest.hexdigest()


@cache
def tool_digest() -> str:
    digest = hashlib.sha256(f"huikan {__version__}\n".encode())
    for name, root in (("code", PACKAGE), ("styles", styles_dir()), ("templates", templates_dir())):
        digest.update(f"[{name}]\n".encode())
        for path in _files(root, skip=NOT_EDITIONS):
            if path.suffix != ".pyc":
                digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def read_files(bulletin: Bulletin) -> list[tuple[str, Path]]:
    """(name, path) of what the build reads: the sources, cover, ICC profile and the pictures
    named; in an issue folder also every picture and the issue's own style/ and templates/."""
    root, meta = Path(bulletin.root), bulletin.meta
    named = [Path(source.path) for source in bulletin.sources]
    named += [root / name for name in (meta.cover, meta.icc_profile) if name]
    named += [root / picture.source for block in bulletin.blocks() for picture in getattr(block, "pictures", ())
              if "#" not in picture.source]
    if any(path.name == ISSUE_FILE for path in named):  # a folder issue, not one text file among others
        named += [path for path in _files(root, skip=LEFT_OUT, top_only=True)
                  if path.suffix.lower() in IMAGES or path.relative_to(root).parts[0] in OVERRIDES]
    found = {os.path.relpath(path, root): path for path in named if path.is_file() and inside(path, root)}
    found.update({str(path): path for path in named if path.is_file() and not inside(path, root)})
    return sorted((Path(name).as_posix(), path) for name, path in found.items())


def _files(root: Path, skip: tuple[str, ...], top_only: bool = False):
    """Regular files under ``root`` in a stable order; hidden names, symlinked folders and the
    folders in ``skip`` (only at the top with ``top_only``) left out."""
    for folder, dirs, files in os.walk(root):
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(folder, d))
                         and not ((top or not top_only) and d in skip))
        for name in sorted(files):
            path = Path(folder, name)
            if not name.startswith((".", "~$")) and not path.is_symlink() and path.is_file():
                yield path
