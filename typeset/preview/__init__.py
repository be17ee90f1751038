"""``huikan preview``: the print edition of one issue, rebuilt on every save and shown in a browser.

``Preview`` ties three parts together: a ``Rebuilder`` (one warm process: WeasyPrint, the fonts
and the style are loaded by the first build and kept), a ``Watcher`` (a scan of the files'
times and sizes, no inotify) and a local web server (``server``) that only ever answers with
the page, the current PDF, its pages as pictures and a version number. Preview builds go to a
temporary folder, never over the editor's editions.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable

from typeset.preview.rebuild import Edition, Rebuilder
from typeset.preview.server import PreviewServer
from typeset.preview.watch import Watcher

__all__ = ["Edition", "Preview"]


class Preview:
    """``with Preview(folder) as preview: print(preview.url); preview.serve_forever()``."""

    def __init__(self, source: Path, told: Callable[[Edition], None] = lambda edition: None, interval: float = 0.15):
        self.source = Path(source)
        self.told = told
        self.workdir = Path(tempfile.mkdtemp(prefix="huikan-preview-"))
        self.rebuilder = Rebuilder(self.source, self.workdir, self._published)
        self.watcher = Watcher(self.source, self.rebuilder.rebuild, interval)
        try:
            self.server = PreviewServer(self.rebuilder, self.workdir)
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        self._thread = threading.Thread(target=self.watcher.run, name="huikan-preview-watch", daemon=True)

    def _published(self, edition: Edition) -> None:
        """A new edition: its pages become pictures at once, while the browser is still to ask."""
        threading.Thread(target=self.server.pictures.of, args=(edition,), name="huikan-preview-pages", daemon=True).start()
        try:
            self.told(edition)
        except OSError:  # the terminal is gone (a closed pipe): the page still shows every edition
            self.told = lambda edition: None

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> "Preview":
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def __exit__(self, *exc_info) -> None:
        self.told = lambda edition: None  # a build still running ends unheard
        self.watcher.stop()
        self.server.server_close()
        self._thread.join(timeout=0.5)  # a build still running ends with the process
        shutil.rmtree(self.workdir, ignore_errors=True)
