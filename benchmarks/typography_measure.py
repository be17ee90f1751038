"""Measure the Chinese typography of the print PDF: ragged lines, line-start/end
rules, lone last characters, the text layer, and the build time with and
without the WeasyPrint extension.

    .venv/bin/python benchmarks/typography_measure.py [--repeat 10] [--runs 3]

The functions are also used by ``tests/test_typography.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample"
SEED = SAMPLE / "000_ba500d8529fedb8f.txt"
WORD_JOINER = "\u2060"

#: Marks that must not start a line (closing punctuation and the extra rules).
NO_LINE_START = set("，。、；：？！）］｝】》〉」』〕〗〙〛”’·〃～—…")
#: Marks that must not end a line.
NO_LINE_END = set("（［｛【《〈「『〔〖〘〚“‘")
#: Full-width marks whose glyph may end ½ em inside the measure.
LINE_END_MARKS = set("，。、；：？！）］｝】》〉」』〕〗〙〛”’")

# The bundled macros' typography markup, and the plain forms the "stock" variant uses.
TEMPLATE_CHANGES = (
    ('<h3 class="heading" id="{{ b.id }}">{{ b.text }}</h3>',
     '<h3 class="heading" id="{{ b.id }}">{{ b.text|cjk(last=True) }}</h3>'),
    ('<p class="item" id="{{ b.id }}">{{ b.text }}</p>',
     '<p class="item" id="{{ b.id }}">{{ b.text|cjk(last=True) }}</p>'),
    ('<strong class="lead">{{ b.lead }}</strong>{{ b.body }}',
     '<strong class="lead">{{ b.lead|cjk }}</strong>{{ b.body|cjk(last=True) }}'),
    ('<p id="{{ b.id }}">{{ b.body }}</p>',
     '<p id="{{ b.id }}">{{ b.body|cjk(last=True) }}</p>'),
)


# --------------------------------------------------------------------------
# Issues to measure
# --------------------------------------------------------------------------

def make_issue(dest: Path, repeat: int = 1, markup: bool = True) -> Path:
    """A copy of the sample issue with its text ``repeat`` times; without ``markup`` the
    issue overrides the bundled macros with plain ones (no spans, no joiners)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE / "issue.toml", dest / "issue.toml")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    (dest / SEED.name).write_text("\n".join(lines * repeat) + "\n", encoding="utf-8")
    if not markup:
        macros = (ROOT / "templates" / "macros.html.j2").read_text(encoding="utf-8")
        for plain, marked in TEMPLATE_CHANGES:
            assert marked in macros, marked
            macros = macros.replace(marked, plain)
        (dest / "templates").mkdir(exist_ok=True)
        (dest / "templates" / "macros.html.j2").write_text(macros, encoding="utf-8")
    return dest


@contextlib.contextmanager
def extension(enabled: bool):
    """The WeasyPrint extension installed (or kept out) for the duration: the print layout
    installs it on every build, so "off" also makes that call a no-op."""
    import typeset.typography as typography

    was = typography.installed()
    install = typography.install
    if enabled:
        install()
    else:
        typography.uninstall()
        typography.install = lambda: None
    try:
        yield
    finally:
        typography.install = install
        (install if was else typography.uninstall)()


def build_pdf(issue: Path, out: Path, enabled: bool = True) -> tuple[Path, float]:
    """Build the print PDF; return its path and the seconds the build took."""
    from typeset.build import build

    with extension(enabled):
        start = time.perf_counter()
        result = build(issue, out, ["pdf"])
        return result.files["pdf"], time.perf_counter() - start


# --------------------------------------------------------------------------
# Reading the PDF back
# --------------------------------------------------------------------------

@dataclass
class Line:
    page: int
    top: float
    x0: float
    x1: float
    text: str
    size: float
    fonts: frozenset
    last_char_x1: float = 0.0


@dataclass
class Report:
    lines: int = 0
    continued: int = 0
    ragged: list = field(default_factory=list)
    bad_start: list = field(default_factory=list)
    bad_end: list = field(default_factory=list)
    lone: list = field(default_factory=list)
    shortfalls: list = field(default_factory=list)

    def summary(self) -> dict:
        short = sorted(self.shortfalls)
        return {
            "body lines": self.lines,
            "continued lines": self.continued,
            "ragged": len(self.ragged),
            "median shortfall pt": round(statistics.median(short), 3) if short else 0,
            "max shortfall pt": round(short[-1], 3) if short else 0,
            "bad line starts": len(self.bad_start),
            "bad line ends": len(self.bad_end),
            "lone last characters": len(self.lone),
        }


def body_lines(pdf_path: Path, size: float = 10.5) -> list[Line]:
    """Lines of body-size text (paragraphs, lead sentences, headings, items), in order."""
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c["text"] not in (WORD_JOINER, " ")
                     and abs(c["size"] - size) < 0.05 and 60 < c["top"] < page.height - 70]
            chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
            rows: dict[int, list] = {}
            for char in chars:
                key = next((k for k in rows if abs(k - char["top"]) < 3), None)
                rows.setdefault(char["top"] if key is None else key, []).append(char)
            for top in sorted(rows):
                row = sorted(rows[top], key=lambda c: c["x0"])
                lines.append(Line(number, top, row[0]["x0"], max(c["x1"] for c in row),
                                  "".join(c["text"] for c in row), size,
                                  frozenset(c["fontname"] for c in row), row[-1]["x1"]))
    return lines


def analyse(pdf_path: Path, paper: str = "A4", tolerance: float = 0.5, line_end: str | None = None) -> Report:
    """Check every body line of the PDF against the Chinese line rules.

    A line is *continued* when the next body line starts at the column's left
    edge (paragraphs start with a 2 em indent); it must end within
    ``tolerance`` of the column's right edge: a line-end mark's ink too (its blank half
    hangs past the edge, ``line_end = "half"``), or its blank half inside (``"full"``)."""
    from typeset.styles import load_style

    style = load_style("default")
    geo = style.geometry(paper)
    line_end = line_end or style.type.get("line_end", "half")
    measure = geo["measure_pt"]
    lines = body_lines(pdf_path)
    report = Report(lines=len(lines))
    em = geo["size_pt"]
    pitch = em * geo["line_height"]
    for index, line in enumerate(lines):
        left = geo["outer_pt"] if line.page % 2 == 0 else geo["inner_pt"]
        right = left + measure
        if line.text[0] in NO_LINE_START:
            report.bad_start.append(line)
        if line.text[-1] in NO_LINE_END:
            report.bad_end.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else None
        next_left = None
        if following is not None:
            next_left = geo["outer_pt"] if following.page % 2 == 0 else geo["inner_pt"]
        continued = (following is not None and abs(following.x0 - next_left) < 1.0
                     and abs(line.x0 - left) < 2.5 * em and _is_body(line) and _is_body(following)
                     and _adjacent(line, following, lines, pitch))
        if continued:
            report.continued += 1
            mark = line.text[-1] in LINE_END_MARKS
            allowed = tolerance + (em / 2 if mark and line_end == "full" else 0)
            # A hung mark (line_end = "half") ends its advance half an em past the measure.
            shortfall = right - line.x1 + (em / 2 if mark and line_end == "half" else 0)
            report.shortfalls.append(max(shortfall, 0))
            if shortfall > allowed or shortfall < -tolerance:
                report.ragged.append((line, round(shortfall, 2)))
        elif _is_body(line) and _letters(line.text) <= 1 and index > 0 \
                and _is_continuation(lines[index - 1], line, geo):
            report.lone.append(line)
    return report


def _is_body(line: Line) -> bool:
    """Paragraph text (serif body or kai lead), not headings, TOC or colophon."""
    return any("Serif" in f or "WenKai" in f for f in line.fonts) and not any("Sans" in f for f in line.fonts)


def _adjacent(line: Line, following: Line, lines: list[Line], pitch: float) -> bool:
    """``following`` is the next line of the same block: one line pitch lower on the same
    page, or the first body line of the next page after the last one of this page."""
    if following.page == line.page:
        return abs(following.top - line.top - pitch) < 0.3
    return following.page == line.page + 1


def _is_continuation(previous: Line, line: Line, geo) -> bool:
    left = geo["outer_pt"] if line.page % 2 == 0 else geo["inner_pt"]
    pitch = geo["size_pt"] * geo["line_height"]
    return abs(line.x0 - left) < 1.0 and _is_body(previous) and _adjacent(previous, line, [], pitch)


def _letter_chars(text: str) -> list[str]:
    import unicodedata
    return [ch for ch in text if unicodedata.category(ch)[0] in "LN"]


def _letters(text: str) -> int:
    return len(_letter_chars(text))


def _is_han(ch: str) -> bool:
    return 0x3400 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x3FFFF


def pdftotext(pdf_path: Path, raw: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(pdf_path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def stripped(text: str) -> str:
    return re.sub(r"\s+", "", text).replace(WORD_JOINER, "")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from typeset.typography import STATS

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for repeat in args.repeat:
            variants = {
                "stock": (make_issue(tmp / f"plain-x{repeat}", repeat, markup=False), False),
                "stock+markup": (make_issue(tmp / f"issue-x{repeat}", repeat), False),
                "extension": (make_issue(tmp / f"issue-x{repeat}", repeat), True),
            }
            times: dict[str, list[float]] = {label: [] for label in variants}
            reports = {}
            build_pdf(variants["stock"][0], tmp / "warm-up", False)  # imports, font caches
            for run in range(args.runs):  # interleaved, so drift hits every variant alike
                for label, (source, enabled) in variants.items():
                    STATS.reset()
                    pdf, seconds = build_pdf(source, tmp / f"out-{label}-{repeat}-{run}", enabled)
                    times[label].append(seconds)
                    reports[label] = (analyse(pdf), STATS.lines, STATS.capped)
            base = statistics.median(times["stock+markup"])
            for label, (report, lines, capped) in reports.items():
                median = statistics.median(times[label])
                print(f"x{repeat} {label}: median {median:.2f} s ({median / base - 1:+.0%} vs stock+markup) "
                      f"of {[round(t, 2) for t in times[label]]}")
                print("   ", report.summary(), f"| justified {lines} capped {capped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
