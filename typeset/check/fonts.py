"""Missing glyphs: every character must be in the fonts of the role that prints it.

A character none of them has (an emoji) is a warning when the style's ``fallback`` fonts have
it (it prints, in black and another design), and an error when no font of the style has it:
the print layout then sets a visible "〓" in its place (see ``printable``) rather than let
WeasyPrint draw a .notdef glyph, which garbles the text layer of the whole line.
Fonts are found by family name with ``fc-match`` and their character maps read with HarfBuzz.
The CJK font files are 20-27 MB, so each is opened lazily, once per process.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from typeset.check.chars import BLANKS, INNER_BLANKS, SourceLine, code_point
from typeset.check.findings import Finding
from typeset.fontconfig import find_font
from typeset.model import Bulletin, Heading, Item, Paragraph
from typeset.styles import Style, load_style
from typeset.sources.text import ARTICLE_MARK, ITEM_MARKS

GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
ROLE_LABELS = {"body": "正文", "heading": "标题", "kai": "楷体导语", "latin": "网址与命令"}
ROLES = tuple(ROLE_LABELS)
LEAD_QUOTES = "“”‘’"  # a lead sentence's quotation marks print in the body font (macros.html.j2)
PLACEHOLDER = "〓"  # 缺字符号 (U+3013): what the print edition shows for a character no font has
# Invisible parts of an emoji sequence: variation selectors and the emoji tag characters.
_SEQUENCE_PARTS = ((0xFE00, 0xFE0F), (0xE0020, 0xE007F))


@functools.cache
def font_cmap(path: str, index: int) -> frozenset[int] | None:
    """The font's code points, read by HarfBuzz (milliseconds, where fontTools takes a quarter
    of a second on these 20-27 MB collections); None when the file can't be read."""
    import uharfbuzz as hb

    try:
        face = hb.Face(hb.Blob.from_file_path(path), index)
    except (OSError, ValueError, hb.HarfBuzzError):
        return None
    codepoints = frozenset(face.unicodes)
    return codepoints or None


@functools.cache
def family_coverage(families: tuple[str, ...]) -> frozenset[int] | None:
    """Code points of every installed family in the list; None when none is installed."""
    files = [find_font(name) for name in families if name.casefold() not in GENERIC_FAMILIES]
    maps = [cmap for cmap in (font_cmap(*found) for found in files if found) if cmap is not None]
    return frozenset().union(*maps) if maps else None


def is_sequence_part(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _SEQUENCE_PARTS)


def is_unprintable(ch: str) -> bool:
    """A control or format character, a surrogate, a private or unassigned code point."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in BLANKS and not is_sequence_part(ch)


def fallback_coverage(style: Style) -> frozenset[int]:
    return family_coverage(tuple(style.manifest.get("fonts", {}).get("fallback", ()))) or frozenset()


def printable(style: Style) -> frozenset[int]:
    """Every code point some font of the style (a role's or a fallback) can print."""
    maps = [family_coverage(tuple(style.fonts(role))) for role in ROLES if role in style.manifest.get("fonts", {})]
    return frozenset().union(fallback_coverage(style), *(m for m in maps if m is not None))


def line_roles(bulletin: Bulletin) -> dict[tuple[str, int], list[tuple[int, tuple[str, ...]]]]:
    """(file, line) → ``[(start_offset_in_content, roles), …]``: which fonts print which part.

    Titles print in the heading font and, in the contents, in the body font; a lead sentence
    prints in the kai font."""
    roles: dict[tuple[str, int], list[tuple[int, tuple[str, ...]]]] = {}
    for article in bulletin.articles():
        if article.title:
            roles[(article.origin.file, article.origin.line)] = [(0, ("heading", "body"))]
        blocks = list(article.blocks)
        for item in article.items:
            roles[(item.origin.file, item.origin.line)] = [(0, ("heading", "body"))]
            blocks.extend(item.blocks)
        for block in blocks:
            key = (block.origin.file, block.origin.line)
            if isinstance(block, Heading):
                roles[key] = [(0, ("heading",))]
            elif isinstance(block, Paragraph) and block.lead:
                roles[key] = [(0, ("kai",)), (len(block.lead), ("body",))]
            elif isinstance(block, (Paragraph, Item)):
                roles[key] = [(0, ("body",))]
    return roles


def with_addresses(parts: list[tuple[int, tuple[str, ...]]], content: str) -> list[tuple[int, tuple[str, ...]]]:
    """``parts`` with every web or e-mail address (and a command line) printed by the Latin
    face (typeset.typography.markup: ``span.url``, ``span.code``)."""
    from typeset.typography.markup import COMMAND, URL

    spans = [(0, len(content))] if COMMAND.fullmatch(content) else [m.span() for m in URL.finditer(content)]
    if not spans or "latin" not in ROLES:
        return parts
    bounds = [start for start, _ in parts[1:]] + [len(content)]
    each = [roles for (start, roles), end in zip(parts, bounds) for _ in range(start, end)]
    for start, end in spans:
        each[start:end] = [("latin",)] * (end - start)
    return [(i, roles) for i, roles in enumerate(each) if i == 0 or each[i - 1] != roles]


class GlyphChecker:
    """Checks lines against the style's fonts; remembers the roles it could not check."""

    def __init__(self, style: Style):
        self.style = style
        self.unchecked: dict[str, tuple[str, ...]] = {}
        self.printable: set[tuple[str, tuple[str, ...]]] = set()  # (character, roles) found fine

    def coverage(self, role: str) -> frozenset[int] | None:
        try:
            families = tuple(self.style.fonts(role))
        except KeyError:
            families = ()
        found = family_coverage(families)
        if found is None:
            self.unchecked[role] = families
        return found

    def check(self, line: SourceLine, parts: list[tuple[int, tuple[str, ...]]]) -> Iterator[Finding]:
        content = line.text[line.lo:line.hi]
        parts = with_addresses(parts, content)
        bounds = [start for start, _ in parts[1:]] + [len(content)]
        for (start, roles), end in zip(parts, bounds):
            for offset in range(start, end):
                ch = content[offset]
                if ch in INNER_BLANKS or (offset == 0 and ch in ARTICLE_MARK + ITEM_MARKS) or (ch, roles) in self.printable:
                    continue
                printed_by = ("body",) if roles == ("kai",) and ch in LEAD_QUOTES else roles
                findings = list(self._check_char(line, line.lo + offset, ch, printed_by))
                if not findings:  # a long issue repeats a few thousand characters: check each once
                    self.printable.add((ch, roles))
                yield from findings

    def _check_char(self, line: SourceLine, i: int, ch: str, roles: Iterable[str]) -> Iterator[Finding]:
        if is_sequence_part(ch):
            return
        if is_unprintable(ch):
            yield Finding(line.file, line.number, i + 1, "missing-glyph", "error",
                          f"{code_point(ch)} 是不可见的控制字符或未定义的字符，印刷字体中没有", "删去或换成文字")
            return
        for role in roles:
            covered = self.coverage(role)
            if covered is not None and ord(ch) not in covered:
                yield self._missing(line, i, ch, role)
                return

    def _missing(self, line: SourceLine, i: int, ch: str, role: str) -> Finding:
        label, font = ROLE_LABELS.get(role, role), self.style.fonts(role)[0]
        where = f"“{ch}”（{code_point(ch)}）在{label}字体 {font} 中没有字形"
        fallback = self.style.manifest.get("fonts", {}).get("fallback", ())
        if ord(ch) in fallback_coverage(self.style):
            return Finding(line.file, line.number, i + 1, "missing-glyph", "warning",
                           f"{where}，将由备用字体 {fallback[0]} 印出（黑白，字体风格不同）", "最好换成文字")
        return Finding(line.file, line.number, i + 1, "missing-glyph", "error",
                       f"{where}，也没有任何备用字体能印出，印刷版中会印成“{PLACEHOLDER}”",
                       "换成常用字或文字说明，或请排版人员另行处理")


def check_glyphs(bulletin: Bulletin, lines: dict[str, list[SourceLine]], style: Style | None = None) -> tuple[list[Finding], list[str]]:
    """Findings for missing glyphs, and notes naming the roles whose fonts are not installed."""
    root = Path(bulletin.root) if bulletin.root else None
    checker = GlyphChecker(style or load_style(bulletin.meta.style, root))
    findings: list[Finding] = []
    for (file, number), parts in sorted(line_roles(bulletin).items()):
        if file in lines and 0 < number <= len(lines[file]):
            findings.extend(checker.check(lines[file][number - 1], parts))
    notes = [f"未找到{ROLE_LABELS.get(role, role)}字体（{'、'.join(families) or '版式未指定'}），没有检查该字体的缺字。"
             for role, families in sorted(checker.unchecked.items())]
    return findings, notes
