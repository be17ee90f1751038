"""issue.toml: a typed schema, every problem reported with its key and line.

Precedence: defaults < issue.toml < command-line options (an option overrides only when given).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typeset import toml_errors
from typeset.errors import ConfigError
from typeset.model import Colophon, IssueMeta

LOGGER = logging.getLogger("typeset.config")
ISSUE_FILE = "issue.toml"
# The years an issue (年份 and 出版日期) may carry: every edition can write them (a ZIP entry's
# date, and so the EPUB's, ends in 2107), and a typo like 2108 for 2018 is caught.
FIRST_YEAR, LAST_YEAR = 1949, 2100
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
PAPERS = ("A4", "正度16开", "大度16开")


@dataclass(frozen=True)
class Key:
    name: str
    kind: type | tuple[type, ...]
    label: str  # what the editor calls it
    required: bool = False


KEYS = (
    Key("title", str, "刊名", required=True),
    Key("year", int, "年份", required=True),
    Key("number", int, "期号", required=True),
    Key("serial", int, "总期号"),
    Key("date", dt.date, "出版日期", required=True),
    Key("publisher", str, "编印单位", required=True),
    Key("report_to", str, "报送"),
    Key("copy_to", str, "抄送"),
    Key("send_to", str, "发送"),
    Key("print_run", int, "印数"),
    Key("style", str, "版式（样式名）"),
    Key("paper", str, "纸张"),
    Key("cover", str, "封面图片"),
    Key("pad_to", int, "页数补足倍数"),
    Key("icc_profile", str, "ICC 色彩配置文件"),
    Key("sections", list, "栏目列表"),
)
KEYS_BY_NAME = {key.name: key for key in KEYS}
LABELS = {word: key.name for key in KEYS for word in re.split(r"[（）、 ]+", key.label) if word}  # 刊名 → title

DEFAULTS: dict[str, Any] = {
    "title": "会刊",
    "publisher": "编印单位",
    "style": "default",
    "paper": "A4",
    "pad_to": 4,
}


def key_line(text: str, name: str) -> int | None:
    """The line where ``name = …`` is written in a TOML text, for error messages."""
    match = re.search(rf"^[ \t]*([\"']?){re.escape(name)}\1[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_issue_toml(path: Path) -> dict[str, Any]:
    """Parse and validate issue.toml; raise one ``ConfigError`` naming the first bad key's line.
    An unknown key is a warning (with a did-you-mean) and is left out of the result."""
    text = toml_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_errors.explain(text, exc, LABELS)
        raise ConfigError(message, path, line) from None
    unknown = unknown_keys(data, text, path)
    for name in unknown:
        del data[name]
    validate(data, text, path, unknown)
    return data


def toml_text(path: Path) -> str:
    """issue.toml's text, decoded as the section files are (UTF-8 with or without BOM, UTF-16
    with BOM, GB18030 as Windows Notepad saves it)."""
    from typeset.sources.confine import Confinement, read_inside  # lazily: sources imports this module
    from typeset.sources.decode import decode

    try:  # from the descriptor checked inside its folder (no link swapped in meanwhile)
        data = read_inside(path, path.parent, MAX_TOML_BYTES)
    except Confinement as exc:
        raise ConfigError(f"无法读取 issue.toml（{exc.message.rstrip('。')}）。", path) from None
    return decode(data, path)[0]


MAX_TOML_BYTES = 4 * 1024 * 1024


def unknown_keys(data: dict[str, Any], text: str, path: Path) -> list[str]:
    """Keys issue.toml does not know: each is logged as a warning at its line."""
    unknown = [name for name in data if name not in KEYS_BY_NAME]
    for name in unknown:
        where = f"{path}:{key_line(text, name)}" if key_line(text, name) else str(path)
        LOGGER.warning("%s: 未知的设置项“%s”，已忽略。%s", where, name, did_you_mean(name))
    return unknown


def likely_key(name: str) -> str | None:
    """The known key a misspelt or Chinese ``name`` most likely means (``titel`` → ``title``)."""
    return LABELS.get(name) or next(iter(difflib.get_close_matches(name.lower(), KEYS_BY_NAME, n=1, cutoff=0.6)), None)


def did_you_mean(name: str) -> str:
    guess = likely_key(name)
    if guess:
        return f"是不是要写“{guess}”（{KEYS_BY_NAME[guess].label}）？"
    return f"可用的设置项：{'、'.join(KEYS_BY_NAME)}。"


def validate(data: dict[str, Any], text: str, path: Path, unknown: list[str] = ()) -> None:
    problems: list[ConfigError] = []
    for name, value in data.items():
        key = KEYS_BY_NAME[name]
        wrong = type_problem(key, value)
        if wrong:
            problems.append(ConfigError(wrong, path, key_line(text, name)))
    for key in KEYS:
        if key.required and key.name not in data:
            problems.append(ConfigError(f"缺少必填项“{key.name}”（{key.label}），请补上一行 {key.name} = …。"
                                        f"{_misspelt(key.name, unknown, text)}", path))
    if isinstance(data.get("paper"), str) and data["paper"] not in PAPERS:
        problems.append(ConfigError(f"纸张“{data['paper']}”不支持，可选：{'、'.join(PAPERS)}。", path, key_line(text, "paper")))
    if problems:
        first = problems[0]
        raise ConfigError(first.message, first.path, first.line, also=problems[1:])


def _misspelt(name: str, unknown: list[str], text: str) -> str:
    """``第 2 行的 titel 是不是 title？`` when an unknown key looks like the missing ``name``."""
    for written in unknown:
        if likely_key(written) == name:
            line = key_line(text, written)
            return f"{f'第 {line} 行的' if line else ''} {written} 是不是 {name}？".lstrip()
    return ""


def type_problem(key: Key, value: Any) -> str | None:
    """What is wrong with the type of ``value`` for ``key``, in the editor's words (None: nothing)."""
    if _has_kind(value, key.kind):
        if key.kind is list and not all(isinstance(item, str) for item in value):
            return f"“{key.name}”（{key.label}）里的每一项都要是加英文双引号的文件名，例如 [\"01-工作交流.txt\"]。"
        return None
    head = f"“{key.name}”（{key.label}）的值类型不对："
    if key.kind is dt.date:
        return head + _date_hint(value)
    if key.kind is int and isinstance(value, str) and value.strip().isdigit():
        return head + f"数字不加引号，请写成 {key.name} = {value.strip()}。"
    if key.kind is str:
        return head + f'文字要放在英文双引号里，例如 {key.name} = "{value}"。'
    return head + f"应为{_kind_label(key.kind)}。"


def _date_hint(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"只写日期，不写时间，例如 date = {value.date().isoformat()}。"
    if isinstance(value, str):
        try:
            return f"日期不加引号，请写成 date = {dt.date.fromisoformat(value.strip()).isoformat()}。"
        except ValueError:
            pass
    return "应写成 2014-05-30 的样子（不加引号）。"


def _has_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, kind)


def _kind_label(kind: type | tuple[type, ...]) -> str:
    return {str: "文字（加英文双引号）", int: "整数（不加引号）", dt.date: "日期（如 2014-05-30，不加引号）",
            list: '列表（如 ["01-工作交流.txt"]）'}.get(kind, str(kind))


LIMITS = {  # name: (lowest, highest) for the whole numbers an issue has
    "year": (FIRST_YEAR, LAST_YEAR),
    "number": (1, 99),
    "serial": (1, 99999),
    "print_run": (1, 1_000_000),
}
PAD_TO = (1, 2, 4, 8, 16)
TITLE_MAX_CHARS = 20
TEXT_KEYS = tuple(key.name for key in KEYS if key.kind is str)


def check_values(values: dict[str, Any], source: Path | None = None, options: dict[str, Any] | None = None) -> None:
    """The merged metadata (defaults < issue.toml < options) must make a printable issue.
    A bad value is reported at its line in ``source``, or named as the option it came from."""
    text = toml_text(source) if source else ""
    given = {key for key, value in (options or {}).items() if value is not None}

    def fail(key: str, message: str) -> ConfigError:
        if key in given:
            return ConfigError(f"选项 --{key.replace('_', '-')}：{message}")
        return ConfigError(message, source, key_line(text, key)) if source else ConfigError(message)

    for problem in value_problems(values):
        raise fail(*problem)


def value_problems(values: dict[str, Any]):
    """(key, message) for every value that cannot make a printable issue, in key order."""
    for key in TEXT_KEYS:
        bad = forbidden_character(values.get(key))
        if bad:
            yield key, f"“{key}”（{KEYS_BY_NAME[key].label}）里有不可见的控制字符 {bad}，请删去（常见于从网页或 Word 复制的文字）。"
    for key in ("title", "publisher"):
        if not str(values.get(key, "")).strip():
            yield key, f"“{key}”（{KEYS_BY_NAME[key].label}）不能是空的。"
    if len(values["title"]) > TITLE_MAX_CHARS:
        yield "title", f"刊名太长（{len(values['title'])} 字）：报头最多排 {TITLE_MAX_CHARS} 字。"
    for key, (low, high) in LIMITS.items():
        value = values.get(key)
        if value is not None and not low <= value <= high:
            yield key, f"“{key}”（{KEYS_BY_NAME[key].label}）应在 {low} 到 {high} 之间，现在是 {value}。"
    date = values.get("date")
    if date is not None and not FIRST_YEAR <= date.year <= LAST_YEAR:
        yield "date", f"出版日期 {date.isoformat()} 超出范围：年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间。"
    if values.get("pad_to", 4) not in PAD_TO:
        yield "pad_to", f"“pad_to”只能是 {'、'.join(map(str, PAD_TO))} 之一（骑马钉一般为 4）。"


def forbidden_character(value: Any) -> str | None:
    """``U+0007`` for the first character no edition can carry in a one-line text field: control
    characters (tabs and line breaks included), line/paragraph separators, bidi overrides,
    surrogates and noncharacters. None when the text is clean (or not text)."""
    if not isinstance(value, str):
        return None
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in BIDI_CONTROLS or _noncharacter(char):
            return f"U+{ord(char):04X}"
    return None


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def make_meta(values: dict[str, Any]) -> IssueMeta:
    """Build ``IssueMeta`` from merged values (defaults, issue.toml, options)."""
    colophon = Colophon(
        report_to=values.get("report_to", ""),
        copy_to=values.get("copy_to", ""),
        send_to=values.get("send_to", ""),
        print_run=values.get("print_run"),
    )
    return IssueMeta(
        title=values["title"],
        year=values["year"],
        number=values["number"],
        serial=values.get("serial"),
        date=values["date"],
        publisher=values["publisher"],
        colophon=colophon,
        style=values.get("style", "default"),
        paper=values.get("paper", "A4"),
        cover=values.get("cover"),
        pad_to=values.get("pad_to", 4),
        icc_profile=values.get("icc_profile"),
    )


def merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win; ``None`` means "not given" and never overrides."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update({key: value for key, value in layer.items() if value is not None})
    return merged


