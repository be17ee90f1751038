"""Copy fitting (拼版): an issue that runs a few lines over a block of four pages is tightened
within the style's bounds instead of getting blank pages; the colophon sits at the foot of the
last page; every layout reports pages, blank pages and the lines to cut."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess

import pytest

from conftest import build_clean
from typeset.render import render_master
from typeset.resources import sample_issue_dir
from typeset.sources import load
from typeset.styles import load_style
from typeset.writers import BuildContext
from typeset.writers.copyfit import FitReport, fitted_style, line_pitch_px, tightened
from typeset.writers.makeup import Atom
from typeset.writers.layout import print_document

pytestmark = pytest.mark.slow
PT_PER_MM = 72 / 25.4
CHARS_PER_LINE = 40  # the default style on A4
FILLER = "协会组织会员单位开展学习交流活动，第{:03d}次座谈会反响良好。"  # shorter than a line


def padded_issue(root, lines: int):
    """The sample issue with ``lines`` one-line paragraphs added to its last news item."""
    folder = root / f"issue-{lines}"
    shutil.copytree(sample_issue_dir(), folder)
    (text,) = folder.glob("*.txt")
    extra = "\n".join(FILLER.format(k) for k in range(lines))
    text.write_text(text.read_text(encoding="utf-8").rstrip("\n") + "\n" + extra + "\n", encoding="utf-8")
    return folder


def lay_out(folder):
    ctx = BuildContext(render_master(load(folder).bulletin), folder)
    document = print_document(ctx)
    return document, ctx.shared["fit_report"]


@pytest.fixture(scope="module")
def eight_pages_full(tmp_path_factory):
    """How many filler lines make the sample end exactly at the foot of page 8, with its
    colophon: measured once from an issue that runs over."""
    root = tmp_path_factory.mktemp("calibrate")
    probe = 170
    _, report = lay_out(padded_issue(root, probe))
    assert report.spill_lines > 12 and report.blank >= 2, report  # runs well over page 8: not fitted
    full = probe - report.spill_lines
    # The spill is rounded up to whole lines (the colophon is not): one more line may still fit.
    _, one_more = lay_out(padded_issue(root, full + 1))
    return full + 1 if (one_more.pages, one_more.tightened) == (8, 0) else full


@pytest.mark.parametrize("over", [1, 4, 9])
def test_a_small_spill_is_fitted_with_at_most_one_blank_page(tmp_path, eight_pages_full, over):
    document, report = lay_out(padded_issue(tmp_path, eight_pages_full + over))
    assert abs(report.spill_lines - over) <= 1, report
    assert report.pages == len(document.pages) and report.pages % 4 == 0
    assert report.blank <= 1, report
    assert report.tightened > 0, report


def test_a_full_block_needs_no_fitting(tmp_path, eight_pages_full):
    document, report = lay_out(padded_issue(tmp_path, eight_pages_full - 2))
    assert dataclasses.replace(report, fill=()) == FitReport(8, 0, 0, 0.0, 0, 4)
    assert len(report.fill) == 8 and min(report.fill) > 0.9, report.fill
    assert report.note == "印刷版共 8 页，无空白页。"


def test_fitted_issue_keeps_every_line_and_puts_the_colophon_at_the_foot(tmp_path, eight_pages_full):
    folder = padded_issue(tmp_path, eight_pages_full + 6)
    result = build_clean(folder, tmp_path / "out", ["pdf"])
    pages = subprocess.run(["pdftotext", "-layout", str(result.files["pdf"]), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")[:-1]
    assert len(pages) == 8
    last = [line for line in pages[-1].splitlines() if line.strip()]
    assert "共印300份" in last[-2] and re.search(r"—\s*8\s*—", last[-1]), last[-3:]
    assert FILLER.format(eight_pages_full + 5) in pages[-1].replace(" ", "")
    assert all(page.strip() for page in pages), "no blank page"
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "8", "-l", "8", str(result.files["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(float(m.group(1)), m.group(2)) for m in re.finditer(r'yMax="([\d.]+)">([^<]*)</word>', bbox)]
    type_area_bottom = 297 * PT_PER_MM - 22 * PT_PER_MM
    print_run = next(y for y, text in words if "共印300份" in text)
    assert type_area_bottom - 15 < print_run < type_area_bottom, "the colophon stands at the foot of the type area"
    colophon_top = next(y for y, text in words if text.startswith("报："))
    body_bottom = max(y for y, text in words if y < colophon_top - 20)
    assert colophon_top - body_bottom > 3 * 17.85, "pushed down, well apart from the last text line"
    layout = subprocess.run(["pdftotext", "-bbox-layout", "-f", "2", "-l", "2", str(result.files["pdf"]), "-"],
                            capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>', layout, re.S)
    folio = re.compile(r">—</word>\s*<word[^>]*>\d+</word>\s*<word[^>]*>—<|>—\d+—<")
    # line_end = "half": a line-final mark's blank half hangs past the measure, so a line ends
    # where its last mark's ink half does (the widest box end is not the type area's edge)
    lines = [(float(a), float(b) - (HUNG if _ends_in_mark(words) else 0.0))
             for a, b, words in found if not folio.search(words)]  # not the folio
    left, right = min(x for x, _ in lines), max(end for _, end in lines)
    ragged = [k for k, (_, end) in enumerate(lines[:-1]) if end < right - 0.1 and lines[k + 1][0] < left + 15]
    assert len(lines) > 30 and ragged == [], "the tightened body is still justified: only a paragraph's last line is short"


HUNG = 10.5 / 2  # pt: the blank half of a full-width mark at the default body size
LINE_END_MARKS = "，。、；：？！”’」』）》〉】"


def _ends_in_mark(words: str) -> bool:
    texts = re.findall(r">([^<]*)</word>", words)
    return bool(texts) and texts[-1].strip()[-1:] in LINE_END_MARKS


def shortened_sample(root, lines: int):
    """The sample with ``lines`` lines' worth of characters cut from its longest paragraph."""
    folder = root / f"sample-cut-{lines}"
    shutil.copytree(sample_issue_dir(), folder)
    (text,) = folder.glob("*.txt")
    paragraphs = text.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(paragraphs)), key=lambda k: len(paragraphs[k]))
    kept = paragraphs[longest][: -lines * CHARS_PER_LINE - 1]
    paragraphs[longest] = kept + paragraphs[longest][-1]
    text.write_text("\n".join(paragraphs), encoding="utf-8")
    return folder


def trimmed_sample(root, lines: int):
    """The sample with its last ``lines`` lines of body text cut (whole last paragraphs, then
    the end of the one before), where the estimate counts them."""
    folder = root / f"sample-trim-{lines}"
    shutil.copytree(sample_issue_dir(), folder)
    (text,) = folder.glob("*.txt")
    paragraphs = text.read_text(encoding="utf-8").rstrip().split("\n")
    while lines > 0:
        last = paragraphs[-1]
        count = -(-(len(last) + 2) // CHARS_PER_LINE)  # indented by two characters
        assert count > 1 or lines == 0, "only body paragraphs are cut"
        if count <= lines:
            paragraphs.pop()
            lines -= count
        else:
            paragraphs[-1] = last[: -lines * CHARS_PER_LINE - 1] + last[-1]
            lines = 0
    text.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return folder


def test_cutting_the_announced_lines_of_the_sample_saves_four_pages(tmp_path):
    """The estimate counts lines cut from the end, where one line more always asks for one more:
    cut there, the announced lines save four pages and two fewer do not. On the baseline grid a
    cut earlier can need fewer (a page that ends a title's 3–4 lines short wins them back), never
    more: the sample's longest paragraph shortened by the announced lines saves them too."""
    _, report = lay_out(padded_issue(tmp_path, 0))  # the sample: four pages and 16 lines
    assert report.blank == 2 and report.tightened == 0 and report.spill_lines > 12, report
    assert 1 <= report.cut_lines < report.spill_lines, "the tightening absorbs the rest"
    assert report.note == (f"印刷版共 8 页，空白 2 页；2 页空白是为凑足 4 的倍数：可再删约 {report.cut_lines} 行省去 4 页，"
                           "或补充内容填满，或平订、双面打印时在 issue.toml 中写 pad_to = 2。")
    _, cut = lay_out(trimmed_sample(tmp_path, report.cut_lines))
    assert (cut.pages, cut.blank) == (4, 0) and cut.tightened > 0, cut
    if report.cut_lines > 2:
        _, fewer = lay_out(trimmed_sample(tmp_path, report.cut_lines - 2))
        assert fewer.pages == 8, fewer
    _, early = lay_out(shortened_sample(tmp_path, report.cut_lines))
    assert (early.pages, early.blank) == (4, 0), early


def test_cutting_the_announced_lines_of_a_long_spill_saves_four_pages(tmp_path, eight_pages_full):
    over = 20
    _, report = lay_out(padded_issue(tmp_path, eight_pages_full + over))
    assert report.pages == 12 and report.blank > 0 and abs(report.spill_lines - over) <= 1, report
    assert over - 12 <= report.cut_lines < over, report
    _, cut = lay_out(padded_issue(tmp_path, eight_pages_full + over - report.cut_lines))
    assert (cut.pages, cut.blank) == (8, 0), cut
    _, fewer = lay_out(padded_issue(tmp_path, eight_pages_full + over - report.cut_lines + 2))
    assert fewer.pages == 12, fewer


def test_fitted_style_stays_within_the_declared_bounds():
    style = load_style("default")
    assert fitted_style(style, 0).geometry("A4")["line_height"] == 1.7
    tight = fitted_style(style, 1.0)
    assert tight.geometry("A4")["line_height"] == 1.62
    assert tight.type["space_scale"] == 0.6
    assert fitted_style(style, 0.5).geometry("A4")["line_height"] == 1.66


def test_tightening_is_predicted_on_the_baseline_grid():
    """At the tightest level every grid block takes as many of the tighter pitch as it took of
    the normal one (a title 2, the masthead 3, the colophon 6), the one line of space above a
    title stays one line (lines(1) at space_scale 0.6), the colophon's two lines become
    lines(2 × 0.6) = 1, a figure's frame is its content rounded up again, a table is its rows
    at the new pitch and its rules, the block after it makes them up to whole pitches again
    (before: only body lines shrank and every space shrank by 0.6)."""
    style = load_style("default")
    pitch, tight = line_pitch_px(style), line_pitch_px(fitted_style(style, 1.0))

    class Element(dict):
        pass

    colophon, figure, table = Element(id="colophon"), Element({"class": "figure fh200"}), Element()
    flow = [Atom("line", 2 * pitch, pitch, None, 0, tag="h2"), Atom("line", pitch, 0.0, None, 0, tag="p"),
            Atom("line", 3 * pitch, 0.0, None, 0, tag="h1"),
            Atom("figure", 13 * pitch, 0.0, figure, 0, figure="f1", image=180.0),
            Atom("block", 4 * pitch + 2.5, pitch / 2, table, 0, tag="div"),
            Atom("block", 6 * pitch, 2 * pitch, colophon, 0, tag="footer")]
    result = tightened(flow, style, 1.0)
    assert [round(a.height / tight, 3) for a in result[:3]] == [2, 1, 3]
    assert [round(a.gap / tight, 3) for a in result] == [1, 0, 0, 0, 0.5, 1]
    content = 200 * 96 / 72
    assert round(result[3].height / tight, 3) == -(-(content + 0.9 * tight) // tight)
    smaller = tightened([dataclasses.replace(flow[3], height=11 * pitch)], style, 1.0)[0]  # scaled by placement
    assert round(smaller.height / tight, 3) == -(-(content - 2 * pitch + 0.9 * tight) // tight)
    assert round(result[4].height, 3) == round(4 * tight + 2.5, 3) and round(result[5].height / tight, 3) == 6
    after = tightened(flow[:5] + [Atom("line", pitch, (pitch - 2.5 - pitch / 2) + pitch, None, 0, tag="p"),
                                  Atom("line", pitch, 12.99, None, 0, tag="p")], style, 1.0)
    made_up = tight - 2.5 - tight / 2  # .table-end: the rules and the half-pitch top made up to a pitch
    assert round(after[5].gap, 2) == round(made_up + tight, 2) and after[6].gap == 12.99, "em-based space keeps its size"
