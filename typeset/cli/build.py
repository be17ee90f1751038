"""``huikan build [来源]``: every edition of one issue, over ``typeset.build.build``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Optional

import typer

from typeset.cli.messages import FORCE_HELP, FORMAT_HELP, report_problems, source_help, tell
from typeset.cli.where import issue_source
from typeset.errors import CheckFailed, TypesetError

PAPERS = ("A4", "正度16开", "大度16开")  # as typeset.config.PAPERS (not imported: help stays light)


def build_command(
    source: Optional[Path] = typer.Argument(None, metavar="来源", help=source_help("排"), show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", metavar="文件夹", help="输出文件夹（默认 output/年份-期号）。", show_default=False),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", metavar="格式", help=FORMAT_HELP, show_default=False),
    press: bool = typer.Option(False, "--press", help="印厂版：3 毫米出血、裁切线、CMYK 颜色、PDF/X-4。"),
    title: Optional[str] = typer.Option(None, "--title", metavar="刊名", help="刊名（以下各项都覆盖 issue.toml）。", show_default=False),
    year: Optional[int] = typer.Option(None, "--year", metavar="年份", help="年份，如 2026。", show_default=False),
    number: Optional[int] = typer.Option(None, "--number", metavar="期号", help="期号：本年第几期。", show_default=False),
    serial: Optional[int] = typer.Option(None, "--serial", metavar="总期号", help="总期号：创刊以来第几期。", show_default=False),
    date: Optional[str] = typer.Option(None, "--date", metavar="日期", help="出版日期，如 2014-05-30。", show_default=False),
    publisher: Optional[str] = typer.Option(None, "--publisher", metavar="单位", help="编印单位。", show_default=False),
    report_to: Optional[str] = typer.Option(None, "--report-to", metavar="单位", help="版记的“报”：报送单位。", show_default=False),
    copy_to: Optional[str] = typer.Option(None, "--copy-to", metavar="单位", help="版记的“送”：抄送单位。", show_default=False),
    send_to: Optional[str] = typer.Option(None, "--send-to", metavar="单位", help="版记的“发”：发送范围。", show_default=False),
    print_run: Optional[int] = typer.Option(None, "--print-run", metavar="份数", help="版记的印数（份）。", show_default=False),
    paper: Optional[str] = typer.Option(None, "--paper", metavar="纸张", help=f"纸张：{'、'.join(PAPERS)}。", show_default=False),
    style: Optional[str] = typer.Option(None, "--style", metavar="版式", help="版式名称（styles/ 下的文件夹名）。", show_default=False),
    strict: bool = typer.Option(False, "--strict", help="有任何警告或校对提示即视为失败，不写出任何文件。"),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """排版一期会刊，生成 PDF、EPUB、PDF/A 和网页。"""
    from typeset.build import build
    from typeset.cli.progress import TerminalProgress

    metadata = {"title": title, "year": year, "number": number, "serial": serial, "date": _parse_date(date),
                "publisher": publisher, "report_to": report_to, "copy_to": copy_to, "send_to": send_to,
                "print_run": print_run, "paper": _paper(paper), "style": style}
    try:
        with TerminalProgress() as progress:
            result = build(issue_source(source, "build"), out, _formats(formats), metadata=metadata, press=press,
                           force=force, strict=strict, progress=progress)
    except CheckFailed as failed:
        report_problems(failed.findings, failed.warnings)
        raise
    report_problems(result.findings, result.warnings, result.notes)
    _report_files(result, press)


PRESS_LABEL = "印厂版 PDF"  # the pdf writer's file under --press is the print shop's


def _report_files(result, press: bool) -> None:
    from typeset.writers import writers

    for name, path in result.files.items():
        tell(f"{PRESS_LABEL if press and name == 'pdf' else writers()[name].label}：{path}")
    for path in result.kept:
        tell(f"保留上次排版的文件（源稿和设置与本次完全相同）：{path}")
    if result.removed:
        tell(f"已删除上次排版留下、与本次内容不一致的旧文件：{'、'.join(p.name for p in result.removed)}")
    if result.pages:
        tell(result.pages)
    tell(f"完成：文件在 {result.out_dir}")


def _formats(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part for value in values for part in re.split(r"[,，、\s]+", value) if part]


def _paper(value: str | None) -> str | None:
    if value is None:
        return None
    for paper in PAPERS:
        if paper.lower() == value.strip().lower():
            return paper
    raise TypesetError(f"纸张“{value}”不支持，可选：{'、'.join(PAPERS)}。")


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TypesetError(f"日期“{value}”格式不对，请写成 2014-05-30。") from None
