"""``huikan check [来源] [--fix]``: the proof-reader on the command line.

Prints one line per finding and a summary; with ``--fix`` applies the safe fixes, prints each
change as before → after and where each original was kept, checks again and prints what remains. Exit code 1 while an error remains, 0 otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import typer

from typeset.check import Report, all_changes, check_bulletin, fix_sources
from typeset.cli.messages import source_help
from typeset.sources import load

FIX_HELP = ("自动修正不会改变意思的问题（中文里的半角标点、错用的间隔号、全角标点旁的空格），"
            "在原文件上修改（编码、换行、权限不变），原文备份为“文件名.bak”；中文字之间的空格只报告，不删除。")


def print_report(report: Report, logged: list[str] = ()) -> None:
    for note in report.notes:
        typer.echo(f"提示：{note}", err=True)
    for finding in report.findings:
        typer.echo(finding.labelled())
    for warning in logged:
        typer.echo(f"警告：{warning}")
    typer.echo(report.summary(len(logged)))


def _loaded(source: Optional[Path], logged: list[str]):
    """The issue read, and what reading it warned of (an unknown key of issue.toml …): labelled
    and counted like the findings, never a bare line from logging's last resort."""
    from typeset.build import WarningCollector  # the build's own, loaded only when checking

    collector = WarningCollector()
    logger = logging.getLogger("typeset")
    logger.addHandler(collector)
    try:
        bulletin = load(source).bulletin
    finally:
        logger.removeHandler(collector)
    logged[:] = dict.fromkeys([*logged, *collector.messages])
    return bulletin


def check_command(
    source: Optional[Path] = typer.Argument(None, metavar="来源", help=source_help("检查"), show_default=False),
    fix: bool = typer.Option(False, "--fix", help=FIX_HELP),
) -> None:
    """校对会刊文本：标点、空格、部首字、缺字和编号，列出每处问题的位置和改法。"""
    logged: list[str] = []
    bulletin = _loaded(source, logged)
    report = check_bulletin(bulletin)
    if fix:
        fixes = fix_sources(bulletin)
        changes = all_changes(fixes)
        typer.echo(f"已自动修正 {len(changes)} 处：" if changes else "没有可以自动修正的问题。")
        for line in [*map(str, changes), *map(str, fixes)]:
            typer.echo(line)
        if changes:
            typer.echo("重新检查，剩余问题如下：")
            report = check_bulletin(_loaded(source, logged))
    print_report(report, logged)
    if report.errors:
        raise typer.Exit(1)
