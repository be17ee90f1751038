"""Where pictures go in print: each picture's share of the measure from its shape, no picture
taller than 40% of the type area, a group side by side; and the ``FigureSet`` every writer asks
for a picture's place and prepared bytes.

Rules (print; the EPUB keeps the same shares of its column):
- landscape photo (3:2, 4:3…): the full measure; landscape drawing: 80% of it;
- square-ish (QR codes): 40%; portrait: as wide as 40% of the type area's height allows;
- a screenshot (line art with text, see :mod:`typeset.figures.kind`) is never made illegible:
  at least as wide as its pixels at ``TEXT_DPI`` (interface text of ~14 px then prints at
  ≥ 5 pt), within the measure and ``MAX_TEXT_HEIGHT_SHARE`` of the type area's height;
- a photo that would print below ``MIN_DPI`` is placed at its ``MIN_DPI`` size, centred (the
  check still warns: ``Placed.low_dpi``);
- a group: rows of at most ``GROUP_ROW`` pictures (the inline blocks wrap by themselves), each
  picture the measure shared by a full row (a gap between), at most as tall as above.

:meth:`FigureSet.frame` gives the print layout what a figure's block needs to keep the
baseline grid: its content height (pictures and captions) and, in a group, the space above
each picture that puts the pictures of a row on one bottom edge (captions on one baseline).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from typeset.figures.decode import Source, read_source
from typeset.figures.kind import is_line_art, is_screenshot
from typeset.figures.prepare import Prepared, prepare
from typeset.model import Bulletin, Figure
from typeset.styles import PT_PER_MM, Style

MAX_HEIGHT_SHARE = 0.4  # of the type area
PAGE_MARGINS_MM = 25 + 22  # top + bottom of the print stylesheet's @page (print.css.j2)
GROUP_GAP_SHARE = 0.04  # of the measure, around each picture of a group (half each side)
GROUP_ROW = 4  # pictures a row of a group at most: a larger group wraps onto more rows
PRINT_DPI = 300  # what a picture printing above MAX_DPI is resampled to
MIN_DPI, MAX_DPI = 150, 450
SCREEN_LONG_SIDE = 1600
MM_PER_INCH = 25.4
TEXT_DPI = 200  # a screenshot prints at this resolution or finer: its interface text ≥ 5 pt
MAX_TEXT_HEIGHT_SHARE = 0.7  # of the type area: how tall a screenshot may grow to stay legible
# Captions (common.css.j2 / print.css.j2): 9 pt 楷, 13.5 pt leading, 0.35 em above.
CAPTION_PT, CAPTION_LEADING_PT, CAPTION_GAP_PT = 9.0, 13.5, 3.15


@dataclass(frozen=True)
class Placed:
    """One picture as printed: its source, its share of the measure and its size."""

    source: Source
    share: float  # of the measure (0-1)
    width_mm: float
    height_mm: float
    low_dpi: bool = False  # placed smaller than its rule wanted, for lack of pixels

    @property
    def dpi(self) -> float:
        """Effective resolution at the placed size, from the picture's own pixels."""
        return self.source.size[0] / (self.width_mm / MM_PER_INCH)

    @property
    def print_width_px(self) -> int:
        """Pixels across in the print edition: downsampled to 300 dpi above 450, never up."""
        if self.dpi <= MAX_DPI:
            return self.source.size[0]
        return max(1, round(self.width_mm / MM_PER_INCH * PRINT_DPI))

    @property
    def key(self) -> str:
        """The ``figure:`` URL's name: content and print size (the same picture placed twice
        at two sizes is two prepared pictures)."""
        return f"{self.source.digest}-w{self.print_width_px}"


def type_area_mm(style: Style, paper: str) -> tuple[float, float]:
    geo = style.geometry(paper)
    return geo["measure_pt"] / PT_PER_MM, geo["height_mm"] - PAGE_MARGINS_MM


def single_share(source: Source, measure: float, height: float) -> float:
    width, tall = source.size
    aspect = width / tall
    if aspect >= 1.25:
        share = 0.8 if is_line_art(source) else 1.0
    elif aspect > 0.8:
        share = 0.4
    else:
        share = 1.0
    share = min(share, MAX_HEIGHT_SHARE * height * aspect / measure)
    if is_screenshot(source):
        share = max(share, legible_share(source, measure, height))
    return share


def legible_share(source: Source, measure: float, height: float) -> float:
    """The share at which a screenshot prints at ``TEXT_DPI`` (or the most the page allows)."""
    width, tall = source.size
    wanted = width / TEXT_DPI * MM_PER_INCH / measure
    return min(1.0, wanted, MAX_TEXT_HEIGHT_SHARE * height * width / tall / measure)


def starved_share(source: Source, share: float, measure: float) -> float:
    """A photo's share at ``MIN_DPI`` when ``share`` would print it coarser (else ``share``)."""
    return min(share, source.size[0] / MIN_DPI * MM_PER_INCH / measure)


def group_shares(sources: list[Source], measure: float, height: float) -> list[float]:
    count = min(len(sources), GROUP_ROW)  # never the group's size: shares stay > 0 for any group
    each = (1 - GROUP_GAP_SHARE * count) / count
    return [min(each, MAX_HEIGHT_SHARE * height * (s.size[0] / s.size[1]) / measure) for s in sources]


def place(sources: list[Source], measure: float, height: float) -> list[Placed]:
    shares = group_shares(sources, measure, height) if len(sources) > 1 else [single_share(sources[0], measure, height)]
    placed = []
    for source, wanted in zip(sources, shares):
        share = round(starved_share(source, wanted, measure), 4)
        width = share * measure
        placed.append(Placed(source, share, round(width, 2), round(width * source.size[1] / source.size[0], 2),
                             low_dpi=share < round(wanted, 4)))
    return placed


@dataclass(frozen=True)
class Frame:
    """What a figure's print block needs for the baseline grid: ``height_pt``, the content's
    height (pictures, captions, gaps between rows), and for each picture the space above it
    as a percentage of its own width (a margin's percentage refers to the width of the
    picture's box, so it scales with the picture), which puts the pictures of a row on one
    bottom edge."""

    image_pt: float  # the pictures' part of the height (rows' tallest pictures)
    caption_pt: float  # the captions' part
    pads: tuple[float, ...]

    @property
    def height_pt(self) -> int:
        return math.ceil(round(self.image_pt + self.caption_pt, 3))


_FRAME = re.compile(r'class="figure( group)? fh\d+" (id="[^"]*") data-frame="([0-9.]+) ([0-9.]+)"')


def refit_frame(html: str, scale: float) -> str:
    """A figure's HTML (from its opening tag) whose pictures were scaled by ``scale``, with the
    content height the print CSS rounds to whole lines (``fh<pt>``) scaled to match. The print
    layout calls this when it shrinks a figure to fit a page (writers/figures_layout.py)."""
    def refit(match: re.Match) -> str:
        image, caption = float(match.group(3)) * scale, float(match.group(4))
        return (f'class="figure{match.group(1) or ""} fh{math.ceil(round(image + caption, 3))}" {match.group(2)} '
                f'data-frame="{image:.2f} {caption:.2f}"')
    return _FRAME.sub(refit, html, count=1)


def caption_lines(caption: str, width_pt: float) -> int:
    """Lines a caption takes at ``width_pt`` (full-width characters 1 em, others ½ em)."""
    if not caption:
        return 0
    ems = sum(0.55 if ord(ch) < 0x2E80 else 1.0 for ch in caption)
    return max(1, math.ceil(ems * CAPTION_PT / max(width_pt, CAPTION_PT)))


def frame(captions: list[str], placed: list[Placed], measure_pt: float) -> Frame:
    rows = [range(start, min(start + GROUP_ROW, len(placed))) for start in range(0, len(placed), GROUP_ROW)]
    image, caption, pads = 0.0, 0.0, [0.0] * len(placed)
    for row in rows:
        tallest = max(placed[i].height_mm for i in row)
        lines = max(caption_lines(captions[i], placed[i].width_mm * PT_PER_MM) for i in row)
        for i in row:
            pads[i] = round((tallest - placed[i].height_mm) / placed[i].width_mm * 100, 3)
        image += tallest * PT_PER_MM
        caption += lines * CAPTION_LEADING_PT + CAPTION_GAP_PT if lines else 0
    return Frame(round(image, 2), round(caption, 2), tuple(pads))


@dataclass
class FigureSet:
    """Every figure of the issue, placed; prepared pictures are made on demand (and cached)."""

    placed: dict[str, list[Placed]] = field(default_factory=dict)  # figure id → its pictures
    made: dict[tuple[str, str], Prepared] = field(default_factory=dict)
    measure_pt: float = 0.0

    def pictures(self, figure_id: str) -> list[Placed]:
        return self.placed.get(figure_id, [])

    def frame(self, figure: Figure) -> Frame:
        """The figure's content height and row alignment (see :class:`Frame`)."""
        captions = [picture.caption or "" for picture in figure.pictures]
        return frame(captions, self.pictures(figure.id), self.measure_pt)

    def by_key(self, key: str) -> Placed | None:
        return next((p for pics in self.placed.values() for p in pics if p.key == key), None)

    def prepared(self, placed: Placed, edition: str, profile: bytes = b"") -> Prepared:
        """``edition``: ``print`` (RGB), ``press`` (CMYK with ``profile``) or ``screen``."""
        slot = (placed.key, edition)
        if slot not in self.made:
            width = placed.print_width_px if edition != "screen" else screen_width(placed.source)
            self.made[slot] = prepare(placed.source, width, edition, profile, is_line_art(placed.source))
        return self.made[slot]

    def all(self) -> list[Placed]:
        return [p for pics in self.placed.values() for p in pics]


def screen_width(source: Source) -> int:
    width, height = source.size
    longest = max(width, height)
    return width if longest <= SCREEN_LONG_SIDE else max(1, round(width * SCREEN_LONG_SIDE / longest))


def screen_picture(data: bytes, name: str) -> Prepared:
    """Any picture's bytes prepared for screens (EXIF out, long side at most 1,600 px): the cover."""
    import hashlib

    from typeset.figures.decode import open_image, oriented_size

    with open_image(data) as image:
        source = Source(data, oriented_size(image), image.format, None, name, hashlib.sha256(data).hexdigest()[:24])
    return prepare(source, screen_width(source), "screen", line_art=is_line_art(source))


def figures_of(bulletin: Bulletin) -> list[Figure]:
    return [block for block in bulletin.blocks() if isinstance(block, Figure)]


def plan_figures(bulletin: Bulletin, style: Style) -> FigureSet:
    """Read every picture once and place it (a missing or unreadable one: ``SourceError``)."""
    measure, height = type_area_mm(style, bulletin.meta.paper)
    figures = FigureSet(measure_pt=style.geometry(bulletin.meta.paper)["measure_pt"])
    for figure in figures_of(bulletin):
        sources = [read_source(picture, figure.origin, bulletin.root) for picture in figure.pictures]
        figures.placed[figure.id] = place(sources, measure, height)
    return figures
