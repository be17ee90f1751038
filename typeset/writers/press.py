"""The print shop's edition (``--press``): CMYK colours only, 3 mm bleed, crop marks outside the
bleed, and the CMYK output intent that PDF/X-4 requires (the ICC profile named in issue.toml, or
Ghostscript's generic CMYK profile from Debian's libgs-common).

Colours: the style's CSS is rendered a second time with every ``*_rgb`` colour replaced by its
``*_cmyk`` twin and laid over the master's, so no RGB colour is left for WeasyPrint to draw.
Crop marks: WeasyPrint draws ``marks: crop`` in RGB inside a media box no larger than the
bleed, so the press PDF is finished here instead (a ``write_pdf`` finisher): the media box grows
around the bleed box and each page gets registration-colour marks as InDesign writes them.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from pathlib import Path

from typeset.errors import ConfigError, EnvironmentProblem, StyleError
from typeset.render import render_css
from typeset.styles import PT_PER_MM, Style
from typeset.writers import BuildContext

PRESS_VARIANT = "pdf/x-4"
DEFAULT_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
BLEED_MM = 3.0  # the press CSS's `bleed`; the marks start at the bleed edge
MARK_MM = 5.0  # length of a crop mark (at least 3 mm)
SLUG_MM = 10.0  # media box beyond the trim box: bleed + mark + 2 mm
MARK_WIDTH_PT = 0.25
REGISTRATION = b"1 1 1 1 K"  # every plate gets the marks


def output_intent_css(ctx: BuildContext) -> str:
    """The output intent, the profile inlined as a ``data:`` URL so that the confined fetcher
    needs no access outside the issue."""
    path = icc_profile(ctx)
    profile = icc_profile_bytes(ctx)
    if profile[36:40] != b"acsp" or profile[16:20] != b"CMYK":
        raise ConfigError(f"“{path.name}”不是 CMYK 的 ICC 色彩配置文件：请使用印厂提供的 CMYK 配置文件（.icc）。",
                          Path(ctx.bulletin.root) / "issue.toml")
    url = "data:application/vnd.iccprofile;base64," + base64.b64encode(profile).decode("ascii")
    return f'@color-profile device-cmyk {{ src: url("{url}"); components: c, m, y, k }}\n'


def press_overlay_css(style: Style, paper: str) -> str:
    """The style's common and print CSS again in CMYK, then the press stylesheet. It goes into
    the master's own ``<head>``, after its styles: a user stylesheet would lose to them."""
    cmyk = cmyk_style(style)
    return "\n".join(render_css(cmyk, name, paper) for name in ("common", "print", "press"))


def cmyk_style(style: Style) -> Style:
    """The style with each ``name_rgb`` colour replaced by its ``name_cmyk`` twin."""
    colors = dict(style.colors)
    missing = [name for name in colors if name.endswith("_rgb") and name[:-4] + "_cmyk" not in colors]
    if missing:
        twins = "、".join(name[:-4] + "_cmyk" for name in missing)
        raise StyleError(f"版式“{style.name}”的 style.toml 缺少印刷用的 CMYK 颜色 {twins}：印厂版不能用 RGB 颜色，请在 [colors] 中补上。")
    for name in [name for name in colors if name.endswith("_rgb")]:
        colors[name] = colors[name[:-4] + "_cmyk"]
    return dataclasses.replace(style, manifest={**style.manifest, "colors": colors})


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


MAX_ICC_BYTES = 16 * 1024 * 1024


def icc_profile_bytes(ctx: BuildContext) -> bytes:
    """The profile's bytes, an issue's own read once from its folder without following links."""
    from typeset.sources.confine import Confinement, read_inside

    path = icc_profile(ctx)
    if path == DEFAULT_ICC:
        return path.read_bytes()
    root = Path(ctx.bulletin.root)
    try:
        return read_inside(root / ctx.bulletin.meta.icc_profile, root, MAX_ICC_BYTES)
    except Confinement as exc:
        raise ConfigError(f"ICC 色彩配置文件“{ctx.bulletin.meta.icc_profile}”无法读取：{exc.message}", root / "issue.toml") from None


def press_finisher(document_id: str):
    """A ``write_pdf`` finisher: crop marks, bleed and media boxes on every page (blank pages
    included, whose tiny documents have no press CSS), tagged figures' boxes in user space, and an XMP
    DocumentID derived from the content (WeasyPrint writes a random one for PDF/X)."""

    def finish(document, pdf) -> None:
        import pydyf

        from typeset.writers.tagging import finish_tags

        for page in [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]:
            _add_crop_marks(pdf, page)
        _set_document_id(pdf, document_id)
        finish_tags(document, pdf)  # the press PDF is tagged too

    return finish


def _add_crop_marks(pdf, page) -> None:
    import pydyf

    left, bottom, right, top = (float(value) for value in page["TrimBox"])
    slug, bleed = SLUG_MM * PT_PER_MM, BLEED_MM * PT_PER_MM
    page["MediaBox"] = pydyf.Array([left - slug, bottom - slug, right + slug, top + slug])
    page["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])
    before = pydyf.Stream([b"q"], compress=True)
    after = pydyf.Stream([b"Q", *crop_marks((left, bottom, right, top))], compress=True)
    for stream in (before, after):
        pdf.add_object(stream)
    page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])


def crop_marks(trim: tuple[float, float, float, float]) -> list[bytes]:
    """Eight hairlines in registration colour, two at each corner of the trim box, each
    starting at the bleed edge and running outwards along the trim line."""
    left, bottom, right, top = trim
    start, end = BLEED_MM * PT_PER_MM, (BLEED_MM + MARK_MM) * PT_PER_MM
    lines = []
    for x, dx in ((left, -1), (right, 1)):
        for y, dy in ((bottom, -1), (top, 1)):
            lines.append(((x + dx * start, y), (x + dx * end, y)))  # along the horizontal trim line
            lines.append(((x, y + dy * start), (x, y + dy * end)))  # along the vertical trim line
    ops = [b"q", REGISTRATION, f"{MARK_WIDTH_PT} w 0 J".encode()]
    ops += [f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S".encode() for (x0, y0), (x1, y1) in lines]
    return [*ops, b"Q"]


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]+")


def _set_document_id(pdf, document_id: str) -> None:
    reference = pdf.catalog.get("Metadata")
    if not reference:
        return
    metadata = pdf.objects[int(reference.split()[0])]
    metadata.stream = [_DOCUMENT_ID.sub(f"xmp.did:{document_id}".encode(), chunk) if isinstance(chunk, bytes) else chunk
                       for chunk in metadata.stream]
