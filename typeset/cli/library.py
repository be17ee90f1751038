"""``huikan library 文库文件夹 --out 网站文件夹``: every issue of an archive as a members' site.

Builds the issues that changed (PDF, PDF/A and EPUB; each in its own process, one per core at a
time), writes the pages, the search index and the OPDS/Atom feeds, then lists failures; exit code
1 if any issue failed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer

ARCHIVE_HELP = "会刊文库文件夹：每期会刊一个文件夹（含 issue.toml，可按年份分子文件夹），可附 library.toml（网站名称、简介、网址）。"
OUT_HELP = "网站文件夹（生成的静态网站放在这里，可整个上传到任何网站空间）。"
JOBS_HELP = "同时排版的进程数（默认等于 CPU 核数）。"
FORCE_HELP = "全部重新排版（默认只排有改动的期）。"
STOPPED = "已中止：已写好的各期和网页留在网站文件夹里；再运行一次 huikan library 即可接着完成。"


def library_command(
    archive: Path = typer.Argument(..., metavar="文库文件夹", help=ARCHIVE_HELP, show_default=False),
    out: Path = typer.Option(..., "--out", "-o", metavar="网站文件夹", help=OUT_HELP, show_default=False),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="进程数", help=JOBS_HELP, show_default=False),
    rebuild: bool = typer.Option(False, "--rebuild", help=FORCE_HELP),
) -> None:
    """生成会员文库网站：历年会刊在线阅读、下载、全文检索，附电子书书库（OPDS）和新刊订阅。"""
    from typeset.library import build_library

    started = time.monotonic()
    try:
        result = build_library(archive, out, workers=jobs, force=rebuild)
    except KeyboardInterrupt:  # unlike one build, a run may have written part of the site
        typer.echo(STOPPED, err=True)
        sys.exit(130)
    for finding in result.findings:
        typer.echo(finding, err=True)  # labelled 警告 (or 错误) like every finding
    for warning in result.warnings:
        typer.echo(f"警告：{warning}", err=True)
    typer.echo(f"已排版 {len(result.built)} 期，未改动 {len(result.reused)} 期，"
               f"更新 {len(result.changed)} 个网页和订阅文件（用时 {time.monotonic() - started:.1f} 秒）。")
    typer.echo(f"完成：用浏览器打开 {result.site / 'index.html'}；电子书阅读器添加 {result.site / 'opds.xml'}")
    for failure in result.failures:
        typer.echo(str(failure), err=True)
    if result.failures:
        typer.echo(f"错误：有 {len(result.failures)} 期没有排成，见上面的“失败”各行。", err=True)
        raise typer.Exit(1)
