"""Safe writes: a file is written to a temporary sibling and renamed into place, so a failed
build never leaves a truncated output and an earlier good file stays intact."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from typeset.errors import OutputError


def ensure_dir(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹（{exc.strerror}）。请换一个可写的位置（--out）。", folder) from None
    if not os.access(folder, os.W_OK):
        raise OutputError("输出文件夹不可写。请检查权限或用 --out 换一个位置。", folder)
    return folder


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (same-folder temporary file, fsync, rename).

    A symlinked file is written through to its target, and an existing file keeps its mode
    (``check --fix`` rewrites the editors' own files)."""
    path = path.resolve() if path.is_symlink() else path
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"写入失败（{exc.strerror}）。", path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
