"""The print shop's edition (``--press``): bleed and crop marks from the style's press CSS,
CMYK colours, and the CMYK output intent that PDF/X-4 requires (the ICC profile named in
issue.toml, or Ghostscript's generic CMYK profile from Debian's libgs-common)."""

from __future__ import annotations

import base64
from pathlib import Path

from typeset.errors import ConfigError, EnvironmentProblem
from typeset.render import render_css
from typeset.writers import BuildContext

PRESS_VARIANT = "pdf/x-4"
DEFAULT_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def press_css(ctx: BuildContext) -> str:
    """The press stylesheet plus the output intent, the profile inlined as a ``data:`` URL so
    that the confined fetcher needs no access outside the issue."""
    path = icc_profile(ctx)
    profile = path.read_bytes()
    if profile[36:40] != b"acsp" or profile[16:20] != b"CMYK":
        raise ConfigError(f"“{path.name}”不是 CMYK 的 ICC 色彩配置文件：请使用印厂提供的 CMYK 配置文件（.icc）。",
                          Path(ctx.bulletin.root) / "issue.toml")
    url = "data:application/vnd.iccprofile;base64," + base64.b64encode(profile).decode("ascii")
    intent = f'@color-profile device-cmyk {{ src: url("{url}"); components: c, m, y, k }}\n'
    return intent + render_css(ctx.rendered.style, "press", ctx.bulletin.meta.paper)


def icc_profile(ctx: BuildContext) -> Path:
    name = ctx.bulletin.meta.icc_profile
    if name:
        root = Path(ctx.bulletin.root)
        path = (root / name).resolve()
        if not path.is_file() or not path.is_relative_to(root.resolve()):
            raise ConfigError(f"找不到 ICC 色彩配置文件“{name}”（须放在本期文件夹中）。", root / "issue.toml")
        return path
    if not DEFAULT_ICC.is_file():
        raise EnvironmentProblem("印厂版需要 CMYK 色彩配置文件：请在 issue.toml 中用 icc_profile 指定印厂提供的文件，或安装 Debian 软件包 libgs-common。")
    return DEFAULT_ICC
