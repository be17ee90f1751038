"""What an edition is made from, as one digest: the files the build reads (their names and
bytes), the issue's settings after the command line's (``IssueMeta``), and the tool (its version,
code, bundled styles and templates). Two builds with the same recipe make the same bytes, so an
edition an earlier build left is kept when this build has its recipe (``outputs.EditionSet``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from typeset.config import ISSUE_FILE
from typeset.model import Bulletin


def recipe_of(bulletin: Bulletin) -> str:
    from typeset.library.state import read_files, tool_digest

    digest = hashlib.sha256(f"{tool_digest()}\n{bulletin.meta!r}\n".encode())
    root = Path(bulletin.root)
    files = read_files(root, bulletin) if _is_folder_issue(bulletin) else _named_files(bulletin)
    for name, path in files:
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _is_folder_issue(bulletin: Bulletin) -> bool:
    return any(Path(source.path).name == ISSUE_FILE for source in bulletin.sources)


def _named_files(bulletin: Bulletin) -> list[tuple[str, Path]]:
    """A single text file's issue: that file and the pictures it names (its folder is not an
    issue folder, it is not walked)."""
    root = Path(bulletin.root)
    named = [Path(source.path) for source in bulletin.sources]
    named += [root / picture.source for block in bulletin.blocks() for picture in getattr(block, "pictures", ())
              if "#" not in picture.source]
    return sorted({path.name if path.parent == root else str(path): path for path in named if path.is_file()}.items())
