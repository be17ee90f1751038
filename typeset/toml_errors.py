"""TOML syntax errors explained in Chinese, at their line, with the likeliest cause named.

``tomllib`` says "Invalid value (at line 2, column 9)"; an editor typing on a Chinese input
method has most likely written Chinese quotes “协会通讯”, a full-width ＝ or a full-width space,
or a date that does not exist. Each of those gets its own sentence.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from typing import Callable

PREFIX = "格式错误："
WHERE = re.compile(r"^(?P<message>.*?) \((?:at line (?P<line>\d+), column \d+|at end of document)\)$", re.DOTALL)
CHINESE_QUOTES = "“”‘’＂＇「」『』"
DATE_LIKE = re.compile(r"=\s*(\d{2,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
KEY = re.compile(r"^\s*([^=\s#]+)\s*[=＝]")
HINT = "请对照 huikan new 生成的示例修改。"


def explain(text: str, error: tomllib.TOMLDecodeError, labels: dict[str, str] | None = None) -> tuple[str, int | None]:
    """A Chinese sentence and the line number for a ``tomllib`` error in ``text``.
    ``labels`` maps the editor's words (刊名) to key names (title) for a Chinese key."""
    match = WHERE.match(str(error))
    message = match.group("message") if match else str(error)
    line = int(match.group("line")) if match and match.group("line") else _guess_line(text, message)
    line_text = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    for rule in RULES:
        sentence = rule(message, line_text, labels or {})
        if sentence:
            return PREFIX + sentence, line
    return f"{PREFIX}{message}。{HINT}", line


def _guess_line(text: str, message: str) -> int | None:
    """Errors "at end of document": a key written twice, or a string never closed."""
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        key = KEY.match(line)
        if message.startswith("Cannot overwrite") and key:
            if key.group(1) in seen:
                return number
            seen.add(key.group(1))
        if message.startswith("Unterminated") and line.split("#")[0].count('"') % 2:
            return number
    return None


def _chinese_quotes(message: str, line: str, labels) -> str | None:
    if any(mark in line for mark in CHINESE_QUOTES):
        return '值两边用了中文引号：请把中文引号“”换成英文双引号 "，例如 title = "协会通讯"。'
    return None


def _full_width_equals(message: str, line: str, labels) -> str | None:
    return "等号用了全角“＝”：请换成英文等号 =。" if "＝" in line else None


def _full_width_space(message: str, line: str, labels) -> str | None:
    return "这一行有全角空格：请删去，或换成英文空格。" if "\u3000" in line.split('"')[0] else None


def _chinese_key(message: str, line: str, labels) -> str | None:
    key = KEY.match(line)
    if not key or key.group(1).isascii():
        return None
    name = labels.get(key.group(1).strip('"'))
    instead = f"“{key.group(1)}”请写成 {name}" if name else "例如 title、year"
    return f"设置项名称只能用英文（{instead}）。"


def _invalid_date(message: str, line: str, labels) -> str | None:
    date = DATE_LIKE.search(line)
    if not date or message.startswith("Cannot overwrite"):  # a date written twice: said by _by_message
        return None
    year, month, day = (int(part) for part in date.groups())
    if not 1 <= month <= 12:
        return f"日期里的月份“{month}”不对：月份应为 1 到 12，日期写成 2014-05-30 的样子（不加引号）。"
    last = calendar.monthrange(year, month)[1] if 1 <= year else 31
    if (message.startswith("Invalid date") and 1 <= year) or not 1 <= day <= last:
        return f"日期 {year}-{month:02d}-{day:02d} 不存在：{year} 年 {month} 月只有 {last} 天。"
    written = line.split("=", 1)[1].split("#")[0].strip()
    return f"日期“{written}”要写成 {year:04d}-{month:02d}-{day:02d} 的样子（四位年份-两位月份-两位日子，用 - 隔开，不加引号）。"


def _by_message(message: str, line: str, labels) -> str | None:
    if message.startswith("Illegal character"):
        char = re.search(r"'(.+)'", message)
        code = f"U+{ord(_unescape(char.group(1))):04X}" if char else ""
        if code in ("U+000A", "U+000D"):  # a line break inside a string: its closing quote is missing
            return dict(MESSAGES)["Unterminated string"]
        return f"这一行有不可见的控制字符 {code}：请删去（常见于从网页或 Word 复制的文字）。"
    for start, sentence in MESSAGES:
        if message.startswith(start):
            return sentence
    return None


def _unescape(escaped: str) -> str:
    """``'\\x07'`` as tomllib prints it → the character."""
    return escaped.encode("ascii", "backslashreplace").decode("unicode_escape")[:1] or "?"


MESSAGES = (
    ("Invalid value", '值的写法不对：文字要放在英文双引号里（title = "协会通讯"），数字和日期不加引号（year = 2014，date = 2014-05-30）。'),
    ("Unterminated string", '引号没有配对：文字两边各要一个英文双引号 "。'),
    ("Cannot overwrite", "同一个设置项写了两次：请删去其中一行。"),
    ("Invalid statement", "这一行看不懂：每行应写成 名称 = 值，例如 year = 2014；说明文字前面加 #。"),
    ("Expected newline", "一行只能写一项设置（名称 = 值），值后面只能跟 # 开头的说明。"),
    ("Expected '=' after a key", "设置项名称后面要有英文等号 =，例如 year = 2014。"),
)

RULES: tuple[Callable[[str, str, dict], str | None], ...] = (
    _chinese_quotes, _full_width_equals, _chinese_key, _full_width_space, _invalid_date, _by_message,
)
