"""The ``huikan`` command (会刊; ``typeset`` is a shell builtin): a thin layer over ``typeset.build``
and friends, one module a command (``build``, ``check``, ``new``, ``preview``, ``library``,
``volume``, ``verify``); ``app`` wires them, ``messages`` holds what several commands say.

Nothing heavy is imported here: ``main`` first makes Ctrl-C end the start-up with one line
(exit 130), then imports Typer and the commands, then hands Ctrl-C back to the commands (which
clean up on ``KeyboardInterrupt``).
"""

from __future__ import annotations

import os
import signal

STOPPED = "已中止：没有写出任何文件。"


def main() -> None:
    """Console entry point (``huikan = "typeset.cli:main"``, ``python -m typeset``)."""
    with _interrupt_ends_start_up():
        from typeset.cli.application import run
    run()


class _interrupt_ends_start_up:
    """While the imports run, Ctrl-C exits at once with one line: no half-imported module is
    used afterwards, and a ``KeyboardInterrupt`` raised inside an import would print a traceback.
    A Ctrl-C the shell told us to ignore (a background job) stays ignored."""

    def __enter__(self) -> None:
        self.previous = signal.getsignal(signal.SIGINT)
        if self.previous is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, _stop_at_once)

    def __exit__(self, *exc_info) -> None:
        if self.previous is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _stop_at_once(signum, frame) -> None:
    os.write(2, f"{STOPPED}\n".encode())
    os._exit(130)


def __getattr__(name: str):
    if name == "app":  # ``from typeset.cli import app`` (tests invoke the Typer app directly)
        from typeset.cli.application import app

        return app
    raise AttributeError(name)
