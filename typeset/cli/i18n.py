"""Chinese for everything Typer and its bundled Click print themselves: the help layout, the
usage errors, and a line wrapping that counts a Chinese character as two columns.

Help is Click's plain formatter, not Rich's (Rich wraps only at spaces and cuts a Chinese
sentence with "…", and importing it costs 0.1 s). The library never imports this module.
"""

from __future__ import annotations

import os
import re
import unicodedata

os.environ["TYPER_USE_RICH"] = "0"  # read once, when typer is first imported

from typer import core as typer_core  # noqa: E402
from typer._click import exceptions, formatting  # noqa: E402

HELP_OPTION_TEXT = "显示本帮助并退出。"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
WORDS = {  # typer.core's gettext strings
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（运行时决定）",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有“{name}”这个命令",
}
KINDS = {int: "整数", float: "数字", str: "文字", bool: "是或否"}


def install() -> None:
    typer_core._ = lambda text: WORDS.get(text, text)
    formatting.term_len = display_width
    formatting.wrap_text = wrap_text
    formatting.HelpFormatter.write_usage = _write_usage
    formatting.HelpFormatter.write_heading = _write_heading
    typer_core.TyperArgument.display_type_rich = lambda self, ctx: None  # its Chinese name says it
    _patch_help_option()


def _write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
    self.write(wrap_text(args, self.width, f"{' ' * self.current_indent}用法：{prog} ", " " * 8) + "\n")


def _write_heading(self, heading: str) -> None:
    self.write(f"{'':>{self.current_indent}}{heading}：\n")


def _patch_help_option() -> None:
    original = typer_core.TyperCommand.get_help_option
    group_original = typer_core.TyperGroup.get_help_option

    def with_chinese_help(getter):
        def get_help_option(self, ctx):
            option = getter(self, ctx)
            if option is not None:
                option.help = HELP_OPTION_TEXT
            return option
        return get_help_option

    typer_core.TyperCommand.get_help_option = with_chinese_help(original)
    typer_core.TyperGroup.get_help_option = with_chinese_help(group_original)


# --- wrapping by display width ----------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# A token is a run of ASCII (a word, an option, a path) or one other character, with the opening
# marks that must not end a line before it and the closing marks that must not start one after it.
_TOKEN = re.compile(r"\s+|[（“‘《【\[(]*(?:[!-~]+|\S)[，。、）”’》】：；！？…\])]*")


def display_width(text: str) -> int:
    text = _ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """Greedy wrapping that breaks between Chinese characters and at spaces, never inside an
    ASCII word, and keeps closing punctuation off the start of a line."""
    paragraphs = re.split(r"\n\s*\n", text.strip()) if preserve_paragraphs else [text]
    wrapped = [_wrap_paragraph(" ".join(p.split("\n")), width, initial_indent, subsequent_indent)
               for p in paragraphs]
    return "\n\n".join(wrapped)


def _wrap_paragraph(text: str, width: int, first: str, rest: str) -> str:
    lines, line = [], first
    for token in _TOKEN.findall(text.strip()):
        if token.isspace():
            token = " "
        if display_width(line) + display_width(token) > width and line.strip():
            lines.append(line.rstrip())
            line = rest
            if token == " ":
                continue
        line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


# --- usage errors -----------------------------------------------------------------------------

def usage_message(error: exceptions.UsageError) -> str:
    """One Chinese sentence for a usage error of Click or Typer."""
    if isinstance(error, exceptions.NoSuchOption):
        return _no_such_option(error)
    if isinstance(error, exceptions.MissingParameter):
        return f"缺少{_what(error.param)}“{_hint(error)}”"
    if isinstance(error, exceptions.BadParameter):
        return f"{_what(error.param)}“{_hint(error)}”的值不对：应为{_kind(error.param)}"
    if isinstance(error, exceptions.BadOptionUsage):
        if "requires" in error.message:
            return f"选项“{error.option_name}”后面要写一个值"
        return f"选项“{error.option_name}”不接受值"
    return _plain_usage(error.message)


def _no_such_option(error: exceptions.NoSuchOption) -> str:
    message = f"没有“{error.option_name}”这个选项"
    if error.possibilities:
        message += f"（您是不是要写 {'、'.join(sorted(error.possibilities))}？）"
    return message


def _plain_usage(message: str) -> str:
    message = re.sub(r"\. Did you mean (.+)\?$", lambda m: f"（您是不是要写 {m.group(1)}？）", message)
    extra = re.match(r"Got unexpected extra argument\(s\) \((.*)\)$", message)
    if extra:
        return f"多余的参数：{extra.group(1)}（含空格的路径请加引号）"
    return message.replace("'", "").rstrip(".")


def _what(param) -> str:
    return "参数" if isinstance(param, typer_core.TyperArgument) else "选项"


def _hint(error: exceptions.BadParameter) -> str:
    param = error.param
    if param is None:
        return str(error.param_hint or "")
    if isinstance(param, typer_core.TyperArgument):
        return param.metavar or param.name or ""
    return max(param.opts, key=len)


def _kind(param) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if getattr(descriptor, "is_choice", False):
        return "以下之一：" + "、".join(map(str, descriptor.choices or ()))
    return KINDS.get(annotation, "合适的值")
