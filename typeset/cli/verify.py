"""``huikan verify 路径 [--sources 文库文件夹]``: prove that nothing was lost or altered.

Recomputes the site's SHA-256 manifest (and the sources' one when the archive is given), names
every missing, changed or unexpected file, re-opens every PDF and EPUB; exit 1 on any problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

PATH_HELP = "要检查的网站文件夹（含 manifest-sha256.txt），或单个 PDF、EPUB 文件。"
SOURCES_HELP = "会刊文库文件夹：同时按 sources-sha256.txt 核对各期原稿。"
EXPECT_HELP = "上次记下的清单摘要（64 位十六进制）：核对清单本身没有被改过。"


def verify_command(
    path: Path = typer.Argument(..., metavar="路径", help=PATH_HELP, show_default=False),
    sources: Optional[Path] = typer.Option(None, "--sources", metavar="文库文件夹", help=SOURCES_HELP, show_default=False),
    expect: Optional[str] = typer.Option(None, "--expect", metavar="摘要", help=EXPECT_HELP, show_default=False),
) -> None:
    """核对存档：逐个文件比对校验清单（SHA-256），并重新打开每个 PDF 和 EPUB；有任何问题时退出码为 1。"""
    from typeset.cli.messages import say
    from typeset.library.verify import verify

    report = verify(path, sources, expect)
    for problem in report.problems:
        say(str(problem))  # a file name may hold control characters
    if not report.manifest and path.is_dir():
        typer.echo("无法核对：这个文件夹没有校验清单（manifest-sha256.txt），只检查了 PDF 和 EPUB 能否完整打开。", err=True)
    summary = f"核对了清单中的 {report.listed} 个文件，重新打开了 {report.opened} 个 PDF/EPUB"
    if report.problems:
        typer.echo(f"错误：{summary}，发现 {len(report.problems)} 处问题（见上）。", err=True)
        raise typer.Exit(1)
    typer.echo(f"完好：{summary}，没有缺少、改动、多出或损坏的文件。")
    if report.digest:
        typer.echo(f"清单摘要（SHA-256）：{report.digest}　请另行记下（如印在版记、写进会议记录），下次用 --expect 核对清单本身。")
