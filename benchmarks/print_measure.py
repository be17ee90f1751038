"""Measure what a typesetter checks on a print PDF beyond the body text's line rules:
constant leading, the baseline grid, loose lines, punctuation compression everywhere,
captions of a row on one baseline, and how pictures are stored and sized.

    .venv/bin/python benchmarks/print_measure.py issue.pdf [more.pdf …]

Glyphs are grouped into rows by baseline (``page.height - matrix[5]``); the functions are also
used by ``tests/test_typography.py`` and ``tests/test_pictures.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WORD_JOINER = "\u2060"
CLOSING = frozenset("，。、；：？！）］｝】》〉」』〕〗〙〛”’")
OPENING = frozenset("（［｛【《〈「『〔〖〘〚“‘")
PT_PER_MM = 72 / 25.4
BODY_SIZE = 10.5
TYPE_AREA_TOP = 25 * PT_PER_MM  # print.css.j2's top margin: running heads sit above it


@dataclass
class Row:
    page: int
    baseline: float
    chars: list = field(default_factory=list)

    @property
    def size(self) -> float:
        return Counter(round(c["size"], 2) for c in self.chars).most_common(1)[0][0]

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def body(self) -> bool:
        """Body text: body size in the serif or 楷 face, no 黑体 (headings)."""
        fonts = {c["fontname"] for c in self.chars}
        return (abs(self.size - BODY_SIZE) < 0.05 and not any("Sans" in f for f in fonts)
                and any("Serif" in f or "WenKai" in f for f in fonts))


def rows(pdf_path: Path, margin_top: float = 50, margin_bottom: float = 50) -> list[Row]:
    """Every row of glyphs in the type area (running heads and folios left out), in order."""
    import pdfplumber

    found: list[Row] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            by_baseline: dict[float, Row] = {}
            for char in page.chars:
                if char["text"] in (WORD_JOINER, " ", "\u200b"):
                    continue
                baseline = round(page.height - char["matrix"][5], 2)
                if not margin_top < baseline < page.height - margin_bottom:
                    continue
                key = next((k for k in by_baseline if abs(k - baseline) < 0.3), baseline)
                by_baseline.setdefault(key, Row(number, key)).chars.append(char)
            for key in sorted(by_baseline):
                row = by_baseline[key]
                row.chars.sort(key=lambda c: c["x0"])
                found.append(row)
    return found


def pitch_of(found: list[Row]) -> float:
    """The most common step between consecutive body rows of a page."""
    steps = Counter(round(b.baseline - a.baseline, 2) for a, b in zip(found, found[1:])
                    if a.page == b.page and a.body and b.body)
    return steps.most_common(1)[0][0]


def off_pitch_steps(found: list[Row], pitch: float, tolerance: float = 0.05) -> list[tuple[int, float]]:
    """Steps between consecutive body rows, closer than 1.5 pitches, that are not one pitch."""
    return [(a.page, round(b.baseline - a.baseline, 2)) for a, b in zip(found, found[1:])
            if a.page == b.page and a.body and b.body
            and b.baseline - a.baseline < 1.5 * pitch and abs(b.baseline - a.baseline - pitch) > tolerance]


def grid_share(found: list[Row], pitch: float, first_page: int = 2, tolerance: float = 0.3) -> float:
    """Share of body rows on pages ``first_page``… whose baseline sits on the grid shared by all
    pages (the most common baseline position modulo the pitch)."""
    body = [r for r in found if r.body and r.page >= first_page]
    if not body:
        return 1.0
    phases = [r.baseline % pitch for r in body]
    origin = Counter(round(p, 1) for p in phases).most_common(1)[0][0]
    on = sum(1 for p in phases if min(abs(p - origin), pitch - abs(p - origin)) <= tolerance)
    return on / len(body)


def loose_gaps(found: list[Row], limit_em: float = 0.75, table_em: float = 8.0) -> list[tuple[int, str, float]]:
    """Gaps wider than ``limit_em`` between neighbouring glyphs of a body row (wider than
    ``table_em``: two things set apart on purpose, e.g. issuer and date)."""
    loose = []
    for row in found:
        if not row.body:
            continue
        for a, b in zip(row.chars, row.chars[1:]):
            gap = (b["x0"] - a["x1"]) / b["size"]
            if limit_em < gap < table_em:
                loose.append((row.page, a["text"] + b["text"], round(gap, 2)))
    return loose


def punctuation_pairs(found: list[Row], top: float = 0) -> tuple[int, list[tuple[int, str, float]]]:
    """(pairs of full-width marks, those not compressed) in rows below ``top``: a pair (closing
    mark before a mark, or two opening marks) followed by another glyph on its row spans at
    most 1.6 em from the first mark to that glyph (1.5 em compressed, 2 em not)."""
    pairs, wide = 0, []
    for row in found:
        if row.baseline < top:
            continue
        chars = row.chars
        for i in range(len(chars) - 2):
            a, b = chars[i]["text"], chars[i + 1]["text"]
            if (a in CLOSING and (b in CLOSING or b in OPENING)) or (a in OPENING and b in OPENING):
                pairs += 1
                span = (chars[i + 2]["x0"] - chars[i]["x0"]) / chars[i]["size"]
                if span > 1.75:
                    wide.append((row.page, a + b, round(span, 2)))
    return pairs, wide


def narrow_kai_quotes(found: list[Row]) -> int:
    """Curly quotes set in the 楷 face (its quotation marks are proportional, not full width)."""
    return sum(1 for row in found for c in row.chars if c["text"] in "“”‘’" and "WenKai" in c["fontname"])


def caption_rows(found: list[Row], size: float = 9.0) -> list[list[float]]:
    """Captions side by side: for each set of caption rows of a page that overlap vertically
    (within 40 pt) and not horizontally, the distinct first baselines."""
    captions = [r for r in found if abs(r.size - size) < 0.05 and any("WenKai" in c["fontname"] for c in r.chars)]
    pieces = []  # (page, baseline, x0, x1) for each run of a caption row separated by > 2 em
    for row in captions:
        start = row.chars[0]
        for a, b in zip(row.chars, row.chars[1:] + [None]):
            if b is None or b["x0"] - a["x1"] > 2 * size:
                pieces.append((row.page, row.baseline, start["x0"], a["x1"]))
                start = b
    groups: list[list[tuple]] = []
    for piece in pieces:
        group = next((g for g in groups if g[0][0] == piece[0] and abs(g[0][1] - piece[1]) < 40
                      and all(piece[2] > q[3] or piece[3] < q[2] for q in g)), None)
        (group.append(piece) if group else groups.append([piece]))
    return [sorted({round(p[1], 1) for p in g}) for g in groups if len(g) > 1]


def images(pdf_path: Path) -> list[dict]:
    """Each placed image: page, width in mm, its PDF filter and colour space."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for image in page.images:
                stream = image["stream"]
                found.append({"page": number, "width_mm": round(image["width"] / PT_PER_MM, 1),
                              "pixels": list(image["srcsize"]), "filter": str(stream.get("Filter")),
                              "colorspace": str(stream.get("ColorSpace"))})
    return found


def measure(pdf_path: Path) -> dict:
    found = rows(pdf_path)
    pitch = pitch_of(found)
    pairs, wide = punctuation_pairs(found, TYPE_AREA_TOP)
    head_pairs, head_wide = punctuation_pairs([r for r in found if r.baseline < TYPE_AREA_TOP])
    return {
        "pitch": pitch,
        "off-pitch steps": len(off_pitch_steps(found, pitch)),
        "on grid (pages 2…)": round(grid_share(found, pitch), 3),
        "loose gaps > 0.75 em": len(loose_gaps(found)),
        "gaps > 0.5 em": len(loose_gaps(found, 0.5)),
        "punctuation pairs": pairs,
        "pairs not compressed": len(wide),
        "running-head pairs not compressed": len(head_wide),
        "narrow 楷 quotes": narrow_kai_quotes(found),
        "staggered caption rows": sum(1 for g in caption_rows(found) if len(g) > 1),
        "images": images(pdf_path),
    }


def main(argv: list[str]) -> int:
    for name in argv:
        print(name, json.dumps(measure(Path(name)), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
