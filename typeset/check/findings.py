"""What a check reports: one ``Finding`` per flaw, gathered in a ``Report``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

WORD_SUFFIXES = (".docx", ".doc", ".wps", ".rtf", ".odt")  # read as paragraphs: findings say 第N段

Severity = Literal["error", "warning"]
SEVERITY_LABELS = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Finding:
    """One flaw at ``file:line:col`` (1-based; ``col`` counts characters, not bytes)."""

    file: str
    line: int
    col: int
    rule: str
    severity: Severity
    message: str
    suggestion: str = ""
    context: str = ""  # the paragraph's text where the line number alone does not find it (Word files)

    def __str__(self) -> str:
        advice = f"（建议：{self.suggestion}）" if self.suggestion else ""
        return f"{self.location}  {self.rule}  {self.message}{advice}"

    @property
    def location(self) -> str:
        """``file:line:col``; a Word file has no lines: ``文件.docx:第N段（“段落开头…”）``."""
        if not self.file.lower().endswith(WORD_SUFFIXES):
            return f"{self.file}:{self.line}:{self.col}"
        if self.line == 0:  # about the whole document
            return self.file
        return f"{self.file}:第{self.line}段" + (f"（“{self.context}”）" if self.context else "")

    def labelled(self) -> str:
        """The line an editor reads: ``错误：`` or ``警告：`` and the finding (check and build alike)."""
        return f"{SEVERITY_LABELS[self.severity]}：{self}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.rule)


@dataclass(frozen=True)
class Report:
    """All findings of one check, sorted by file, line and column."""

    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what could not be checked, for the editor

    @classmethod
    def of(cls, findings: Iterable[Finding], notes: Iterable[str] = ()) -> "Report":
        unique = dict.fromkeys(findings)  # a flaw found twice is reported once
        return cls(tuple(sorted(unique, key=lambda f: f.sort_key)), tuple(notes))

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, logged: int = 0) -> str:
        """``logged``: warnings logged while reading (an unknown key of issue.toml …), counted too."""
        if not self.findings and not logged:
            return "未发现问题。"
        return f"共 {len(self.errors)} 处错误、{len(self.warnings) + logged} 处警告"
