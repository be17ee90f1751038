"""The ``huikan`` command (会刊; ``typeset`` is a shell builtin): a thin layer over ``typeset.build``
and friends, one module a command (``build``, ``check``, ``new``, ``preview``, ``library``,
``volume``, ``verify``); ``application`` wires them, ``messages`` holds what several say.

Started as the command (the ``huikan`` script, ``python -m typeset``), this module first makes
Ctrl-C end the start-up with one line (exit 130) — it imports only the interpreter's built-in
``_signal`` for that, as ``signal`` itself imports a dozen modules — then ``main`` imports Typer
and the commands and hands Ctrl-C back to them (they clean up on ``KeyboardInterrupt``).
"""

from __future__ import annotations

import _signal
import os
import sys

STOPPED = "已中止：没有写出任何文件。"


def _stop_at_once(signum, frame) -> None:
    os.write(2, f"{STOPPED}\n".encode())
    os._exit(130)


def _started_as_command() -> bool:
    """Run by the ``huikan`` script or ``python -m typeset``, not imported by a program or a test."""
    started = sys.modules.get("__main__")
    spec = getattr(started, "__spec__", None)
    return (spec is not None and spec.name == "typeset.__main__") or \
        os.path.basename(getattr(started, "__file__", None) or "") == "huikan"


_GUARDED = _started_as_command() and _signal.getsignal(_signal.SIGINT) is not _signal.SIG_IGN
if _GUARDED:  # a Ctrl-C the shell told us to ignore (a background job) stays ignored
    _signal.signal(_signal.SIGINT, _stop_at_once)


def main() -> None:
    """Console entry point (``huikan = "typeset.cli:main"``, ``python -m typeset``)."""
    guarded = _GUARDED or _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler
    if guarded:
        _signal.signal(_signal.SIGINT, _stop_at_once)
    from typeset.cli.application import run

    if guarded:
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    run()


def __getattr__(name: str):
    if name == "app":  # ``from typeset.cli import app`` (tests invoke the Typer app directly)
        from typeset.cli.application import app

        return app
    raise AttributeError(name)
