"""The ``huikan`` command (会刊; ``typeset`` is a shell builtin): a thin layer over ``typeset.build`` and friends.

Messages are in Simplified Chinese; a user's mistake is one line and a non-zero exit, never a
traceback. WeasyPrint and ebooklib are imported only by the writers that need them.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional

from typeset import cli_i18n

cli_i18n.install()

import typer  # noqa: E402  (after the Chinese messages are installed)

from typeset import __version__  # noqa: E402
from typeset.errors import CheckFailed, TypesetError  # noqa: E402

app = typer.Typer(
    name="huikan",
    help="会刊排版工具：把纯文本会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

FORMAT_HELP = "输出格式，可重复：html、pdf、archive（PDF/A 存档）、epub。默认全部。"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"huikan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", "-V", help="显示版本并退出。", callback=_version, is_eager=True),
) -> None:
    """会刊排版工具：把纯文本会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。"""


def say(message: str) -> None:
    typer.echo(message, err=True)


@app.command("build")
def build_command(
    source: Optional[Path] = typer.Argument(None, help="一期会刊的文件夹（含 issue.toml）或一个会刊文本文件；不填则排示例刊。", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="输出文件夹（默认 output/年份-期号）。", show_default=False),
    formats: Optional[list[str]] = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False),
    press: bool = typer.Option(False, "--press", help="印厂版：3 毫米出血、裁切线、CMYK 颜色、PDF/X-4。"),
    title: Optional[str] = typer.Option(None, "--title", help="刊名（覆盖 issue.toml）。", show_default=False),
    year: Optional[int] = typer.Option(None, "--year", help="年份。", show_default=False),
    number: Optional[int] = typer.Option(None, "--number", help="期号。", show_default=False),
    serial: Optional[int] = typer.Option(None, "--serial", help="总期号。", show_default=False),
    date: Optional[str] = typer.Option(None, "--date", help="出版日期，如 2014-05-30。", show_default=False),
    publisher: Optional[str] = typer.Option(None, "--publisher", help="编印单位。", show_default=False),
    style: Optional[str] = typer.Option(None, "--style", help="版式名称（styles/ 下的文件夹名）。", show_default=False),
    strict: bool = typer.Option(False, "--strict", help="有任何警告或校对提示即视为失败。"),
    force: bool = typer.Option(False, "--force", help="检查出错误时仍然排版。"),
) -> None:
    """排版一期会刊，生成 PDF、EPUB、PDF/A 和网页。"""
    from typeset.build import build

    metadata = {"title": title, "year": year, "number": number, "serial": serial,
                "date": _parse_date(date), "publisher": publisher, "style": style}
    try:
        result = build(source, out, formats, metadata=metadata, press=press, force=force)
    except CheckFailed as failed:
        for finding in failed.findings:
            say(str(finding))
        raise
    for finding in result.findings:
        say(str(finding))
    for note in result.notes:
        say(f"提示：{note}")
    for warning in result.warnings:
        say(f"警告：{warning}")
    from typeset.writers import writers

    for name, path in result.files.items():
        typer.echo(f"{writers()[name].label}：{path}")
    typer.echo(f"完成：文件在 {result.out_dir}")
    problems = len(result.warnings) + len(result.findings)
    if strict and problems:
        say(f"错误：有 {problems} 条警告或校对提示（--strict 要求一条也没有）。")
        raise typer.Exit(1)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TypesetError(f"日期“{value}”格式不对，请写成 2014-05-30。") from None


@app.command("new")
def new_command(
    folder: Path = typer.Argument(..., help="新建的一期会刊文件夹。"),
) -> None:
    """新建一期会刊的文件夹（带注释的 issue.toml 和栏目文件示例）。"""
    from typeset.scaffold import scaffold

    created = scaffold(folder)
    for path in created:
        typer.echo(f"已创建 {path}")
    typer.echo(f"请编辑 {folder / 'issue.toml'} 和栏目文件，然后运行：huikan build {folder}")


from typeset.cli_check import check_command  # noqa: E402  (light: no WeasyPrint)

app.command("check")(check_command)
from typeset.cli_library import library_command  # noqa: E402
app.command("library")(library_command)


def main() -> None:
    """Console entry point: user mistakes → one line; bugs → a saved traceback."""
    try:
        code = app(standalone_mode=False, prog_name="huikan")
        if isinstance(code, int) and code:
            sys.exit(code)
    except TypesetError as error:
        say(f"错误：{error}")
        sys.exit(error.exit_code)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        say("已中止。")
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        _report_bug(error)


def _report_bug(error: Exception) -> None:
    if hasattr(error, "format_message") and hasattr(error, "exit_code"):  # Click's usage errors
        say(f"错误：命令用法不对（{error.format_message()}）。运行 huikan -h 或 huikan build -h 查看帮助。")
        sys.exit(error.exit_code)
    fd, name = tempfile.mkstemp(prefix="huikan-error-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(traceback.format_exc())
    log = Path(name)
    say(f"内部错误（{type(error).__name__}）：这是 huikan 的缺陷，不是您的错。详细信息已保存到 {log}，请发给维护人员。")
    sys.exit(70)
