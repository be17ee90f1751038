"""issue.toml: a typed schema, every problem reported with its key and line.

Precedence: defaults < issue.toml < command-line options (an option overrides only when given).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typeset.errors import ConfigError
from typeset.model import Colophon, IssueMeta

ISSUE_FILE = "issue.toml"
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

DEFAULTS: dict[str, Any] = {
    "title": "会刊",
    "publisher": "编印单位",
    "style": "default",
    "paper": "A4",
    "pad_to": 4,
}


def key_line(text: str, name: str) -> int | None:
    """The line where ``name = …`` is written in a TOML text, for error messages."""
    match = re.search(rf"^[ \t]*{re.escape(name)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_issue_toml(path: Path) -> dict[str, Any]:
    """Parse and validate issue.toml; raise one ``ConfigError`` naming the first bad key's line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("issue.toml 必须以 UTF-8 编码保存。", path) from None
    except OSError as exc:
        raise ConfigError(f"无法读取 issue.toml（{exc.strerror}）。", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(f"格式错误（{exc.msg if hasattr(exc, 'msg') else exc}）。请对照 huikan new 生成的示例修改。", path, line) from None
    validate(data, text, path)
    return data


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def validate(data: dict[str, Any], text: str, path: Path) -> None:
    problems: list[ConfigError] = []
    for name, value in data.items():
        key = KEYS_BY_NAME.get(name)
        if key is None:
            problems.append(ConfigError(f"未知的设置项“{name}”，请检查拼写（可用：{'、'.join(KEYS_BY_NAME)}）。", path, key_line(text, name)))
        elif not _has_kind(value, key.kind):
            problems.append(ConfigError(f"“{name}”（{key.label}）的值类型不对：应为{_kind_label(key.kind)}。", path, key_line(text, name)))
    for key in KEYS:
        if key.required and key.name not in data:
            problems.append(ConfigError(f"缺少必填项“{key.name}”（{key.label}）。", path))
    if "paper" in data and data["paper"] not in PAPERS:
        problems.append(ConfigError(f"纸张“{data['paper']}”不支持，可选：{'、'.join(PAPERS)}。", path, key_line(text, "paper")))
    if problems:
        first = problems[0]
        raise ConfigError(first.message, first.path, first.line, also=problems[1:])


def _has_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, kind)


def _kind_label(kind: type | tuple[type, ...]) -> str:
    return {str: "文字（加引号）", int: "整数", dt.date: "日期（如 2014-05-30，不加引号）", list: "列表"}.get(kind, str(kind))


LIMITS = {  # name: (lowest, highest) for the whole numbers an issue has
    "year": (1949, 2999),
    "number": (1, 99),
    "serial": (1, 99999),
    "print_run": (1, 1_000_000),
}
PAD_TO = (1, 2, 4, 8, 16)
TITLE_MAX_CHARS = 20


def check_values(values: dict[str, Any], source: Path | None = None, options: dict[str, Any] | None = None) -> None:
    """The merged metadata (defaults < issue.toml < options) must make a printable issue.
    A bad value is reported at its line in ``source`` unless it came from ``options``."""
    text = source.read_text(encoding="utf-8-sig") if source else ""
    given = {key for key, value in (options or {}).items() if value is not None}

    def where(key: str) -> dict[str, Any]:
        return {"path": source, "line": key_line(text, key)} if source and key not in given else {}

    for key in ("title", "publisher"):
        if not str(values.get(key, "")).strip():
            raise ConfigError(f"“{key}”（{KEYS_BY_NAME[key].label}）不能是空的。", **where(key))
    if len(values["title"]) > TITLE_MAX_CHARS:
        raise ConfigError(f"刊名太长（{len(values['title'])} 字）：报头最多排 {TITLE_MAX_CHARS} 字。", **where("title"))
    for key, (low, high) in LIMITS.items():
        value = values.get(key)
        if value is not None and not low <= value <= high:
            raise ConfigError(f"“{key}”（{KEYS_BY_NAME[key].label}）应在 {low} 到 {high} 之间，现在是 {value}。", **where(key))
    if values.get("pad_to", 4) not in PAD_TO:
        raise ConfigError(f"“pad_to”只能是 {'、'.join(map(str, PAD_TO))} 之一（骑马钉一般为 4）。", **where("pad_to"))


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


