"""``huikan check --fix``: the safe fixes, written back to the source files.

Safe means an edit that cannot change meaning: half-width punctuation beside Chinese text →
full-width, ``•`` / ``・`` → the 间隔号 ``·``, and blanks that touch a full-width mark removed.
A blank between two hanzi may be deliberate (a headline's two phrases, a byline's fields): it is
reported, never removed. Indents, trailing blanks, line breaks, the encoding and every other
byte of the file stay as they were; the file is rewritten in place (``rewrite.py``), never
outside the issue folder, and its original is kept as ``名称.txt.bak``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from typeset.check.chars import (
    HALFWIDTH_TO_FULLWIDTH, INNER_BLANKS, INTERPUNCT, LINE_BREAK_KEPT, SourceLine, source_lines,
)
from typeset.check.rewrite import backup_path, rewrite
from typeset.check.rules import find_halfwidth_punct, find_stray_spaces, find_wrong_interpuncts
from typeset.errors import SourceError
from typeset.model import Bulletin, SourceFile
from typeset.resources import sample_issue_dir
from typeset.sources.confine import inside


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
    from typeset.check.pictures import caption_only

    line = caption_only(line)  # a 【图】 line's image path is never "fixed"
    chars = list(line.text)
    for i in find_halfwidth_punct(line):
        chars[i] = HALFWIDTH_TO_FULLWIDTH[line.text[i]]
    for i in find_wrong_interpuncts(line):
        chars[i] = INTERPUNCT
    for start, end in find_stray_spaces(line, "".join(chars)):
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


@dataclass(frozen=True)
class FileFix:
    """The changes made to one file and its backup (``backup_made``: written by this fix)."""

    file: str
    changes: tuple[Change, ...]
    backup: str
    backup_made: bool
    by_hand: bool = False  # a Word file: listed for correction in Word, never rewritten

    def __str__(self) -> str:
        if self.by_hand:
            listed = "\n".join(f"  {change}" for change in self.changes)
            return f"{self.file}：{len(self.changes)} 处请在 Word 中手工修改（不改写 Word 原稿）：\n{listed}"
        kept = "原文已备份为" if self.backup_made else "原文的备份保留在"
        return f"{self.file}：修正 {len(self.changes)} 处，{kept} {self.backup}"


def fix_source(source: SourceFile, root: Path) -> FileFix | None:
    """Fix one source file on disk; nothing is written when there is nothing to fix."""
    fixed, changes = fix_text(source.name, source.text)
    if not changes:
        return None
    path = Path(source.path)
    if not inside(path, root):
        raise SourceError("这是指向本期文件夹之外的链接，没有自动修正（不改写文件夹外的文件）。", path)
    if source.raw and encode_like(source, source.text) != source.raw:
        raise SourceError(f"无法按原编码（{source.encoding}）原样写回，没有自动修正。请手工修改。", path)
    made = rewrite(path, source.raw or encode_like(source, source.text), encode_like(source, fixed))
    return FileFix(source.name, tuple(changes), backup_path(Path(source.name)).as_posix(), made)


def fix_sources(bulletin: Bulletin) -> list[FileFix]:
    """Apply the safe fixes to every bulletin text file of the issue (issue.toml is left
    alone), each file once even if two names lead to it."""
    if Path(bulletin.root) == sample_issue_dir().resolve():
        raise SourceError("随程序附带的示例刊不能自动修正：请指定要修正的会刊文件夹或文件。", bulletin.root)
    fixes, seen = [], set()
    for source in bulletin.sources:
        key = Path(source.path).resolve()
        if source.name.lower().endswith(".toml") or key in seen:
            continue
        seen.add(key)
        fixed = _by_hand(source) if source.encoding == "docx" else fix_source(source, Path(bulletin.root))
        if fixed:
            fixes.append(fixed)
    return fixes


def _by_hand(source: SourceFile) -> FileFix | None:
    """The editor's Word file is never rewritten: what a fix would change is listed instead."""
    changes = fix_text(source.name, source.text)[1]
    return FileFix(source.name, tuple(changes), "", False, by_hand=True) if changes else None


def all_changes(fixes: list[FileFix]) -> list[Change]:
    """The changes made (a Word file's, listed for correction by hand, are not among them)."""
    return [change for fix in fixes if not fix.by_hand for change in fix.changes]
