"""``huikan check``: an editor's proof-reader.

``check_bulletin(bulletin)`` reads the issue's source texts (character rules: punctuation,
spaces, radicals, missing glyphs), its document model (structure rules: empty articles,
numbering, lines that look like structure but are not) and its issue.toml (issue rules: a
folder named for another issue, a date in another year) and returns a ``Report``.
``fix_sources(bulletin)`` applies the safe fixes to the files on disk. Messages are in Simplified Chinese.
"""

from __future__ import annotations

from dataclasses import replace

from typeset.check.chars import SourceLine, source_lines
from typeset.check.findings import WORD_SUFFIXES, Finding, Report
from typeset.check.fix import Change, FileFix, all_changes, fix_sources
from typeset.check.fonts import check_glyphs
from typeset.check.issue import check_issue
from typeset.check.pictures import check_pictures
from typeset.check.rules import check_line
from typeset.check.structure import check_structure
from typeset.model import Bulletin, SourceFile

__all__ = ["Change", "FileFix", "Finding", "Report", "all_changes", "check_bulletin", "fix_sources", "is_text_source"]


def is_text_source(source: SourceFile) -> bool:
    """Bulletin text files; issue.toml (and any other settings file) is not proof-read."""
    return not source.name.lower().endswith(".toml")


def check_bulletin(bulletin: Bulletin, fonts: bool = True, style=None) -> Report:
    """Every finding of every rule, sorted by file, line and column. ``style``: the issue's
    style when the caller has loaded it already (a build loads it once)."""
    lines = {src.name: source_lines(src.name, src.text) for src in bulletin.sources if is_text_source(src)}
    findings: list[Finding] = []
    for file_lines in lines.values():
        for line in file_lines:
            findings.extend(check_line(line))
    findings.extend(_at_content(f, lines) for f in check_structure(bulletin))
    findings.extend(check_issue(bulletin))
    findings.extend(_noticed(bulletin))
    findings.extend(check_pictures(bulletin, style))
    notes: list[str] = []
    if fonts:
        glyphs, notes = check_glyphs(bulletin, lines, style)
        findings.extend(glyphs)
    return Report.of((_with_context(f, lines) for f in findings), notes)


def _noticed(bulletin: Bulletin):
    """What a reader noticed while reading (a Word file's revisions and comments)."""
    for src in bulletin.sources:
        for line, message in src.notices:
            yield Finding(src.name, line, 1, "word", "warning", message)


def _with_context(finding: Finding, lines: dict[str, list[SourceLine]]) -> Finding:
    """A Word file's finding carries the text of its paragraph (from the finding's column on)."""
    file_lines = lines.get(finding.file, [])
    if not finding.file.lower().endswith(WORD_SUFFIXES) or not 0 < finding.line <= len(file_lines):
        return finding
    start = 0 if finding.col <= 12 else finding.col - 5  # a few characters before the flaw
    text = file_lines[finding.line - 1].text[start:]
    return replace(finding, context=("…" if start else "") + text[:16] + ("…" if len(text) > 16 else ""))


def _at_content(finding: Finding, lines: dict[str, list[SourceLine]]) -> Finding:
    """Point a structure finding at the first character of its line (after the indent)."""
    file_lines = lines.get(finding.file, [])
    if 0 < finding.line <= len(file_lines):
        return replace(finding, col=file_lines[finding.line - 1].lo + 1)
    return finding
