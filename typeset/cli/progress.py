"""Progress on the terminal: a build that runs longer than ``DELAY`` seconds shows one status
line on stderr (the stage, and the page being laid out); nothing when stderr is not a terminal.
Rich is imported only when the line is shown. ``HUIKAN_PROGRESS_DELAY`` (seconds) changes the
delay, ``0`` shows the line at once."""

from __future__ import annotations

import os
import sys
import threading

DELAY = 2.0


def configured_delay() -> float:
    try:
        return max(0.0, float(os.environ.get("HUIKAN_PROGRESS_DELAY", DELAY)))
    except ValueError:
        return DELAY


class TerminalProgress:
    """The build's ``progress`` callback, and a context that clears the line at the end."""

    def __init__(self, stream=None, delay: float | None = None):
        self.stream = stream or sys.stderr
        self.delay = configured_delay() if delay is None else delay
        self.stage = ""
        self.text = "读取…"
        self._status = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> "TerminalProgress":
        if _is_terminal(self.stream):
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __call__(self, stage: str) -> None:
        with self._lock:
            if stage.startswith("排版第") and self.stage:
                self.text = f"{self.stage}：{stage}…"
            else:
                self.stage, self.text = stage, f"{stage}…"
            if self._status is not None:
                self._status.update(self.text)

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            from rich.console import Console

            self._status = Console(file=self.stream).status(self.text)
            self._status.start()

    def __exit__(self, *exc_info) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
