"""Styles are folders: ``style.toml`` (fonts by role, type, colours), CSS templates and optional
template overrides. Lookup is an ordered search path: the issue's own ``style/`` folder, the
chosen style, then the styles it ``extends``."""

from __future__ import annotations

import copy
import math
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from typeset import toml_errors
from typeset.errors import ConfigError, StyleError
from typeset.resources import styles_dir

MANIFEST = "style.toml"
STYLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
PAPER_SIZES_MM = {"A4": (210, 297), "正度16开": (185, 260), "大度16开": (210, 285)}
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class StyleView:
    """A style as a stylesheet template sees it: plain values, one helper."""

    name: str
    type: dict[str, Any]
    colors: dict[str, str]
    font_roles: dict[str, tuple[str, ...]]

    def font_family(self, role: str) -> str:
        """A CSS font-family value listing every font of the role explicitly."""
        return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in self.font_roles[role])


@dataclass(frozen=True)
class Style:
    name: str
    search_path: tuple[Path, ...]  # most specific first
    manifest: dict[str, Any]
    issue_root: Path | None = None  # the issue folder whose style/ is searched first, if any

    def find(self, filename: str) -> Path:
        for folder in self.search_path:
            candidate = folder / filename
            if candidate.is_file():
                return candidate
        where = "、".join(str(p) for p in self.search_path)
        raise StyleError(f"版式“{self.name}”缺少文件 {filename}（查找过：{where}）。")

    def fonts(self, role: str) -> list[str]:
        return list(self.manifest["fonts"][role])

    def font_family(self, role: str) -> str:
        """A CSS font-family value listing every font of the role explicitly."""
        return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in self.fonts(role))

    @cached_property
    def type(self) -> dict[str, Any]:
        return self.manifest.get("type", {})

    @cached_property
    def colors(self) -> dict[str, str]:
        return self.manifest.get("colors", {})

    def template_view(self) -> "StyleView":
        """What a stylesheet template may see: the manifest's values, never a path (an issue's
        own ``style/*.css.j2`` is untrusted and a ``Path`` can read and write files)."""
        return StyleView(self.name, copy.deepcopy(self.type), dict(self.colors),
                         {role: tuple(names) for role, names in self.manifest.get("fonts", {}).items()})

    def geometry(self, paper: str) -> dict[str, float]:
        """Page size and a type area whose width is a whole number of characters."""
        width_mm, height_mm = PAPER_SIZES_MM[paper]
        size_pt = float(self.type.get("body_size_pt", 10.5))
        chars = int(self.type.get("chars_per_line", {}).get(paper, 40))
        measure_pt = chars * size_pt
        side_pt = (width_mm * PT_PER_MM - measure_pt) / 2
        return {
            "width_mm": width_mm,
            "height_mm": height_mm,
            "size_pt": size_pt,
            "chars": chars,
            "measure_pt": round(measure_pt, 3),
            # Rounded down, so the measure never falls a hair short of `chars` characters.
            "inner_pt": _floor3(side_pt + 4 * PT_PER_MM / 2),  # a little more room at the spine
            "outer_pt": _floor3(side_pt - 4 * PT_PER_MM / 2),
            "line_height": float(self.type.get("line_height", 1.7)),
            # The baseline grid's pitch (版心网格): every block of the print edition occupies a
            # whole number of these (print.css.j2); layout arithmetic may count in them.
            "pitch_pt": round(size_pt * float(self.type.get("line_height", 1.7)), 4),
        }


def _floor3(value: float) -> float:
    return math.floor(value * 1000) / 1000


def load_style(name: str, issue_root: Path | None = None) -> Style:
    chain = _extends_chain(name)
    search: list[Path] = []
    if issue_root is not None and (issue_root / "style").is_dir():
        search.append(issue_root / "style")
    search.extend(folder for folder, _ in chain)
    manifest: dict[str, Any] = {}
    for _, data in reversed(chain):  # base first, the chosen style last wins
        _deep_update(manifest, data)
    return Style(name, tuple(search), manifest, issue_root)


def available_styles() -> list[str]:
    return sorted(p.name for p in styles_dir().iterdir() if (p / MANIFEST).is_file())


def _extends_chain(name: str) -> list[tuple[Path, dict[str, Any]]]:
    chain: list[tuple[Path, dict[str, Any]]] = []
    while True:
        if not STYLE_NAME.fullmatch(name):
            raise StyleError(f"版式名称“{name}”无效：只能是 styles/ 下的文件夹名（字母、数字、- 和 _）。")
        folder = styles_dir() / name
        if not (folder / MANIFEST).is_file():
            raise StyleError(f"未知的版式“{name}”。可用的版式：{'、'.join(available_styles())}。")
        if any(folder == seen for seen, _ in chain):
            raise StyleError(f"版式“{name}”的 extends 形成了循环。")
        data = _read_manifest(folder / MANIFEST)
        chain.append((folder, data))
        name = data.get("extends", "")
        if not name:
            return chain


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_errors.explain(path.read_text(encoding="utf-8"), exc)
        raise ConfigError(f"版式清单{message}", path, line) from None


def _deep_update(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_update(target[key], value)
        else:
            target[key] = value
