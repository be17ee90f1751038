"""The prepared-picture cache: files named by the hash of everything that made them (source
bytes, edition, size, colour profile, encoder version), so a rebuild reuses them and a change
of any input misses. Default ``~/.cache/huikan/figures`` (``$XDG_CACHE_HOME`` respected);
``HUIKAN_CACHE`` names another folder. A cache that cannot be written is skipped silently:
it only saves time.

An entry is trusted only as far as it proves itself: it is opened as a regular file without
following a link, read up to ``MAX_ENTRY_BYTES``, and must start with the SHA-256 of the bytes
that follow (a truncated, emptied or replaced entry is a miss, and the rebuild rewrites it)."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

ENCODER_VERSION = "2"  # bump when the preparation changes what it writes (2: 16-bit grey scaled)
MAGIC = b"huikan-figure-1\n"
DIGEST_BYTES = 32
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a prepared picture is a few MB; anything larger is not ours


def cache_dir() -> Path:
    given = os.environ.get("HUIKAN_CACHE")
    if given:
        return Path(given) / "figures"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "huikan" / "figures"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join((ENCODER_VERSION, *parts)).encode("utf-8")).hexdigest()


def load(key: str) -> bytes | None:
    """The entry's bytes, or ``None`` for a miss (absent, a link, not a file, too big, altered)."""
    entry = _read_regular(cache_dir() / key)
    if entry is None or not entry.startswith(MAGIC):
        return None
    digest, data = entry[len(MAGIC):len(MAGIC) + DIGEST_BYTES], entry[len(MAGIC) + DIGEST_BYTES:]
    return data if data and hashlib.sha256(data).digest() == digest else None


def _read_regular(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            entry = handle.read(MAX_ENTRY_BYTES + 1)
        return entry if len(entry) <= MAX_ENTRY_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def store(key: str, data: bytes) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + hashlib.sha256(data).digest() + data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, folder / key)  # replaces a planted link itself, never its target
        except OSError:
            Path(tmp).unlink(missing_ok=True)
    except OSError:
        pass
