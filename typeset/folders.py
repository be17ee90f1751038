"""Issue folders by name: ``2026-12``, ``2026_12``, ``2026年12期`` or ``2026年第12期`` is an issue
folder of year 2026, number 12 (``huikan new`` names its folders so, and reads them back). Used
to tell an editor which folders are near when a command is given none, and which one was meant
when a name is mistyped; a folder named otherwise (``pristine-2026-12``, ``备份``) is no issue."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from typeset.config import ISSUE_FILE

ISSUE_NAME = re.compile(r"^(\d{4})\s*(?:[-_./]|年)\s*第?\s*(\d{1,2})\s*期?$")
SHOWN = 5  # folders named in one line


def parse_issue_name(name: str) -> tuple[int, int] | None:
    """``2026-12`` → ``(2026, 12)``; a name that is not an issue id → None."""
    match = ISSUE_NAME.match(name.strip())
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    return (year, number) if 1949 <= year <= 2999 and 1 <= number <= 99 else None


def issue_folders(parent: Path) -> list[Path]:
    """The folders in ``parent`` that hold an issue.toml, hidden ones left out, in name order."""
    try:
        children = sorted(parent.iterdir())
    except OSError:
        return []
    return [child for child in children if not child.name.startswith(".") and _holds_issue(child)]


def _holds_issue(folder: Path) -> bool:
    try:
        return folder.is_dir() and (folder / ISSUE_FILE).is_file()
    except OSError:
        return False


def nearby_issue_folders(here: Path) -> list[Path]:
    """Issue folders an editor standing in ``here`` may have meant: its subfolders, the folder
    above when it is one (standing in ``imgs/``), and the folders beside ``here``."""
    here = here.absolute()
    found = issue_folders(here)
    if _holds_issue(here.parent):  # in imgs/ of an issue: that issue, then the issues beside it
        found += [here.parent, *issue_folders(here.parent.parent)]
    found += issue_folders(here.parent)
    return [folder for folder in dict.fromkeys(found) if folder != here]


def same_issue_named(path: Path) -> list[Path]:
    """For a path that does not exist but is named like an issue (``2026-12``): the existing
    folders beside it named for the same year and number (``2026年第12期``). A name that is no
    issue number (``2026-12x``, ``2026年第12其``): the one issue folder beside it spelt closest."""
    wanted = parse_issue_name(path.name)
    parent = path.parent if str(path.parent) else Path(".")
    if wanted is None:
        return _spelt_like(path.name, issue_folders(parent))
    return [folder for folder in issue_folders(parent) if parse_issue_name(folder.name) == wanted]


def _spelt_like(name: str, folders: list[Path]) -> list[Path]:
    """The folder whose name is closest to ``name`` (similarity ≥ 0.8), if no other is as close."""
    scored = sorted(((difflib.SequenceMatcher(None, name, folder.name).ratio(), folder) for folder in folders),
                    key=lambda pair: pair[0], reverse=True)
    if not scored or scored[0][0] < 0.8 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return []
    return [scored[0][1]]


def shown(folders: list[Path], here: Path) -> str:
    """``2026年第11期、2026年第12期`` (relative to ``here`` where possible), at most ``SHOWN``."""
    names = [_relative(folder, here.absolute()) for folder in folders[:SHOWN]]
    more = f" 等 {len(folders)} 个" if len(folders) > SHOWN else ""
    return "、".join(names) + more


def _relative(folder: Path, here: Path) -> str:
    return Path(os.path.relpath(folder.absolute(), here)).as_posix()
