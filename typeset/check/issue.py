"""Issue rules, read from issue.toml and the issue folder's name: a folder copied from last
month and not renumbered (its name says 2027-01, issue.toml still 2026-12), and a year typo
(year = 2062 beside date = 2026-12-31). Reported at the line of issue.toml to change; the first
is an error (the build would head the issue with last month's number), the second a warning."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from typeset.check.findings import Finding
from typeset.config import ISSUE_FILE, key_line
from typeset.model import Bulletin, SourceFile
from typeset.scaffold import parse_issue_name


def issue_toml(bulletin: Bulletin) -> SourceFile | None:
    return next((src for src in bulletin.sources if Path(src.path).name == ISSUE_FILE), None)


def check_issue(bulletin: Bulletin) -> Iterator[Finding]:
    toml = issue_toml(bulletin)
    if toml is None:
        return
    yield from check_folder_name(bulletin, toml)
    yield from check_date_year(bulletin, toml)


def check_folder_name(bulletin: Bulletin, toml: SourceFile) -> Iterator[Finding]:
    """The folder is named like an issue id (as ``huikan new`` reads it) but for another issue."""
    folder = Path(bulletin.root).name
    named, meta = parse_issue_name(folder), bulletin.meta
    if named is None or named == (meta.year, meta.number):
        return
    key = "year" if named[0] != meta.year else "number"
    yield _at(toml, key, "issue-number",
              f"文件夹名“{folder}”是 {named[0]}年第{named[1]}期，issue.toml 写的却是 {meta.year}年第{meta.number}期"
              "（复制上一期的文件夹后忘了改？排出的会是上一期的报头和期号，写到那一期的输出文件夹）",
              f"改成 year = {named[0]}、number = {named[1]}（并核对 date 和 serial），或给文件夹改名", "error")


def check_date_year(bulletin: Bulletin, toml: SourceFile) -> Iterator[Finding]:
    meta = bulletin.meta
    if meta.date.year != meta.year:
        yield _at(toml, "date", "date-year", f"出版日期 {meta.date.isoformat()} 的年份和 year = {meta.year} 不一致",
                  "核对 year 和 date，改正写错的那一个")


def _at(toml: SourceFile, key: str, rule: str, message: str, suggestion: str, severity: str = "warning") -> Finding:
    return Finding(toml.name, key_line(toml.text, key) or 1, 1, rule, severity, message, suggestion)
