"""``huikan check --fix``: the safe fixes, written back to the source files.

Safe means mechanical and meaning-preserving: half-width punctuation beside Chinese text →
full-width, ``•`` / ``・`` → the 间隔号 ``·``, and stray blanks beside full-width marks or
between two hanzi removed. Indents, trailing blanks, line breaks, the encoding and every other
byte of the file stay as they were.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from typeset.check.chars import (
    HALFWIDTH_TO_FULLWIDTH, INNER_BLANKS, INTERPUNCT, LINE_BREAK_KEPT, SourceLine, source_lines,
)
from typeset.check.rules import find_halfwidth_punct, find_stray_spaces, find_wrong_interpuncts
from typeset.errors import SourceError
from typeset.model import Bulletin, SourceFile
from typeset.outputs import atomic_write


@dataclass(frozen=True)
class Change:
    """One fix: ``before`` at ``file:line:col`` became ``after``; ``context`` is the text around it."""

    file: str
    line: int
    col: int
    before: str
    after: str
    context_before: str = ""
    context_after: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        if self.before.strip(INNER_BLANKS) and self.after:
            return f"{where}  “{self.before}” → “{self.after}”"
        return f"{where}  “{self.context_before}” → “{self.context_after}”"


def fix_line(line: SourceLine) -> tuple[str, list[Change]]:
    """The fixed line and its changes (columns refer to the line as it was)."""
    chars = list(line.text)
    for i in find_halfwidth_punct(line):
        chars[i] = HALFWIDTH_TO_FULLWIDTH[line.text[i]]
    for i in find_wrong_interpuncts(line):
        chars[i] = INTERPUNCT
    for start, end in find_stray_spaces("".join(chars), line.lo, line.hi):
        chars[start:end] = [""] * (end - start)
    return "".join(chars), _changes(line, chars)


def _changes(line: SourceLine, chars: list[str]) -> list[Change]:
    """Group neighbouring edited characters into one change each."""
    changes, i = [], 0
    while i < len(chars):
        if chars[i] == line.text[i]:
            i += 1
            continue
        end = i
        while end < len(chars) and chars[end] != line.text[end]:
            end += 1
        lo, hi = max(line.lo, i - 2), min(line.hi, end + 2)
        changes.append(Change(
            line.file, line.number, i + 1, line.text[i:end], "".join(chars[i:end]),
            line.text[lo:hi], "".join(chars[lo:hi]),
        ))
        i = end
    return changes


def fix_text(name: str, text: str) -> tuple[str, list[Change]]:
    """Fix every line of a text, keeping its line breaks exactly."""
    pieces = LINE_BREAK_KEPT.split(text)  # line, break, line, break, …, line
    changes: list[Change] = []
    for k, line in enumerate(source_lines(name, text)):
        pieces[2 * k], line_changes = fix_line(line)
        changes.extend(line_changes)
    return "".join(pieces), changes


def encode_like(source: SourceFile, text: str) -> bytes:
    """Encode ``text`` the way ``source`` was stored (BOM and byte order included)."""
    if source.encoding == "utf-16":
        if source.raw.startswith(codecs.BOM_UTF16_BE):
            return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(source.encoding)


def fix_source(source: SourceFile) -> list[Change]:
    """Fix one source file on disk; nothing is written when there is nothing to fix."""
    fixed, changes = fix_text(source.name, source.text)
    if not changes:
        return []
    path = Path(source.path)
    if source.raw and encode_like(source, source.text) != source.raw:
        raise SourceError(f"无法按原编码（{source.encoding}）原样写回，没有自动修正。请手工修改。", path)
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"无法读取（{exc.strerror}），没有自动修正。", path) from None
    if source.raw and current != source.raw:
        raise SourceError("文件在检查之后被改动过，没有自动修正。请重新运行 huikan check --fix。", path)
    atomic_write(path, encode_like(source, fixed))
    return changes


def fix_sources(bulletin: Bulletin) -> list[Change]:
    """Apply the safe fixes to every bulletin text file of the issue (issue.toml is left alone)."""
    changes: list[Change] = []
    for source in bulletin.sources:
        if not source.name.lower().endswith(".toml"):
            changes.extend(fix_source(source))
    return changes
