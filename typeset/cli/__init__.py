"""The ``huikan`` command (会刊; ``typeset`` is a shell builtin): a thin layer over ``typeset.build`` and friends.

Messages are in Simplified Chinese; a user's mistake is one line and a non-zero exit, never a
traceback. WeasyPrint and ebooklib are imported only by the writers that need them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import signal
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional

from typeset.cli import i18n as cli_i18n

cli_i18n.install()

import typer  # noqa: E402  (after the Chinese messages are installed)
from typer._click import exceptions as click_errors  # noqa: E402

from typeset import __version__  # noqa: E402
from typeset.errors import CheckFailed, TypesetError, chinese_os_reasons, os_reason  # noqa: E402

app = typer.Typer(
    name="huikan",
    help="会刊排版工具：把纯文本或 Word 会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    options_metavar=cli_i18n.OPTIONS_METAVAR,
    subcommand_metavar=cli_i18n.SUBCOMMAND_METAVAR,
)

SOURCE_HELP = "一期会刊的文件夹（含 issue.toml）或一个会刊文件（.txt 文本或 Word 的 .docx）；不填则排当前文件夹（若含 issue.toml），否则排示例刊。"
FORMAT_HELP = "输出格式，可重复或用逗号分开：html、pdf、archive（PDF/A 存档）、epub，大小写均可。默认全部。"
PAPERS = ("A4", "正度16开", "大度16开")  # as typeset.config.PAPERS (not imported: help stays light)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"huikan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", "-V", help="显示版本并退出。", callback=_version, is_eager=True),
) -> None:
    """会刊排版工具：把纯文本或 Word 会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。"""


def visible(text: str) -> str:
    """Control characters (a terminal would obey them) shown as ``\\x1b``-style escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def say(message: str) -> None:
    typer.echo(visible(message), err=True)


def issue_source(source: Optional[Path]) -> Optional[Path]:
    """No source given inside an issue folder (it has an issue.toml): that folder."""
    if source is None and Path("issue.toml").is_file():
        return Path(".")
    return source


def _in_issue_folder(command):
    @functools.wraps(command)
    def run(source: Optional[Path] = None, **options):
        return command(issue_source(source), **options)
    return run


@app.command("build")
def build_command(
    source: Optional[Path] = typer.Argument(None, metavar="来源", help=SOURCE_HELP, show_default=False),
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
    force: bool = typer.Option(False, "--force", help="校对发现错误、或输出文件夹里是另一份源稿排出的本期文件时，仍然排版。"),
) -> None:
    """排版一期会刊，生成 PDF、EPUB、PDF/A 和网页。"""
    from typeset.build import build
    from typeset.cli.progress import TerminalProgress

    metadata = {"title": title, "year": year, "number": number, "serial": serial, "date": _parse_date(date),
                "publisher": publisher, "report_to": report_to, "copy_to": copy_to, "send_to": send_to,
                "print_run": print_run, "paper": _paper(paper), "style": style}
    try:
        with TerminalProgress() as progress:
            result = build(issue_source(source), out, _formats(formats), metadata=metadata, press=press,
                           force=force, strict=strict, progress=progress)
    except CheckFailed as failed:
        report_problems(failed.findings, failed.warnings)
        raise
    report_problems(result.findings, result.warnings, result.notes)
    _report_files(result)


def report_problems(findings, warnings=(), notes=()) -> None:
    """Every finding, labelled 错误 or 警告 by its severity, then every logged warning."""
    for note in notes:
        say(f"提示：{note}")
    for finding in findings:
        say(finding.labelled())
    for warning in warnings:
        say(f"警告：{warning}")


def _report_files(result) -> None:
    from typeset.writers import writers

    for name, path in result.files.items():
        typer.echo(visible(f"{writers()[name].label}：{path}"))
    if result.removed:
        typer.echo(visible(f"已删除上次排版留下、与本次内容不一致的旧文件：{'、'.join(p.name for p in result.removed)}"))
    if result.pages:
        typer.echo(visible(result.pages))
    typer.echo(visible(f"完成：文件在 {result.out_dir}"))


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


@app.command("new")
def new_command(
    folder: Path = typer.Argument(..., metavar="文件夹", help="新建的一期会刊文件夹，用期号命名，如 2026-12。"),
) -> None:
    """新建一期会刊的文件夹（带注释的 issue.toml 和栏目文件示例）。"""
    from typeset.scaffold import scaffold

    made = scaffold(folder)
    for path in made.files:
        typer.echo(visible(f"已创建 {path}"))
    typer.echo(visible(made.summary))
    typer.echo(visible(f"请编辑 {folder / 'issue.toml'} 和栏目文件，然后运行：huikan build {folder}"))


from typeset.cli.check import check_command  # noqa: E402  (light: no WeasyPrint)

app.command("check")(_in_issue_folder(check_command))
from typeset.cli.library import library_command  # noqa: E402
from typeset.cli.verify import verify_command  # noqa: E402
from typeset.cli.volume import volume_command  # noqa: E402

app.command("library")(library_command)
app.command("volume")(volume_command)
app.command("verify")(verify_command)


def main() -> None:
    """Console entry point: user mistakes → one line; bugs → a saved traceback."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = app(standalone_mode=False, prog_name="huikan")  # Typer turns Ctrl-C into 130
        if code == 130:
            raise KeyboardInterrupt
        if isinstance(code, int) and code:
            sys.exit(code)
    except click_errors.NoArgsIsHelpError as error:
        typer.echo(error.format_message())
    except click_errors.UsageError as error:
        _usage_error(error)
    except TypesetError as error:
        for problem in (error, *error.also):
            say(f"错误：{chinese_os_reasons(str(problem))}")
        sys.exit(error.exit_code)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        say("已中止：没有写出任何文件。")
        sys.exit(130)
    except OSError as error:
        where = f"{error.filename}：" if error.filename else ""
        say(f"错误：{where}{os_reason(error)}。请检查路径和权限。")
        sys.exit(2)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        _report_bug(error)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _usage_error(error) -> None:
    say(f"错误：{cli_i18n.usage_message(error)}。运行 {_command_path(error)} -h 查看帮助。")
    sys.exit(error.exit_code)


def _command_path(error) -> str:
    """``huikan build`` for a mistake in build's options, also when the parser gave no context
    (an option missing its value, a value given to a flag)."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        return ctx.command_path
    named = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")
    commands = {command.name for command in app.registered_commands}
    return f"huikan {named}" if named in commands else "huikan"


def _report_bug(error: Exception) -> None:
    fd, name = tempfile.mkstemp(prefix="huikan-error-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(traceback.format_exc())
    log = Path(name)
    say(f"内部错误（{type(error).__name__}）：这是 huikan 的缺陷，不是您的错。详细信息已保存到 {log}，请发给维护人员。")
    sys.exit(70)
