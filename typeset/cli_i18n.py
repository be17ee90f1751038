"""Chinese for the few strings Typer prints itself ("Usage:", "Options", the help option).

Typer bundles its own copy of Click with these strings written in; the CLI patches them at
start-up. The library never imports this module.
"""

from __future__ import annotations

import sys

from typer._click import core, formatting

HELP_OPTION_TEXT = "显示本帮助并退出。"
PANEL_TITLES = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}


def install(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if any(arg in ("-h", "--help") for arg in argv):  # rich costs 0.1 s: only help needs it
        _patch_rich_titles()
    _patch_usage_prefix()
    _patch_help_option()


def _patch_rich_titles() -> None:
    import typer.rich_utils as rich_utils

    for name, text in PANEL_TITLES.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


def _patch_usage_prefix() -> None:
    original = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage


def _patch_help_option() -> None:
    original = core.Command.get_help_option

    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    core.Command.get_help_option = get_help_option
