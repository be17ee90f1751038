"""Writing a fixed source file back: in place, so the file keeps its owner, mode, hard links
and inode, and only after a verified copy of the original is on disk beside it.

The first fix of a file keeps the original as ``名称.txt.bak`` (never overwritten later: the
oldest original stays); a hidden ``.名称.txt.*.tmp`` copy guards each write and is removed once
the written file reads back as intended."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from typeset.errors import SourceError

BACKUP_SUFFIX = ".bak"


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def rewrite(path: Path, original: bytes, fixed: bytes) -> bool:
    """Replace ``original`` (what the check read) by ``fixed`` in the file itself; True when
    the ``.bak`` backup was made now, False when an older one was kept."""
    with _open_for_update(path) as handle:
        if handle.read() != original:
            raise SourceError("文件在检查之后被改动过，没有自动修正。请重新运行 huikan check --fix。", path)
        mode = os.fstat(handle.fileno()).st_mode & 0o7777
        guard = _verified_copy(path, original, mode)
        made = _keep_backup(path, original, mode)
        problem = _write_over(handle, fixed)
        if problem and _write_over(handle, original):
            raise SourceError(f"{problem}，原文的副本在 {guard.name}，请用它恢复。", path)
    guard.unlink(missing_ok=True)
    if problem:
        raise SourceError(f"{problem}，文件保持原样，没有自动修正。", path)
    return made


def _open_for_update(path: Path) -> BinaryIO:
    try:
        return open(path, "r+b")
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise SourceError(f"无法打开文件（{reason(exc)}），没有自动修正。", path) from None
        raise SourceError("文件是只读的（或没有写入权限），没有自动修正。请取消只读后再运行 huikan check --fix。", path) from None


def _verified_copy(path: Path, data: bytes, mode: int) -> Path:
    """A hidden copy of ``data`` beside ``path``, read back before anything is overwritten."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _no_copy(path, reason(exc)) from None
    copy = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            _write_all(out, data)
        os.chmod(copy, mode)
        if copy.read_bytes() == data:
            return copy
        problem = "内容校验不一致"
    except OSError as exc:
        problem = reason(exc)
    copy.unlink(missing_ok=True)
    raise _no_copy(path, problem)


_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满",
            errno.EROFS: "磁盘是只读的", errno.EDQUOT: "超出磁盘配额"}


def reason(exc: OSError) -> str:
    """The cause of an OS error in Chinese (the system's own words for rarer ones)."""
    return _REASONS.get(exc.errno, exc.strerror or "系统错误")


def _no_copy(path: Path, problem: str) -> SourceError:
    return SourceError(f"无法在文件旁保存原文的副本（{problem}），没有自动修正。请检查文件夹的写入权限和磁盘空间。", path)


def _keep_backup(path: Path, data: bytes, mode: int) -> bool:
    """Write ``名称.txt.bak`` unless that name exists (a link of that name is never followed)."""
    backup = backup_path(path)
    try:
        fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    except FileExistsError:
        return False
    except OSError as exc:
        raise SourceError(f"无法保存备份 {backup.name}（{reason(exc)}），没有自动修正。", path) from None
    try:
        with os.fdopen(fd, "wb") as out:
            _write_all(out, data)
    except OSError as exc:
        backup.unlink(missing_ok=True)
        raise SourceError(f"无法保存备份 {backup.name}（{reason(exc)}），没有自动修正。", path) from None
    return True


def _write_over(handle: BinaryIO, data: bytes) -> str:
    """Overwrite the open file with ``data`` and read it back; a problem in Chinese, or ``""``."""
    try:
        handle.seek(0)
        handle.truncate()
        _write_all(handle, data)
        handle.seek(0)
        return "" if handle.read() == data else "写回后校验不一致"
    except OSError as exc:
        return f"写入失败（{reason(exc)}）"


def _write_all(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())
