"""The Typer application: the commands wired together, and ``run``: a user's mistake is one
Chinese line and a non-zero exit, never a traceback; a bug leaves its traceback in a log file.

WeasyPrint and ebooklib are imported only by the commands (and writers) that need them.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import traceback
from pathlib import Path

from typeset.cli import i18n

i18n.install()

import typer  # noqa: E402  (after the Chinese messages are installed)
from typer._click import exceptions as click_errors  # noqa: E402

from typeset import __version__  # noqa: E402
from typeset.cli.build import build_command  # noqa: E402
from typeset.cli.check import check_command  # noqa: E402  (light: no WeasyPrint)
from typeset.cli.library import library_command  # noqa: E402
from typeset.cli.messages import STOPPED, say  # noqa: E402
from typeset.cli.new import new_command  # noqa: E402
from typeset.cli.preview import preview_command  # noqa: E402
from typeset.cli.verify import verify_command  # noqa: E402
from typeset.cli.where import in_issue_folder  # noqa: E402
from typeset.cli.volume import volume_command  # noqa: E402
from typeset.errors import TypesetError, chinese_os_reasons, os_reason  # noqa: E402

HELP = "会刊排版工具：把纯文本或 Word 会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。"

app = typer.Typer(
    name="huikan",
    help=HELP,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    options_metavar=i18n.OPTIONS_METAVAR,
    subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"huikan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", "-V", help="显示版本并退出。", callback=_version, is_eager=True),
) -> None:
    """会刊排版工具：把纯文本或 Word 会刊排成印刷 PDF、EPUB 电子书和 PDF/A 存档。"""


app.command("build")(build_command)
app.command("new")(new_command)
app.command("check")(in_issue_folder(check_command, "check"))
app.command("preview")(preview_command)
app.command("library")(library_command)
app.command("volume")(volume_command)
app.command("verify")(verify_command)


def run() -> None:
    """Run the command line: user mistakes → one line; bugs → a saved traceback."""
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
        say(STOPPED)
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
    say(f"错误：{i18n.usage_message(error)}。运行 {_command_path(error)} -h 查看帮助。")
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
