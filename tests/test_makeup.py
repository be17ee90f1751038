"""Page makeup (issue 21): no holes on picture issues, an honest fit line, and the full layouts a
build spends (counted, never timed)."""

from __future__ import annotations

import pytest

from conftest import SEED, build_clean
from tests.picture_issue import make_issue, make_mixed_issue
from typeset.writers.copyfit import FitReport
from typeset.writers.figures_layout import moved_markup
from typeset.writers.makeup import HOLE_SHARE

pytestmark = pytest.mark.slow
LINES_PER_PAGE = 39  # the default style on A4: 10.5 pt at 1.7, a type area of 250 mm


def holes(report: FitReport, text_pages: int) -> list[tuple[int, float]]:
    """(page, share short) of each page before the last page of text that ends short."""
    return [(page, round(1 - share, 3)) for page, share in enumerate(report.fill[: text_pages - 1], start=1)
            if 1 - share > HOLE_SHARE]


def text_pages(report: FitReport) -> int:
    """Pages up to the last one holding text (blank pages and the colophon's own page after it)."""
    return report.pages - report.blank - (1 if report.blank else 0)


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    return build_clean(make_mixed_issue(root / "issue"), root / "out", ["pdf"])


@pytest.fixture(scope="module")
def picture_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictures")
    return build_clean(make_issue(root / "issue"), root / "out", ["pdf"])


def test_the_mixed_issue_has_no_holes_in_two_layouts(mixed_build):
    """Word minutes with 4 photos, a table and a footnote; 5 photos and a QR group in text:
    measured before the compositor, page 2 ended 38 % short and page 5 9 %."""
    report = mixed_build.fit
    assert holes(report, text_pages(report)) == [], report
    assert mixed_build.layouts == 2, "one to measure, one with the figures placed"


def test_the_picture_issue_has_no_holes_in_two_layouts(picture_build):
    """Measured before: pages 2 and 3 ended 25 % and 21 % short."""
    report = picture_build.fit
    assert holes(report, text_pages(report)) == [], report
    assert picture_build.layouts == 2


def test_the_sample_is_laid_out_once_and_its_fit_line_offers_the_choices(tmp_path):
    result = build_clean(None, tmp_path, ["pdf"])
    report = result.fit
    assert result.layouts == 1, "the lines to cut come from arithmetic, not another layout"
    assert (report.pages, report.blank) == (8, 2)
    assert 1 <= report.cut_lines <= 8, report
    assert f"再删约 {report.cut_lines} 行" in result.pages and "pad_to = 2" in result.pages
    assert holes(report, text_pages(report)) == [], report


def test_a_single_long_file_is_tightened_in_one_more_layout_only_because_it_will_fit(tmp_path):
    """The sample ×10 in one file, with 22 one-line paragraphs more, runs 2 lines onto page 41
    (on the baseline grid the ×10 alone now ends on page 40): the compositor finds the gentlest
    level that brings it back, so the one extra layout is spent on a sure result (before: two
    tries that failed and a third layout to count the lines to cut, then 3 blank pages). On the
    grid a tighter pitch gains a whole line on every page at once (40 lines here, not 2): the
    text ends on page 39 and one blank page, no colophon in a single file, closes the block."""
    text = SEED.read_text(encoding="utf-8")
    source = tmp_path / "十倍.txt"
    filler = "".join(f"\n协会组织会员单位开展学习交流活动，第{k:03d}次座谈会反响良好。" for k in range(22))
    source.write_text("\n".join([text] * 10) + filler, encoding="utf-8")
    result = build_clean(source, tmp_path / "out", ["pdf"])
    report = result.fit
    assert result.layouts == 2, result.pages
    assert report.spill_lines == 2 and 0 < report.tightened < 0.5, report
    assert (report.pages, report.blank, report.cut_lines) == (40, 1, 0), report
    assert len(report.fill) == report.pages and report.fill[-1] == 0.0 and report.fill[-2] > 0.5, report.fill


def test_every_near_empty_page_is_named_with_what_to_do():
    report = FitReport(8, 0, fill=(1.0,) * 6 + (0.03, 1.0), short=((7, 1, "会议要求各理事单位于九月底前将意见书面反馈秘书处。"),))
    assert report.note == ("印刷版共 8 页，无空白页；第 7 页只有 1 行：“会议要求各理事单位于九月……”，"
                           "删去约 1 行可省去这一页，或补充内容填满它。")


def test_two_blank_pages_come_with_the_choices():
    note = FitReport(8, 2, 16, 0.0, 5, 4).note
    assert note == ("印刷版共 8 页，空白 2 页；2 页空白是为凑足 4 的倍数：可再删约 5 行省去 4 页，或补充内容填满，"
                    "或平订、双面打印时在 issue.toml 中写 pad_to = 2。")
    assert FitReport(8, 1, 3, 0.0, 3, 4).note == "印刷版共 8 页，空白 1 页；再删约 3 行可减少 4 页。"


def test_the_fit_line_names_a_last_page_of_few_lines(mixed_build, tmp_path):
    """Every page holding 4 lines or fewer is in the fit line, as measured from the pages."""
    for page, share in enumerate(mixed_build.fit.fill, start=1):
        few = 0 < round(share * LINES_PER_PAGE) <= 4
        assert few == any(number == page for number, *_ in mixed_build.fit.short), (page, share)


def test_a_figure_moves_before_the_paragraph_that_precedes_it():
    html = ('<article><h2>题</h2>\n<p id="b1">甲</p>\n<p id="b2">乙<em>丙</em></p>\n'
            '<figure class="figure" id="b3"><img></figure>\n<p id="b4">丁</p></article>')
    once = moved_markup(html, "b3", -1)
    assert once.index('id="b1"') < once.index('id="b3"') < once.index('id="b2"') < once.index('id="b4"')
    twice = moved_markup(html, "b3", -2)
    assert twice.index('id="b3"') < twice.index('id="b1"')
    assert moved_markup(html, "b3", -3) == html, "never past the title"
    after = moved_markup(html, "b3", 1)
    assert after.index('id="b4"') < after.index('id="b3"')


def test_a_build_loads_the_style_once(tmp_path, issue_copy, monkeypatch):
    import typeset.styles as styles

    loads = []
    original = styles._extends_chain
    monkeypatch.setattr(styles, "_extends_chain", lambda name: loads.append(name) or original(name))
    result = build_clean(issue_copy, tmp_path / "out", ["pdf"])
    assert loads == ["default"]
    loads.clear()
    build_clean(SEED, tmp_path / "single", ["pdf"], style=result.style)  # a text file: no issue.toml to check
    assert loads == [], "a warm caller's style is used as it is"
