"""The prepared-picture cache: files named by the hash of everything that made them (source
bytes, edition, size, colour profile, encoder version), so a rebuild reuses them and a change
of any input misses. Default ``~/.cache/huikan/figures`` (``$XDG_CACHE_HOME`` respected);
``HUIKAN_CACHE`` names another folder. A cache that cannot be written is skipped silently:
it only saves time."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

ENCODER_VERSION = "1"  # bump when the preparation changes what it writes


def cache_dir() -> Path:
    given = os.environ.get("HUIKAN_CACHE")
    if given:
        return Path(given) / "figures"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "huikan" / "figures"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join((ENCODER_VERSION, *parts)).encode("utf-8")).hexdigest()


def load(key: str) -> bytes | None:
    try:
        return (cache_dir() / key).read_bytes()
    except OSError:
        return None


def store(key: str, data: bytes) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:12]}.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / key)
    except OSError:
        pass
