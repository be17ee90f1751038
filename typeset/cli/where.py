"""Which issue a command works on: the folder it names, or the current folder when that holds
an issue.toml. Never the bundled sample unless named (``make demo`` names ``seeds/sample``): a
command given no issue where there is none says what is missing and which issue folders are
near; a mistyped issue name (``2026-12`` for ``2026年第12期``) is answered with the folder meant."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

from typeset.config import ISSUE_FILE
from typeset.errors import SourceError
from typeset.folders import nearby_issue_folders, same_issue_named, shown


def issue_source(source: Optional[Path], command: str = "build") -> Path:
    """The issue to work on, or a one-line ``SourceError`` saying what to name."""
    if source is None:
        if Path(ISSUE_FILE).is_file():
            return Path(".")
        raise SourceError(_no_issue_here(command))
    if not source.exists() and not source.is_symlink():
        meant = same_issue_named(source)
        guess = f"是不是 {meant[0].as_posix()}？" if len(meant) == 1 else "请检查路径。"
        raise SourceError(f"找不到这个文件或文件夹，{guess}", source)
    return source


def _no_issue_here(command: str) -> str:
    here = Path.cwd()
    near = nearby_issue_folders(here)
    missing = f"当前文件夹（{here}）里没有 {ISSUE_FILE}，不是一期会刊的文件夹"
    if not near:
        return f"{missing}，附近也没有找到会刊文件夹。请写明要用哪一期，如 huikan {command} 2026-12（新建一期：huikan new 2026-12）。"
    return f"{missing}。附近的会刊文件夹：{shown(near, here)}；请写明要用哪一期，如 huikan {command} {shown(near[:1], here)}。"


def in_issue_folder(command, name: str):
    """A command whose first argument (the issue) may be left out inside an issue folder."""
    @functools.wraps(command)
    def run(source: Optional[Path] = None, **options):
        return command(issue_source(source, name), **options)
    return run
