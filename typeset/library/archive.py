"""Read stage of the members' library: the archive folder → settings and one entry per issue.

An archive is a folder of issue folders (each with ``issue.toml``; year subfolders allowed) and an
optional ``library.toml``. Everything in it is untrusted: the scan follows no symlink out of it.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from typeset import toml_errors
from typeset.config import ISSUE_FILE, forbidden_character, key_line
from typeset.errors import ConfigError, SourceError, TypesetError, os_reason
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
        except Exception as error:  # noqa: BLE001 - one issue's bug (a RecursionError…) must not stop the others
            failures.append(Failure(_relative(folder, root), f"内部错误（{type(error).__name__}），请单独运行 huikan build 查看详情。"))
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
    """``library.toml``, checked like issue.toml: a mistake is one Chinese line at its line."""
    if path.is_symlink():
        raise ConfigError("library.toml 是符号链接：只读取文库文件夹里的普通文件，请换成文件本身。", path)
    if not path.is_file():
        return Settings()
    text = _settings_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_errors.explain(text, exc)
        raise ConfigError(message, path, line) from None
    for key in sorted(set(data) - set(SETTINGS_KEYS)):
        LOGGER.warning("%s: 未知的设置项“%s”（已忽略）。可用：%s。", _at(path, text, key), key, "、".join(SETTINGS_KEYS))
    values = {key: data[key] for key in SETTINGS_KEYS if key in data}
    for key, value in values.items():
        problem = _setting_problem(key, value)
        if problem:
            raise ConfigError(f"“{key}”（{SETTINGS_KEYS[key]}）{problem}", path, key_line(text, key))
    values = {key: value.strip() for key, value in values.items()}
    if values.get("base_url") and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return Settings(**values)


def _settings_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("library.toml 必须以 UTF-8 编码保存。", path) from None
    except OSError as exc:
        raise ConfigError(f"无法读取 library.toml（{os_reason(exc)}）。", path) from None


def _setting_problem(key: str, value) -> str | None:
    """What is wrong with one value of library.toml, in the editor's words (None: nothing)."""
    if not isinstance(value, str):
        return "应为文字，请加上英文双引号，例如 title = \"会刊文库\"。"
    bad = forbidden_character(value)
    if bad:
        return f"里有不可见的控制字符 {bad}，请删去（常见于从网页或 Word 复制的文字）。"
    if key == "title" and not value.strip():
        return "不能是空的；不需要时删去这一行。"
    if key == "base_url" and value.strip() and not _web_address(value.strip()):
        return "应是以 http:// 或 https:// 开头的网址，例如 https://example.org/huikan/；不需要时删去这一行。"
    return None


def _web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)


def _at(path: Path, text: str, key: str) -> str:
    line = key_line(text, key)
    return f"{path}:{line}" if line else str(path)


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
