"""Where pictures go in print: each picture's share of the measure from its shape, no picture
taller than 40% of the type area, a group side by side; and the ``FigureSet`` every writer asks
for a picture's place and prepared bytes.

Rules (print; the EPUB keeps the same shares of its column):
- landscape photo (3:2, 4:3…): the full measure; landscape screenshot or drawing: 80% of it;
- square-ish (QR codes): 40%; portrait: as wide as 40% of the type area's height allows;
- a group: the measure shared equally (a gap between), each picture at most as tall as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typeset.figures.decode import Source, read_source
from typeset.figures.prepare import Prepared, prepare
from typeset.model import Bulletin, Figure
from typeset.styles import PT_PER_MM, Style

MAX_HEIGHT_SHARE = 0.4  # of the type area
PAGE_MARGINS_MM = 25 + 22  # top + bottom of the print stylesheet's @page (print.css.j2)
GROUP_GAP_SHARE = 0.04  # of the measure, around each picture of a group (half each side)
PRINT_DPI = 300  # what a picture printing above MAX_DPI is resampled to
MIN_DPI, MAX_DPI = 150, 450
SCREEN_LONG_SIDE = 1600
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Placed:
    """One picture as printed: its source, its share of the measure and its size."""

    source: Source
    share: float  # of the measure (0-1)
    width_mm: float
    height_mm: float

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
        share = 1.0 if source.photo else 0.8
    elif aspect > 0.8:
        share = 0.4
    else:
        share = 1.0
    return min(share, MAX_HEIGHT_SHARE * height * aspect / measure)


def group_shares(sources: list[Source], measure: float, height: float) -> list[float]:
    count = len(sources)
    each = (1 - GROUP_GAP_SHARE * count) / count
    return [min(each, MAX_HEIGHT_SHARE * height * (s.size[0] / s.size[1]) / measure) for s in sources]


def place(sources: list[Source], measure: float, height: float) -> list[Placed]:
    shares = group_shares(sources, measure, height) if len(sources) > 1 else [single_share(sources[0], measure, height)]
    placed = []
    for source, share in zip(sources, shares):
        share = round(share, 4)
        width = share * measure
        placed.append(Placed(source, share, round(width, 2), round(width * source.size[1] / source.size[0], 2)))
    return placed


@dataclass
class FigureSet:
    """Every figure of the issue, placed; prepared pictures are made on demand (and cached)."""

    placed: dict[str, list[Placed]] = field(default_factory=dict)  # figure id → its pictures
    made: dict[tuple[str, str], Prepared] = field(default_factory=dict)

    def pictures(self, figure_id: str) -> list[Placed]:
        return self.placed.get(figure_id, [])

    def by_key(self, key: str) -> Placed | None:
        return next((p for pics in self.placed.values() for p in pics if p.key == key), None)

    def prepared(self, placed: Placed, edition: str, profile: bytes = b"") -> Prepared:
        """``edition``: ``print`` (RGB), ``press`` (CMYK with ``profile``) or ``screen``."""
        slot = (placed.key, edition)
        if slot not in self.made:
            width = placed.print_width_px if edition != "screen" else screen_width(placed.source)
            self.made[slot] = prepare(placed.source, width, edition, profile)
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
    return prepare(source, screen_width(source), "screen")


def figures_of(bulletin: Bulletin) -> list[Figure]:
    return [block for block in bulletin.blocks() if isinstance(block, Figure)]


def plan_figures(bulletin: Bulletin, style: Style) -> FigureSet:
    """Read every picture once and place it (a missing or unreadable one: ``SourceError``)."""
    measure, height = type_area_mm(style, bulletin.meta.paper)
    figures = FigureSet()
    for figure in figures_of(bulletin):
        sources = [read_source(picture, figure.origin, bulletin.root) for picture in figure.pictures]
        figures.placed[figure.id] = place(sources, measure, height)
    return figures
