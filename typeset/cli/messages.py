"""What several commands say: the help texts they share and the one-line reports on stderr.

Everything an editor sees is Simplified Chinese; control characters in a file name are shown
escaped, never obeyed by the terminal.
"""

from __future__ import annotations

import re

import typer

from typeset.cli import STOPPED  # noqa: F401  (said by main too, before Typer is imported)

SOURCE_HELP = ("一期会刊的文件夹（含 issue.toml）或一个会刊文件（.txt 文本或 Word 的 .docx）；"
               "不填则{verb}当前文件夹（须含 issue.toml）。")
FORMAT_HELP = "输出格式，可重复或用逗号分开：html、pdf、archive（PDF/A 存档）、epub，大小写均可。默认全部。"
FORCE_HELP = "校对发现错误、或输出文件夹里是另一份源稿排出的本期文件时，仍然排版。"
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def source_help(verb: str) -> str:
    return SOURCE_HELP.format(verb=verb)


def visible(text: str) -> str:
    """Control characters (a terminal would obey them) shown as ``\\x1b``-style escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


def say(message: str) -> None:
    """One line on stderr."""
    typer.echo(visible(message), err=True)


def tell(message: str) -> None:
    """One line on stdout."""
    typer.echo(visible(message))


def report_problems(findings, warnings=(), notes=()) -> None:
    """Every finding, labelled 错误 or 警告 by its severity, then every logged warning."""
    for note in notes:
        say(f"提示：{note}")
    for finding in findings:
        say(finding.labelled())
    for warning in warnings:
        say(f"警告：{warning}")

