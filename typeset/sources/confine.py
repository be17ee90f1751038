"""An issue folder is untrusted input: every file read from it (or written back by ``check
--fix``) must lie inside it, after ``..`` and symlinks are followed. One rule, used by section
discovery, the ``sections`` list, the cover, the pictures, the ICC profile and the fetcher.

Checking a path and then opening it again by name is a race: a file swapped for a link to
``/etc/passwd`` between the two is read. ``read_inside`` therefore resolves the name once,
checks it, and then walks the resolved path from the folder's descriptor with ``O_NOFOLLOW``
on every component, reading the bytes from the descriptor it checked (a regular file, no
larger than the limit, counted while reading). A link swapped in meanwhile is refused."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from typeset.errors import SourceError

__all__ = ["Confinement", "DEFAULT_LIMIT", "confined", "inside", "read_inside", "resolved", "same_file"]

DEFAULT_LIMIT = 100 * 1024 * 1024
CHUNK = 1024 * 1024
OUTSIDE = "这是指向本期文件夹之外的链接，不能读取或改写。请把文件本身复制到本期文件夹中。"


class Confinement(SourceError):
    """A file that may not be read: ``kind`` is ``outside``, ``missing``, ``special``,
    ``large`` or ``unreadable`` (callers with a better place to report it re-word it)."""

    def __init__(self, kind: str, message: str, path=None, line=None):
        self.kind = kind
        super().__init__(message, path, line)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (after ``..`` and symlinks) lies inside ``root``; odd names never do."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
        return False


def confined(path: Path, root: Path) -> Path:
    """``path`` itself when it lies inside ``root``; a ``SourceError`` naming it otherwise."""
    if not inside(path, root):
        raise SourceError(OUTSIDE, path)
    return path


def resolved(path: Path) -> Path | None:
    """``path`` with ``..`` and links resolved, or None when that fails (a loop, a name being
    swapped while it is resolved)."""
    try:
        return Path(path).resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def same_file(path: Path, seen: dict[Path, Path]) -> Path | None:
    """The earlier path in ``seen`` that names the same file as ``path`` (a second listing, a
    link to a sibling), or None; ``path`` is added to ``seen``."""
    key = resolved(path) or Path(os.path.abspath(path))  # swapped meanwhile: the read refuses it
    earlier = seen.get(key)
    seen.setdefault(key, path)
    return earlier


def read_inside(path: Path, root: Path, limit: int = DEFAULT_LIMIT) -> bytes:
    """The bytes of ``path``, a regular file inside ``root``, read from one descriptor opened
    without following any link; a ``Confinement`` error otherwise (or above ``limit`` bytes)."""
    fd = open_inside(path, root)
    try:
        return _read_limited(fd, path, limit)
    finally:
        os.close(fd)


def open_inside(path: Path, root: Path) -> int:
    """A read-only descriptor of the regular file ``path`` inside ``root`` (see module doc)."""
    parts = _resolved_parts(path, root)
    if not parts:
        raise Confinement("special", "不是普通文件，无法读取。", path)
    folder = _open_dir(os.path.realpath(root), None, path)
    try:
        for part in parts[:-1]:
            parent, folder = folder, -1
            try:
                folder = _open_dir(part, parent, path)
            finally:
                os.close(parent)
        fd = _open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, folder, path)
    finally:
        if folder >= 0:
            os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Confinement("special", "不是普通文件，无法读取。", path)
    return fd


def _resolved_parts(path: Path, root: Path) -> tuple[str, ...]:
    try:
        real_root = Path(os.path.realpath(root))
        target = Path(os.path.realpath(path))
    except (OSError, ValueError):
        raise Confinement("unreadable", "无法读取这个文件名。", path) from None
    if not target.is_relative_to(real_root):
        raise Confinement("outside", OUTSIDE, path)
    return target.relative_to(real_root).parts


def _open_dir(name: str, folder: int | None, path: Path) -> int:
    return _open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, folder, path)


def _open(name: str, flags: int, folder: int | None, path: Path) -> int:
    try:
        return os.open(name, flags | os.O_CLOEXEC, dir_fd=folder)
    except OSError as exc:
        raise _refusal(exc, path) from None


def _refusal(exc: OSError, path: Path) -> Confinement:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link (or a file) where the check saw none
        return Confinement("outside", OUTSIDE, path)
    if exc.errno == errno.ENOENT:
        return Confinement("missing", "找不到这个文件。", path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Confinement("unreadable", "没有读取权限，请检查文件权限。", path)
    return Confinement("unreadable", f"无法读取（{exc.strerror}）。", path)


def _read_limited(fd: int, path: Path, limit: int) -> bytes:
    if os.fstat(fd).st_size > limit:
        raise too_large(path, limit)
    chunks, total = [], 0
    while chunk := _read(fd, path):
        total += len(chunk)
        if total > limit:  # a file that grew after the check
            raise too_large(path, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _read(fd: int, path: Path) -> bytes:
    try:
        return os.read(fd, CHUNK)
    except OSError as exc:
        raise _refusal(exc, path) from None


def too_large(path: Path, limit: int) -> Confinement:
    return Confinement("large", f"文件过大（超过 {limit // 1048576} MB），不能读取。", path)


def digest_file(digest, path: Path, limit: int = DEFAULT_LIMIT) -> None:
    """Feed ``path``'s bytes to ``digest`` in chunks (never whole in memory), from one descriptor
    opened without following a link (a file swapped for a link or a pipe after it was listed is
    neither followed nor waited on). A file larger than ``limit`` is one no reader accepts, so
    its content cannot change a build: only the fact of its size is fed, and it is not read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        digest.update(f"\0unreadable {exc.errno}\0".encode())
        return
    with os.fdopen(fd, "rb") as stream:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            digest.update(f"\0unread {status.st_mode:o} {status.st_size}\0".encode())
            return
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
