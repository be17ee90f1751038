"""An issue folder is untrusted input: every file read from it (or written back by ``check
--fix``) must lie inside it, after ``..`` and symlinks are followed. One rule, used by section
discovery, the ``sections`` list, the cover and the fixer."""

from __future__ import annotations

from pathlib import Path

from typeset.errors import SourceError

__all__ = ["confined", "inside", "same_file"]


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (after ``..`` and symlinks) lies inside ``root``; odd names never do."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
        return False


def confined(path: Path, root: Path) -> Path:
    """``path`` itself when it lies inside ``root``; a ``SourceError`` naming it otherwise."""
    if not inside(path, root):
        raise SourceError("这是指向本期文件夹之外的链接，不能读取或改写。请把文件本身复制到本期文件夹中。", path)
    return path


def same_file(path: Path, seen: dict[Path, Path]) -> Path | None:
    """The earlier path in ``seen`` that names the same file as ``path`` (a second listing, a
    link to a sibling), or None; ``path`` is added to ``seen``."""
    key = Path(path).resolve()
    earlier = seen.get(key)
    seen.setdefault(key, path)
    return earlier
