"""``huikan volume 文库文件夹 2020 --out 网站文件夹``: just the annual volume (合订本) of one year.

Builds (or reuses, as the library does) that year's issues in the site folder and binds them;
the pages and the manifests are refreshed by the next ``huikan library``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from typeset.cli.library import ARCHIVE_HELP, JOBS_HELP, OUT_HELP

YEAR_HELP = "年份（按各期 issue.toml 里的 year），如 2020。"


def volume_command(
    archive: Path = typer.Argument(..., metavar="文库文件夹", help=ARCHIVE_HELP, show_default=False),
    year: int = typer.Argument(..., metavar="年份", help=YEAR_HELP, show_default=False),
    out: Path = typer.Option(..., "--out", "-o", metavar="网站文件夹", help=OUT_HELP, show_default=False),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="进程数", help=JOBS_HELP, show_default=False),
) -> None:
    """生成一年的合订本 PDF（扉页、全年目录、各期原样按顺序合订），另附一份带各期原稿附件的版本。"""
    from typeset.cli.messages import say, visible
    from typeset.library import build_volume

    result = build_volume(archive, out, year, workers=jobs)
    for warning in result.warnings:
        say(f"警告：{warning}")
    for path in result.changed:
        typer.echo(visible(f"已生成 {path}"))
    if not result.changed and not result.failures:
        typer.echo(f"{year} 年合订本没有变化（各期都没有改动）。")
    if result.changed or result.built:  # nothing rebuilt or rebound: the pages and manifests are right
        typer.echo("提示：网站首页的链接和校验清单要再运行一次 huikan library 才会更新。")
    for failure in result.failures:
        say(str(failure))
    if result.failures:
        typer.echo(f"错误：有 {len(result.failures)} 期没有排成，合订本里缺这几期，见上面的“失败”各行。", err=True)
        raise typer.Exit(1)
