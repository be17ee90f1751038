"""Word's automatic numbering (``word/numbering.xml``) rendered as Word shows it.

A paragraph with ``w:numPr`` (its own or its style's) shows a label made from its level's
``lvlText`` (``%1、`` ``（%1）`` ``%1.%2``), each ``%n`` the counter of level n in that level's
``numFmt``. Counters belong to the list (the abstract numbering a ``w:num`` points at); a
level's counter restarts when a level above it advances. Bullets are left to mammoth (items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
LEVELS = 9  # Word's levels 0–8; a level outside them is not shown
MAX_START = 32767  # the largest start value Word accepts
_NUMBER = re.compile(r"-?[0-9]{1,9}")
_NO_GAP = "、.．)）:：，, \u3000" + _CIRCLED  # a label ending in one of these needs no blank before the text


def chinese_counting(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if number < 10:
        return _CN[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return (_CN[tens] if tens > 1 else "") + "十" + (_CN[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    tail = "" if not rest else ("零" + _CN[rest] if rest < 10 else ("一" if rest < 20 else "") + chinese_counting(rest))
    return _CN[hundreds % 10] + "百" + tail


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _letter(number: int) -> str:
    return chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})",
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "ideographLegalTraditional": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "ideographDigital": lambda n: "".join(_CN[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: _HEAVENLY[(n - 1) % 10],
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "none": lambda n: "",
}


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False
    gap: bool = True  # Word's tab (or blank) after the label; ``suff="nothing"`` has none


@dataclass
class Numbering:
    """The lists of a document: ``num`` id → abstract id, abstract id → levels, and counters."""

    nums: dict[str, str] = field(default_factory=dict)
    starts: dict[str, dict[int, int]] = field(default_factory=dict)  # startOverride by num id
    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        return self.levels.get(self.nums.get(num_id, ""), {}).get(ilvl)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The label the next paragraph of list ``num_id`` at ``ilvl`` shows; None for a bullet
        or a list this document does not define (left as it is)."""
        abstract = self.nums.get(num_id)
        level = self.level(num_id, ilvl)
        if abstract is None or not 0 <= ilvl < LEVELS or level is None or level.fmt not in FORMATS:
            return None
        counters = self._advance(num_id, abstract, ilvl)
        label = level.text
        for n in range(9, 0, -1):
            if f"%{n}" in label:
                label = label.replace(f"%{n}", self._shown(abstract, n - 1, counters, level.legal))
        return with_gap(label) if level.gap else label

    def _advance(self, num_id: str, abstract: str, ilvl: int) -> list[int]:
        levels = self.levels[abstract]
        counters = self.counters.setdefault(abstract, [0] * 9)
        if num_id not in self.used and num_id in self.starts:  # a restarted list
            for k, start in self.starts[num_id].items():
                counters[k] = start - 1
        self.used.add(num_id)
        start = levels[ilvl].start
        counters[ilvl] = max(counters[ilvl], start - 1) + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = levels[deeper].start - 1 if deeper in levels else 0
        return counters

    def _shown(self, abstract: str, k: int, counters: list[int], legal: bool) -> str:
        level = self.levels[abstract].get(k, Level())
        fmt = "decimal" if legal else level.fmt
        return FORMATS.get(fmt, str)(max(counters[k], level.start))


def with_gap(label: str) -> str:
    """A label as it precedes the text: Word's tab after ``第一章`` becomes a blank; ``一、``
    ``（一）`` ``1.`` need none."""
    return label if not label or label[-1] in _NO_GAP else label + " "


def read_numbering(root) -> Numbering:
    """``numbering.xml`` (an lxml root, or None) → the document's lists."""
    numbering = Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(f"{W}abstractNum"):
        levels = {}
        for lvl in abstract.iter(f"{W}lvl"):
            ilvl = _int(_val(lvl, "ilvl", "0"), -1)
            if 0 <= ilvl < LEVELS:
                levels[ilvl] = Level(
                    _child_val(lvl, "numFmt", "decimal"), _child_val(lvl, "lvlText", ""),
                    _start(_child_val(lvl, "start", "1"), 1), lvl.find(f"{W}isLgl") is not None,
                    _child_val(lvl, "suff", "tab") != "nothing")
        numbering.levels[_val(abstract, "abstractNumId", "")] = levels
    for num in root.iter(f"{W}num"):
        num_id = _val(num, "numId", "")
        numbering.nums[num_id] = _child_val(num, "abstractNumId", "")
        overrides = {_int(_val(o, "ilvl", "0"), -1): _start(_child_val(o, "startOverride", ""), 0)
                     for o in num.iter(f"{W}lvlOverride") if o.find(f"{W}startOverride") is not None}
        overrides = {k: start for k, start in overrides.items() if 0 <= k < LEVELS}
        if overrides:
            numbering.starts[num_id] = overrides
    return numbering


def _val(element, name: str, default: str) -> str:
    return element.get(f"{W}{name}", default)


def _child_val(element, name: str, default: str) -> str:
    child = element.find(f"{W}{name}")
    return default if child is None else child.get(f"{W}val", default)


def _int(text: str, default: int) -> int:
    """A decimal attribute in ASCII digits (``²`` or ``٣`` are not numbers here), else ``default``."""
    return int(text) if _NUMBER.fullmatch(text or "") else default


def _start(text: str, default: int) -> int:
    """A start value within what Word accepts (0–32767): a huge one must not spell out a
    million roman numerals."""
    return min(max(_int(text, default), 0), MAX_START)
