"""One error hierarchy: every mistake a user can make is a ``TypesetError``.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``;
anything else is a bug and gets a saved traceback.
"""

from __future__ import annotations

from pathlib import Path


class TypesetError(Exception):
    """A problem the user can fix; the message is one line of Simplified Chinese."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class SourceError(TypesetError):
    """The issue's text files: missing, unreadable, binary, undecodable, empty."""


class ConfigError(TypesetError):
    """issue.toml or a style manifest is malformed or incomplete."""


class StyleError(TypesetError):
    """An unknown style, a missing template or stylesheet."""


class OutputError(TypesetError):
    """The output folder can't be written."""


class CheckFailed(TypesetError):
    """``typeset check`` found errors (the build stops unless forced)."""

    exit_code = 1

    def __init__(self, message: str, findings=()):
        super().__init__(message)
        self.findings = list(findings)


class EnvironmentProblem(TypesetError):
    """The machine lacks something the build needs (a Debian package, a font)."""

    exit_code = 3
