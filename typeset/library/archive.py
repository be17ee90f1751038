"""Read stage of the members' library: the archive folder → settings and one entry per issue.

An archive is a folder of issue folders (each with ``issue.toml``; year subfolders allowed) and an
optional ``library.toml``. Everything in it is untrusted: the scan follows no symlink out of it.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from typeset.config import ISSUE_FILE
from typeset.errors import ConfigError, SourceError, TypesetError
from typeset.model import Bulletin
from typeset.sources import load

LOGGER = logging.getLogger("typeset")
SETTINGS_FILE = "library.toml"
MAX_DEPTH = 3  # archive/2014/2014-05/issue.toml is depth 2; deeper folders are not searched
SETTINGS_KEYS = {"title": "网站名称", "description": "网站简介", "base_url": "网址"}


@dataclass(frozen=True)
class Settings:
    """``library.toml``: what the site calls itself and where it lives (for the feeds)."""

    title: str = "会刊文库"
    description: str = "历年会刊：在线阅读、下载电子书、全文检索。"
    base_url: str = ""  # e.g. https://example.org/huikan/ ; empty → every link relative


@dataclass(frozen=True)
class Entry:
    """One issue folder of the archive, read into the document model."""

    folder: Path
    bulletin: Bulletin

    @property
    def issue_id(self) -> str:
        return self.bulletin.meta.issue_id


@dataclass(frozen=True)
class Failure:
    """An issue that could not be read or built: one Chinese line for the editor."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"失败：{self.where}：{self.message}"


@dataclass(frozen=True)
class Archive:
    root: Path
    settings: Settings
    entries: tuple[Entry, ...]
    failures: tuple[Failure, ...]


def read_archive(root: Path) -> Archive:
    """Find and read every issue folder; an unreadable issue becomes a ``Failure``, not an error."""
    root = Path(root)
    if not root.is_dir():
        raise SourceError("会刊文库文件夹不存在或不是文件夹，请检查路径。", root)
    settings = read_settings(root / SETTINGS_FILE)
    entries: list[Entry] = []
    failures: list[Failure] = []
    for folder in issue_folders(root):
        try:
            entries.append(Entry(folder, load(folder).bulletin))
        except TypesetError as error:
            failures.append(Failure(_relative(folder, root), str(error)))
    entries, duplicates = _unique(entries, root)
    return Archive(root, settings, tuple(entries), tuple(failures + duplicates))


def issue_folders(root: Path) -> list[Path]:
    """Folders holding an ``issue.toml``, in name order; hidden folders and symlinks are skipped."""
    found: list[Path] = []

    def walk(folder: Path, depth: int) -> None:
        if (folder / ISSUE_FILE).is_file() and folder != root:
            found.append(folder)
            return
        if depth >= MAX_DEPTH:
            return
        for child in sorted(folder.iterdir()):
            if child.is_dir() and not child.is_symlink() and not child.name.startswith((".", "_")):
                walk(child, depth + 1)

    walk(root, 0)
    return found


def read_settings(path: Path) -> Settings:
    if not path.is_file():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"格式不对（{exc}）。请按 TOML 格式书写，如 title = \"会刊文库\"。", path) from None
    for key in sorted(set(data) - set(SETTINGS_KEYS)):
        LOGGER.warning("%s: 未知的设置项“%s”（已忽略）。可用：%s。", path, key, "、".join(SETTINGS_KEYS))
    for key, label in SETTINGS_KEYS.items():
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"“{key}”（{label}）应为文字，请加上引号。", path)
    values = {key: data[key].strip() for key in SETTINGS_KEYS if key in data}
    if values.get("base_url") and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return Settings(**values)


def _unique(entries: list[Entry], root: Path) -> tuple[list[Entry], list[Failure]]:
    """Two folders for the same 年份-期号 would overwrite each other: the second one fails."""
    seen: dict[str, Entry] = {}
    failures = []
    for entry in entries:
        first = seen.setdefault(entry.issue_id, entry)
        if first is not entry:
            message = f"与 {_relative(first.folder, root)} 的年份和期号相同（{entry.issue_id}），请改正 issue.toml。"
            failures.append(Failure(_relative(entry.folder, root), message))
    return list(seen.values()), failures


def _relative(folder: Path, root: Path) -> str:
    try:
        return folder.relative_to(root).as_posix()
    except ValueError:
        return str(folder)
