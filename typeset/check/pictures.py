"""Picture rules: every ``【图】`` picture must be readable; one without a caption, or one that
would print below 150 dpi at its placed size, is worth a look. Also: the image path of a
``【图】`` line is a file name, not text, so the character rules leave it alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator

from typeset.check.chars import SourceLine
from typeset.check.findings import Finding
from typeset.errors import SourceError, StyleError
from typeset.model import Bulletin, Figure, Picture
from typeset.sources.text import BLANKS, PICTURE_MARK, picture_line


def caption_only(line: SourceLine) -> SourceLine:
    """A ``【图】`` line with only its caption left for the character rules."""
    content = line.text[line.lo:line.hi]
    found = picture_line(content)
    if not found:
        return line
    start = content.index(found[0], len(PICTURE_MARK)) + len(found[0])
    while start < len(content) and content[start] in BLANKS:
        start += 1
    return dataclasses.replace(line, lo=line.lo + start)


def check_pictures(bulletin: Bulletin, style=None) -> Iterator[Finding]:
    from typeset.figures.decode import read_source
    from typeset.figures.plan import MIN_DPI, place, type_area_mm

    area = _type_area(bulletin, type_area_mm, style)
    for figure in (b for b in bulletin.blocks() if isinstance(b, Figure)):
        sources = []
        for picture in figure.pictures:
            yield from _no_caption(figure, picture)
            try:
                sources.append(read_source(picture, figure.origin, bulletin.root))
            except SourceError as exc:
                yield _at(figure, picture, "picture-unreadable", "error", exc.message, "")
                continue
            if has_location(sources[-1].data):
                yield _at(figure, picture, "picture-location", "warning",
                          f"图片“{picture.source}”里记着拍摄地点（GPS）：印刷版、电子书和网页已删去，但 PDF/A 存档版附的原图保留着它",
                          "存档版若要给会员下载，请先用手机或电脑删去照片的位置信息再放入文件夹")
        if area and len(sources) == len(figure.pictures):
            for picture, placed in zip(figure.pictures, place(sources, *area)):
                if placed.low_dpi:
                    yield _at(figure, picture, "picture-low-dpi", "warning",
                              f"图片“{picture.source}”像素不够（宽 {placed.source.size[0]} 像素），按 {MIN_DPI} dpi "
                              f"只能印 {placed.width_mm:.0f} 毫米宽，比版面要求的小", "换一张像素更高的原图")
                elif placed.dpi < MIN_DPI:
                    yield _at(figure, picture, "picture-low-dpi", "warning",
                              f"图片“{picture.source}”印出来只有 {placed.dpi:.0f} dpi（至少要 {MIN_DPI} dpi），会发虚",
                              "换一张像素更高的原图")


def has_location(data: bytes) -> bool:
    """Whether a picture's EXIF holds a GPS position (phones write one into most photos)."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 - a picture Pillow reads but whose EXIF it cannot parse has none we can see
        return False
    return any(_recorded(gps.get(key)) for key in (2, 4))  # latitude or longitude


GPS_IFD = 0x8825


def _recorded(coordinate) -> bool:
    """A coordinate with a value: phones with location off write an empty block or 0/1 0/1 0/1
    (or 0/0, which Pillow reads as NaN) — no place."""
    import math

    try:
        return any(math.isfinite(float(part)) and float(part) != 0 for part in coordinate or ())
    except (TypeError, ValueError):
        return False


def _type_area(bulletin: Bulletin, type_area_mm, style=None) -> tuple[float, float] | None:
    from typeset.render import overrides_root
    from typeset.styles import load_style

    try:
        return type_area_mm(style or load_style(bulletin.meta.style, overrides_root(bulletin)), bulletin.meta.paper)
    except StyleError:
        return None


def _no_caption(figure: Figure, picture: Picture) -> Iterator[Finding]:
    if not picture.caption.strip(BLANKS):
        yield _at(figure, picture, "picture-no-caption", "warning", f"图片“{picture.source}”没有图注",
                  "在图片路径后空一格写上图注（读屏软件也靠它说明图片）")


def _at(figure: Figure, picture: Picture, rule: str, severity: str, message: str, suggestion: str) -> Finding:
    return Finding(figure.origin.file, picture.line or figure.origin.line, 1, rule, severity, message, suggestion)
