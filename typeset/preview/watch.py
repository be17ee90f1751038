"""Saves noticed by scanning: each file's modification time and size, every ``interval`` seconds.

No inotify (not on every file system, not through every editor's save): an issue folder holds
a few dozen files, a scan takes well under a millisecond. ``output/``, hidden names and editors'
temporary files are left out (a build writing there is no change)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

LEFT_OUT = ("output",)
MAX_FILES = 5000  # a folder holding far more is no issue folder: the first files are watched
Snapshot = dict[str, tuple[int, int]]


def snapshot(source: Path) -> Snapshot:
    """``{relative path: (mtime_ns, size)}`` of what a save may change."""
    if not source.is_dir():
        return _stat(source, {}, source.name)
    found: Snapshot = {}
    for folder, dirs, files in os.walk(source):
        top = Path(folder) == source
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (top and d in LEFT_OUT))
        for name in sorted(files):
            if not _temporary(name):
                _stat(Path(folder, name), found, os.path.relpath(os.path.join(folder, name), source))
            if len(found) >= MAX_FILES:
                return found
    return found


def _temporary(name: str) -> bool:
    return name.startswith((".", "~$", ".~")) or name.endswith(("~", ".swp", ".tmp", ".bak"))


def _stat(path: Path, found: Snapshot, name: str) -> Snapshot:
    try:
        status = path.stat()
    except OSError:
        return found
    found[name] = (status.st_mtime_ns, status.st_size)
    return found


class Watcher:
    """Calls ``rebuild`` at once, then after every change (a change during a build: once more)."""

    def __init__(self, source: Path, rebuild: Callable[[], object], interval: float = 0.15):
        self.source = source
        self.rebuild = rebuild
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        built = None
        while not self._stopped.is_set():
            seen = snapshot(self.source)
            if seen != built:
                built = seen
                self.rebuild()
                continue
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        self._stopped.set()
