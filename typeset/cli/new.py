"""``huikan new 文件夹``: a new issue folder, over ``typeset.scaffold``."""

from __future__ import annotations

from pathlib import Path

import typer

from typeset.cli.messages import tell


def new_command(
    folder: Path = typer.Argument(..., metavar="文件夹", help="新建的一期会刊文件夹，用期号命名，如 2026-12。"),
) -> None:
    """新建一期会刊的文件夹（带注释的 issue.toml 和栏目文件示例）。"""
    from typeset.scaffold import scaffold

    made = scaffold(folder)
    for path in made.files:
        tell(f"已创建 {path}")
    tell(made.summary)
    tell(f"请编辑 {folder / 'issue.toml'} 和栏目文件，然后运行：huikan build {folder}")
