"""``huikan preview [文件夹]``: the print edition in the browser, rebuilt on every save.

The first line printed is the address (``http://127.0.0.1:PORT/``); then one line a build. Ctrl-C
ends it with one line."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from typeset.cli.messages import say, source_help, tell
from typeset.cli.where import issue_source


def preview_command(
    source: Optional[Path] = typer.Argument(None, metavar="来源", help=source_help("预览"), show_default=False),
) -> None:
    """在浏览器里预览印刷版：每次保存栏目文件、issue.toml 或图片，页面自动更新，并列出校对问题和“再删约几行”。"""
    from typeset.preview import Preview

    with Preview(issue_source(source, "preview"), told=_told) as preview:
        tell(preview.url)
        say("用浏览器打开上面的地址；正在排版……保存文件后页面自动更新，按 Ctrl-C 结束预览。")
        try:
            preview.serve_forever()
        except KeyboardInterrupt:
            say("预览已结束。")


def _told(edition) -> None:
    problems = sum(not line.startswith("提示：") for line in edition.lines) + bool(edition.failure)
    outcome = edition.failure.splitlines()[0] if edition.failure else (edition.fit.rstrip("。") or "已排好")
    found = f"；校对问题 {problems} 处（见网页）" if problems and not edition.failure else ""
    say(f"第 {edition.version} 版（{edition.seconds:.1f} 秒）：{outcome}{found}")
