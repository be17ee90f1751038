"""One error hierarchy: every mistake a user can make is a ``TypesetError``.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``;
anything else is a bug and gets a saved traceback.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class TypesetError(Exception):
    """A problem the user can fix; the message is one line of Simplified Chinese."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None, also=()):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.also = tuple(also)  # further problems found at the same time, each printed on its own line
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
    """``huikan check`` found errors (the build stops unless forced)."""

    exit_code = 1

    def __init__(self, message: str, findings=(), warnings=()):
        super().__init__(message)
        self.findings = list(findings)
        self.warnings = list(warnings)  # what the layout logged, when ``--strict`` refused them


class EnvironmentProblem(TypesetError):
    """The machine lacks something the build needs (a Debian package, a font)."""

    exit_code = 3


OS_REASONS = {  # errno → what an editor is told instead of the English strerror
    errno.EEXIST: "已有同名的文件或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "找不到这个文件或文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "这是只读的磁盘或文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接绕成了圈",
    errno.EIO: "磁盘读写出错",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EMFILE: "同时打开的文件太多",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EINVAL: "文件名或参数无效",
}


def os_reason(exc: OSError) -> str:
    """The Chinese reason for an ``OSError`` (its English strerror when we have no translation)."""
    return OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def chinese_os_reasons(text: str) -> str:
    """Replace every English strerror (``File exists``, ``Permission denied``…) in ``text``."""
    for code, reason in OS_REASONS.items():
        text = text.replace(os.strerror(code), reason)
    return text
