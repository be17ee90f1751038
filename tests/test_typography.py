"""Chinese typography of the print edition: markup (punctuation compression, word
joiners), inter-character justification in WeasyPrint, and the rules checked on
the PDF (pdfplumber character positions, pdftotext text layer)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from typeset.errors import EnvironmentProblem
from typeset.typography import justify
from typeset.typography.markup import WORD_JOINER, cjk, halt_marks

ROOT = Path(__file__).resolve().parent.parent
WJ = WORD_JOINER


def _measure_module():
    spec = importlib.util.spec_from_file_location("typography_measure", ROOT / "benchmarks" / "typography_measure.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tm = _measure_module()


@pytest.fixture(scope="module", autouse=True)
def _restore_extension_state():
    """Leave WeasyPrint as this module found it (installed or not)."""
    was = justify.installed()
    yield
    (justify.install if was else justify.uninstall)()


# --------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------

def halt(mark: str) -> str:
    return f'<span class="halt">{mark}</span>'


def test_cjk_escapes_and_returns_markup():
    out = cjk('a<b>&"c"')
    assert isinstance(out, Markup)
    assert out == "a&lt;b&gt;&amp;&#34;c&#34;"
    assert cjk("") == ""
    assert cjk("普通的一句话") == "普通的一句话"


@pytest.mark.parametrize("pair", ["”，", "。”", "）、", "》，", "：“", "”）", "。）"])
def test_closing_mark_before_mark_is_compressed(pair):
    assert cjk(f"甲{pair}乙") == f"甲{WJ}{halt(pair[0])}{pair[1]}乙"


@pytest.mark.parametrize("pair", ["（“", "《〈", "“《"])
def test_second_of_two_opening_marks_is_compressed(pair):
    assert cjk(f"甲{pair}乙") == f"甲{pair[0]}{halt(pair[1])}{WJ}乙"


def test_three_marks_compress_the_first_two():
    assert halt_marks("好。”）来") == {1, 2}
    assert halt_marks("（）") == halt_marks("“”") == set()  # an opening mark before a closing one: nothing to gain


def test_line_start_rules_get_word_joiners():
    assert cjk("他说——好") == f"他说{WJ}——好"
    assert cjk("等等……然后") == f"等等{WJ}……然后"
    assert cjk("马克思·恩格斯") == f"马克思{WJ}·{WJ}恩格斯"
    assert cjk("同上〃") == f"同上{WJ}〃"
    assert cjk("一～二") == f"一{WJ}～二"
    assert cjk("——开头") == "——开头"  # nothing before the first character
    assert cjk(f"已有{WJ}——") == f"已有{WJ}——"  # no double joiner


def test_last_run_glues_the_last_han_character():
    assert cjk("我们一起工作。", last=True) == f"我们一起工{WJ}作。"
    assert cjk("我们一起工作。") == "我们一起工作。"
    assert cjk("叫“好”。", last=True) == f"叫{WJ}“{WJ}好{WJ}{halt('”')}。"
    assert cjk("2014年", last=True) == f"2014{WJ}年"
    assert cjk("使用 Python。", last=True) == "使用 Python。"  # ends with a Latin word
    assert cjk("单 字", last=True) == "单 字"  # never across a space


def test_filter_in_an_autoescaping_template():
    env = jinja2.Environment(autoescape=True)
    env.filters["cjk"] = cjk
    template = env.from_string("<p>{{ a|cjk }}{{ b|cjk(last=True) }}</p>")
    assert template.render(a="<一>", b="好的。”，") == f"<p>&lt;一&gt;好{WJ}的{WJ}{halt('。')}{WJ}{halt('”')}，</p>"


# --------------------------------------------------------------------------
# Justification units
# --------------------------------------------------------------------------

def test_analyse_finds_opportunities_with_byte_offsets():
    runs, length = justify.analyse("中文 ab’s，x“引”")
    assert length == len("中文 ab’s，x“引”".encode())
    assert [(cls, count) for _, _, cls, count in runs] == [
        (justify.CJK, 2), (justify.SPACE, 1), (justify.LATIN, 2), (justify.LATIN, 1), (justify.CJK, 1),
        (justify.LATIN, 1), (justify.CJK, 3)]
    assert runs[0][:2] == (0, 6) and runs[1][:2] == (6, 7)
    # Dashes and ellipses are no opportunities; digits and Latin letters only the last resort.
    assert justify.weights("——……2014abc") == (0, 0, justify.NONE, justify.LATIN)
    assert justify.latin_letters("——……2014abc") == 7
    # A combining mark belongs to its base character.
    assert justify.weights("中\ufe00文") == (2, 0, justify.CJK, justify.CJK)


def test_stretch_goes_to_characters_then_spaces_then_letters():
    size = 10.0
    assert justify.stretches(2.0, 40, 0, 0, size) == (0.05, 0.05, 0.0)  # within the CJK cap
    cjk, space, latin = justify.stretches(25.0, 20, 2, 30, size)  # a Latin-heavy line, 2 spaces
    assert (cjk, space) == (pytest.approx(0.9), pytest.approx(2.0)) and latin == pytest.approx(3 / 30)
    assert 20 * cjk + 2 * space + 30 * latin == pytest.approx(25.0)
    cjk, space, latin = justify.stretches(60.0, 20, 2, 30, size)  # still short: the spaces take the rest
    assert latin == pytest.approx(0.6) and space == pytest.approx((60 - 18 - 18) / 2)
    assert justify.stretches(25.0, 20, 0, 30, size)[2] == pytest.approx(7 / 30)  # no spaces: letters


def test_split_spacing_follows_pango():
    assert justify.split_spacing(301) == (150, 151)
    assert justify.split_spacing(2048) == (1024, 1024)
    assert justify.split_spacing(3072) == (2048, 1024)  # whole pixels: the left half is rounded to a pixel
    assert justify.split_spacing(0) == (0, 0)


def test_install_is_idempotent_and_reversible():
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import inline

    justify.uninstall()
    stock_justify, stock_draw = inline.justify_line, draw_text.draw_first_line
    justify.install()
    patched = inline.justify_line, draw_text.draw_first_line
    justify.install()
    assert (inline.justify_line, draw_text.draw_first_line) == patched
    assert patched[1].__wrapped__ is stock_draw and patched[0].stock is stock_justify
    justify.uninstall()
    assert (inline.justify_line, draw_text.draw_first_line) == (stock_justify, stock_draw)
    justify.install()


def test_unknown_weasyprint_version_is_refused(monkeypatch):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(EnvironmentProblem, match="WeasyPrint 70.0"):
        justify.check_versions()


def test_old_pango_is_refused(monkeypatch):
    from weasyprint.text import ffi

    class OldPango:
        def __getattr__(self, name):
            return getattr(ffi.pango, name)

        def pango_version(self):
            return 14206

    monkeypatch.setattr(ffi, "pango", OldPango())
    with pytest.raises(EnvironmentProblem, match="Pango 1.44"):
        justify.check_versions()


# --------------------------------------------------------------------------
# A small document rendered with WeasyPrint
# --------------------------------------------------------------------------

LEFT, MEASURE = 87.0, 420.0  # 40 characters of 10.5 pt
SMALL_CSS = f"""
@page {{ size: A4; margin: 25mm 0 22mm {LEFT}pt; }}
body {{ font-family: "Noto Serif CJK SC"; font-size: 10.5pt; line-height: 1.7; text-align: justify;
        width: {MEASURE}pt; margin: 0; }}
p {{ margin: 0; text-indent: 2em; }}
.lead {{ font-family: "LXGW WenKai"; font-weight: bold; }}
.halt {{ font-feature-settings: "halt"; }}
.mark {{ display: inline-block; width: 0.45em; height: 0.45em; margin-right: 0.55em; background: red; }}
"""
PARAGRAPHS = [
    ("一是机构重组，流程重塑。", "对于集团原有的十二个部门进行了合并，撤销中层12人，同时改变以往干部职务任命制为竞聘制，"
     "建立能者上庸者下的人才激励机制，并用 WeasyPrint 和 Python 排出了“样张”，效果良好。"),
    ("", "开展以“化解危机、献计献策”为主题的学习讨论，邀请干部代表、党员代表、职工代表等各层次人员参加专题座谈会，"
     "听取他们的意见建议；开展“下基层、入车间、亲员工”调研活动——由党组织分成三个小组……下车间调研，现场听取员工意见建议。"),
    ("", "马克思·恩格斯的著作《共产党宣言》（1848年）说：“一个幽灵，共产主义的幽灵，在欧洲游荡。”"
     "这句话广为流传，几乎人人都知道，它的影响非常深远，直到今天仍然如此，大家都耳熟能详，值得一读再读。"),
]


def small_html(markup: bool = True) -> str:
    conv = cjk if markup else (lambda text, last=False: Markup.escape(text))
    paras = []
    for index, (lead, body) in enumerate(PARAGRAPHS):
        lead_html = f'<strong class="lead">{conv(lead)}</strong>' if lead else ""
        marker = '<span class="mark"></span>' if index == 1 else ""
        paras.append(f"<p>{marker}{lead_html}{conv(body, last=True)}</p>")
    return (f'<html lang="zh-CN"><head><meta charset="utf-8"><style>{SMALL_CSS}</style></head>'
            f"<body>{''.join(paras)}</body></html>")


def small_lines(pdf):
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        chars = [c for c in doc.pages[0].chars if c["text"] != WJ]
    rows = {}
    for char in chars:
        key = next((k for k in rows if abs(k - char["top"]) < 3), char["top"])
        rows.setdefault(key, []).append(char)
    return [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory):
    from weasyprint import HTML

    justify.install()
    justify.STATS.reset()
    path = tmp_path_factory.mktemp("small") / "small.pdf"
    document = HTML(string=small_html()).render()
    document.write_pdf(path)
    return path, document


def test_small_document_lines_are_flush(small_pdf):
    """Every line but a paragraph's last is flush right, except a line whose stretch
    reached the cap (here: the one before a long Latin word, counted as capped)."""
    pdf, _ = small_pdf
    lines = small_lines(pdf)
    cap = justify.MAX_STRETCH_EM * 10.5
    short = 0
    for index, row in enumerate(lines[:-1]):
        if lines[index + 1][0]["x0"] > LEFT + 10:
            continue  # the next line starts a paragraph: this one is a paragraph's last
        text = "".join(c["text"] for c in row)
        if abs(LEFT + MEASURE - row[-1]["x1"]) > 0.5:
            short += 1
            gaps = [b["x0"] - a["x1"] for a, b in zip(row, row[1:]) if justify.weights(a["text"] + b["text"])[0] == 2]
            assert sorted(gaps)[len(gaps) // 2] == pytest.approx(cap, abs=0.01), text
    assert short == justify.STATS.capped == 1
    assert justify.STATS.lines >= 4  # (a line of exactly 40 characters needs no stretch)


def test_small_document_text_layer_is_exact(small_pdf):
    pdf, _ = small_pdf
    text = tm.stripped(tm.pdftotext(pdf))
    raw = tm.stripped(tm.pdftotext(pdf, raw=True))
    expected = re.sub(r"\s+", "", "".join(lead + body for lead, body in PARAGRAPHS))
    assert text == expected
    assert raw == expected


def _word_gaps(rows, word):
    for row in rows:
        text = "".join(c["text"] for c in row)
        if word in text:
            chars = row[text.index(word):text.index(word) + len(word)]
            return [b["x0"] - a["x0"] for a, b in zip(chars, chars[1:])]
    raise AssertionError(word)


def test_latin_words_are_not_stretched(small_pdf, tmp_path):
    """Inside a Latin word the letters keep their natural advances (kerning included)."""
    from weasyprint import HTML

    pdf, _ = small_pdf
    html = small_html().split("<body>")[0] + '<body><p style="text-align: left">WeasyPrint Python</p></body></html>'
    HTML(string=html).write_pdf(tmp_path / "natural.pdf")
    natural = small_lines(tmp_path / "natural.pdf")
    for word in ("WeasyPrint", "Python"):
        assert _word_gaps(small_lines(pdf), word) == pytest.approx(_word_gaps(natural, word), abs=0.01)


def test_box_widths_match_what_pango_draws(small_pdf):
    """The widths the extension computes equal Pango's width of the stretched text."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import line_size

    _, document = small_pdf
    checked = 0

    def walk(box):
        nonlocal checked
        layout = getattr(box, "pango_layout", None)
        if isinstance(box, boxes.TextBox) and type(layout).__name__ == "InterCharacterLayout":
            layout.reactivate(box.style)
            line, _ = layout.get_first_line()
            width, _ = line_size(line, box.style)
            layout.deactivate()
            assert abs(width - box.width) < 0.01, (box.text, width, box.width)
            checked += 1
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    assert checked >= 8


def test_halt_takes_half_an_em(tmp_path):
    from weasyprint import HTML

    justify.install()
    html = small_html().split("<body>")[0] + f"<body><p>{cjk('他说：“好。”然后走了')}</p></body></html>"
    HTML(string=html).write_pdf(tmp_path / "halt.pdf")
    row = small_lines(tmp_path / "halt.pdf")[0]
    x = {c["text"]: c["x0"] for c in row}
    assert x["“"] - x["："] == pytest.approx(5.25, abs=0.05)
    assert x["”"] - x["。"] == pytest.approx(5.25, abs=0.05)
    assert x["然"] - x["”"] == pytest.approx(10.5, abs=0.05)


def test_stretch_is_capped_and_counted(tmp_path):
    """A line that can only be filled by stretching too far stays short."""
    from weasyprint import HTML

    justify.install()
    justify.STATS.reset()
    body = "中文" + "x" * 30 + "。" + "y" * 60
    html = small_html().split("<body>")[0] + f'<body><p style="word-break: normal">{cjk(body)}</p></body></html>'
    HTML(string=html).write_pdf(tmp_path / "cap.pdf")
    assert justify.STATS.capped >= 1
    assert tm.stripped(tm.pdftotext(tmp_path / "cap.pdf")) == body


# --------------------------------------------------------------------------
# The sample issue and an issue ten times longer
# --------------------------------------------------------------------------

@pytest.fixture(scope="module", params=[1, 10], ids=["sample", "sample-x10"])
def issue_pdf(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"issue-x{request.param}")
    issue = tm.make_issue(tmp / "issue", request.param)
    justify.STATS.reset()
    pdf, _ = tm.build_pdf(issue, tmp / "out", enabled=True)
    return issue, pdf, (justify.STATS.lines, justify.STATS.capped)


def test_issue_lines_follow_the_rules(issue_pdf):
    _, pdf, (justified, capped) = issue_pdf
    report = tm.analyse(pdf)
    assert report.continued > 80
    assert [(line.text, short) for line, short in report.ragged] == []
    assert [line.text for line in report.bad_start] == []
    assert [line.text for line in report.bad_end] == []
    assert [line.text for line in report.lone] == []
    assert justified >= report.continued
    assert capped == 0


def test_issue_text_layer_has_nothing_inserted(issue_pdf):
    from typeset.sources import load

    issue, pdf, _ = issue_pdf
    # Only the type area: running heads and folios interrupt paragraphs split over pages.
    area = ["-x", "0", "-y", "71", "-W", "600", "-H", "708"]
    for mode in ([], ["-raw"]):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", *mode, *area, str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        flat = tm.stripped(text)
        assert WJ not in text
        position = 0
        for block in load(issue).bulletin.blocks():
            expected = tm.stripped(block.text)
            found = flat.find(expected, position)
            assert found >= 0, (mode, block.id, expected[:30])
            position = found + len(expected)


# --------------------------------------------------------------------------
# CJK–Latin spacing (a style option)
# --------------------------------------------------------------------------

def test_latin_gap_markup_pads_words_not_digits():
    html = str(cjk("使用Python编程，2014年发布WPS与iPhone 6。", latin_gap=True))
    assert '使用<span class="gap-before gap-after">Python</span>编程' in html
    assert "，2014年发布" in html  # digits stay tight (GB practice)
    assert '<span class="gap-before">iPhone</span> 6' in html
    assert str(cjk("使用Python编程")) == "使用Python编程"  # off by default


def test_latin_gap_is_a_quarter_em_in_the_pdf(tmp_path):
    from weasyprint import HTML

    justify.install()
    css = SMALL_CSS + ".gap-before { padding-left: .25em } .gap-after { padding-right: .25em }"
    body = "".join(f"<p>{cjk(text, last=True, latin_gap=gap)}</p>" for text, gap in (("使用Python编程", False), ("使用Python编程", True)))
    HTML(string=f'<html lang="zh-CN"><style>{css}</style><body>{body}</body></html>').write_pdf(tmp_path / "gap.pdf")
    tight, spaced = small_lines(tmp_path / "gap.pdf")[:2]
    gap = lambda row, a, b: next(c["x0"] for c in row if c["text"] == b) - next(c["x1"] for c in row if c["text"] == a)  # noqa: E731
    assert gap(tight, "用", "P") == pytest.approx(0, abs=0.05)
    assert gap(spaced, "用", "P") == pytest.approx(10.5 / 4, abs=0.05)
    assert gap(spaced, "n", "编") == pytest.approx(10.5 / 4, abs=0.05)
    assert tm.stripped(tm.pdftotext(tmp_path / "gap.pdf")) == "使用Python编程使用Python编程"


# --------------------------------------------------------------------------
# Issue 22: constant leading, the baseline grid, punctuation everywhere and heading levels,
# measured on the sample, the picture bulletin (corpus) and a mixed text + Word + photo issue
# --------------------------------------------------------------------------

def _print_measure():
    spec = importlib.util.spec_from_file_location("print_measure", ROOT / "benchmarks" / "print_measure.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pm = _print_measure()
PICTURE_BULLETIN = Path("/work/shared/corpus/pictures")


def mixed_issue(folder: Path) -> Path:
    """The generated picture issue, the sample's text and a Word file in one folder."""
    import shutil

    from docx_maker import make_docx
    from picture_issue import make_issue

    make_issue(folder)
    shutil.copy(ROOT / "seeds" / "sample" / "000_ba500d8529fedb8f.txt", folder / "00-要闻.txt")
    make_docx(folder / "02-动态.docx")
    return folder


@pytest.fixture(scope="module", params=["sample", "pictures", "mixed"])
def print_rows(request, tmp_path_factory):
    from conftest import build_clean

    tmp = tmp_path_factory.mktemp(f"grid-{request.param}")
    if request.param == "sample":
        result = build_clean(None, tmp / "out", ["pdf"])
    elif request.param == "pictures":
        if not PICTURE_BULLETIN.is_dir():
            pytest.skip("the picture bulletin of the development corpus is not on this machine")
        # The corpus keeps its editors' half-width punctuation: built with --force, as they would.
        result = build_clean(PICTURE_BULLETIN, tmp / "out", ["pdf"], force=True,
                             allowed_warnings=("halfwidth", "半角", "图片", "picture"))
    else:
        result = build_clean(mixed_issue(tmp / "issue"), tmp / "out", ["pdf"],
                             allowed_warnings=("图片", "修订", "批注", "Word"))
    return pm.rows(result.files["pdf"])


def test_leading_is_constant_whatever_fonts_a_line_mixes(print_rows):
    """Before: the first line of each 楷 lead paragraph stepped 18.86 pt (18 / 15 / 19 steps)."""
    pitch = pm.pitch_of(print_rows)
    assert pitch == pytest.approx(10.5 * 1.7, abs=0.01)
    assert pm.off_pitch_steps(print_rows, pitch) == []


def test_body_lines_of_every_page_sit_on_one_grid(print_rows):
    """Before: 24 % (sample), 27 % (pictures), 10 % (mixed) of the lines on pages 2… on the grid."""
    assert pm.grid_share(print_rows, pm.pitch_of(print_rows)) >= 0.9


def test_no_loose_line(print_rows):
    assert pm.loose_gaps(print_rows, 0.75) == []


def test_every_pair_of_marks_is_compressed_outside_body_text_too(print_rows):
    """Titles, contents, news numbers and captions: before, 、“ took 2.0-2.1 em there."""
    pairs, wide = pm.punctuation_pairs(print_rows, pm.TYPE_AREA_TOP)
    assert pairs > 0 and wide == []
    assert pm.narrow_kai_quotes(print_rows) == 0


def test_a_closing_mark_before_a_title_is_compressed_across_elements():
    assert cjk("3、", after="“书记风采”") == f'3{halt("、")}'
    assert cjk("3、", after="书记") == "3、"


def _levels(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h([1-6])\b", html)]


def _never_skip(levels: list[int]) -> bool:
    return all(b <= a + 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.parametrize("text, expected", [
    ("☆ 标题\n（一）会员发展\n正文。\n（二）活动开展\n正文。\n", [1, 1]),
    ("☆ 标题\n一、总体\n（一）会员发展\n正文。\n二、下一步\n（一）计划\n", [1, 2, 1, 2]),
    ("☆ 标题\n（一）先写的\n一、总体\n（一）会员发展\n", [1, 1, 2]),
])
def test_heading_levels_never_skip_in_the_model(tmp_path, text, expected):
    from typeset.sources import load

    source = tmp_path / "01.txt"
    source.write_text(text, encoding="utf-8")
    levels = [b.level for b in load(source).bulletin.blocks() if b.kind == "heading"]
    assert levels == expected


def test_heading_levels_never_skip_in_html_and_epub(tmp_path):
    """（一） without 一、 was h4 straight after the h2 title (Nu, axe and Ace flag it)."""
    import zipfile

    from conftest import build_clean

    source = tmp_path / "01.txt"
    source.write_text("☆ 协会动态\n（一）会员发展\n正文一。\n（二）活动开展\n正文二。\n", encoding="utf-8")
    result = build_clean(source, tmp_path / "out", ["html", "epub"])
    html = result.files["html"].read_text(encoding="utf-8")
    assert _never_skip(_levels(html)) and "<h3" in html and "<h4" not in html
    with zipfile.ZipFile(result.files["epub"]) as book:
        chapters = [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml") and "nav" not in n]
    assert chapters and all(_never_skip(_levels(c)) for c in chapters)


def test_heading_levels_never_skip_from_word(tmp_path):
    import docx

    from typeset.sources import load

    document = docx.Document()
    for line in ("☆ 协会动态", "（一）会员发展", "正文一。", "（二）活动开展", "正文二。"):
        document.add_paragraph(line)
    folder = tmp_path / "issue"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "会刊"\nyear = 2026\nnumber = 1\ndate = 2026-01-01\npublisher = "秘书处"\n',
                                       encoding="utf-8")
    document.save(folder / "01-动态.docx")
    headings = [b for b in load(folder).bulletin.blocks() if b.kind == "heading"]
    assert headings and {b.level for b in headings} == {1}


# --------------------------------------------------------------------------
# Issue 22: addresses and commands in the Latin face, breaking only where an address may
# --------------------------------------------------------------------------

def test_addresses_break_only_after_their_separators():
    from typeset.typography.markup import BREAK

    out = str(cjk("获取：https://aosc.io/zh-cn/downloads。", last=True))
    url = re.search(r'<span class="url">(.*?)</span>', out).group(1)
    assert url.replace(BREAK, "").replace(WJ, "") == "https://aosc.io/zh-cn/downloads"
    assert [url[i - 1] for i, ch in enumerate(url) if ch == BREAK] == list(".//")
    assert "-" + WJ in url  # never a line ending in a hyphen that reads as added
    assert out.endswith("</span>。")
    mail = str(cjk("来信请寄 info@example.org。", last=True))
    assert f'<span class="url">info@example.{BREAK}org</span>' in mail
    assert BREAK not in str(cjk("见 https://a.cn/x。", joiners=False))  # EPUB: exact text


def test_a_command_line_is_set_whole_in_the_latin_face():
    assert cjk("oma install aosc-community-wallpapers", last=True) == \
        '<span class="code">oma install aosc-community-wallpapers</span>'
    assert "code" not in cjk("AOSC OS 发布", last=True)


def test_addresses_print_in_the_latin_face_and_copy_exactly(tmp_path):
    import pdfplumber

    from conftest import build_clean

    url = "https://github.com/AOSC-Dev/aosc-os-abbs/blob/stable/app-utils/mediawriter/spec"
    source = tmp_path / "01.txt"
    source.write_text("☆ 下载\n" + ("前往我社下载页面即可获取安装工具，地址是" + url + "，欢迎试用并反馈问题。") * 2
                      + "\noma install aosc-community-wallpapers-extras-2023\n", encoding="utf-8")
    pdf = build_clean(source, tmp_path / "out", ["pdf"]).files["pdf"]
    with pdfplumber.open(pdf) as document:
        fonts = {c["fontname"].split("+")[-1] for p in document.pages for c in p.chars if c["text"] in "/:"}
    assert fonts == {"DejaVu-Sans-Mono"}
    text = tm.stripped(tm.pdftotext(pdf))
    assert text.count(url) == 2 and "oma install" in tm.pdftotext(pdf)
    rows = pm.rows(pdf)
    assert pm.loose_gaps(rows, 0.5) == []
    assert not any(r.text.endswith("-") for r in rows)


@pytest.mark.parametrize("line_end", ["half", "full"])
def test_a_line_end_mark_hangs_its_blank_half_when_the_style_says_so(tmp_path, line_end):
    """clreq line adjustment: with line_end = "half" the ink of a line-ending ，。 is flush with
    the other lines (its blank half past the edge); "full" keeps the blank inside."""
    from weasyprint import HTML

    justify.install()
    css = SMALL_CSS + f"body {{ --line-end: {line_end}; }}"
    text = "会员单位认真贯彻落实会议精神结合实际，" * 8  # 19 characters: line 1 (38 em) ends in ，
    HTML(string=f'<html lang="zh-CN"><style>{css}</style><body><p>{cjk(text, last=True)}</p></body></html>').write_pdf(
        tmp_path / "end.pdf")
    ends = [row for row in small_lines(tmp_path / "end.pdf")[:-1] if row[-1]["text"] == "，"]
    assert ends
    for row in ends:
        ink_edge = row[-1]["x0"] + 10.5 / 2  # a comma's ink lies in its left half
        expected = LEFT + MEASURE if line_end == "half" else LEFT + MEASURE - 10.5 / 2
        assert ink_edge == pytest.approx(expected, abs=0.3)
