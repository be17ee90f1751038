"""The print shop's edition (``--press``): CMYK only, bleed and crop marks as a print shop's
preflight expects, reproducible; the archive built beside it carries neither bleed nor marks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pypdf
import pytest

from conftest import ROOT, build_clean
from typeset.resources import sample_issue_dir

pytestmark = pytest.mark.slow
PT_PER_MM = 72 / 25.4
A4 = (210 * PT_PER_MM, 297 * PT_PER_MM)
# A colour operator with its operands: RGB (rg/RG), grey (g/G), CMYK (k/K), or through a space (cs/CS).
COLOUR_OPS = re.compile(rb"(?<![\w/])((?:-?[\d.]+\s+){1,4})(rg|RG|g|G|k|K)(?!\w)|/(\w+)\s+(cs|CS)(?!\w)")


@pytest.fixture(scope="module")
def press(tmp_path_factory):
    out = tmp_path_factory.mktemp("press")
    return build_clean(None, out, ["pdf", "archive"], press=True)


@pytest.fixture(scope="module")
def press_reader(press):
    return pypdf.PdfReader(press.files["pdf"])


def content_streams(reader):
    """(where, decoded bytes) of every page's content and every form XObject it draws, nested."""
    def forms(resources, where):
        for name, ref in ((resources or {}).get("/XObject") or {}).items():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                yield f"{where}{name}", form.get_data()
                yield from forms(form.get("/Resources"), f"{where}{name}")

    for number, page in enumerate(reader.pages, start=1):
        yield f"page {number}", page.get_contents().get_data()
        yield from forms(page.get("/Resources"), f"page {number} ")


def colour_operators(reader) -> set[bytes]:
    found = set()
    for _, data in content_streams(reader):
        for match in COLOUR_OPS.finditer(data):
            found.add(match.group(2) or match.group(4))
    return found


def test_press_pdf_has_no_rgb_anywhere(press, press_reader):
    ops = colour_operators(press_reader)
    assert ops and not ops & {b"rg", b"RG", b"g", b"G"}, ops
    for where, data in content_streams(press_reader):
        spaces = {m.group(3) for m in COLOUR_OPS.finditer(data) if m.group(3)}
        resources = press_reader.pages[0]["/Resources"].get("/ColorSpace") or {}
        for space in spaces:
            assert space == b"DeviceCMYK" or str(resources.get("/" + space.decode())).find("RGB") < 0, (where, space)
    raw = press.files["pdf"].read_bytes()
    assert b"/DeviceRGB" not in raw and b"/CalRGB" not in raw
    for obj in _icc_streams(press_reader):
        assert obj["/N"] == 4, "only the CMYK output intent may carry an ICC profile"


def _icc_streams(reader):
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    yield intent.get_object()["/DestOutputProfile"].get_object()
    for page in reader.pages:
        for space in ((page["/Resources"].get("/ColorSpace") or {}).values()):
            space = space.get_object()
            if isinstance(space, list) and space and space[0] == "/ICCBased":
                yield space[1].get_object()


def test_press_colours_are_the_styles_cmyk_twins(press_reader):
    """The masthead red is the style's accent_cmyk (0 1 0.9 0.1), the text K 100."""
    first = b"".join(data for where, data in content_streams(press_reader) if where == "page 1")
    assert re.search(rb"\b0 1 0\.9 0\.1 (scn|k)\b", first), "masthead red"
    assert re.search(rb"\b0 0 0 1 (scn|k)\b", first), "black text"


def test_press_boxes_and_output_intent(press, press_reader):
    assert press.files["pdf"].name == "2014-05-印厂版.pdf"
    (intent,) = press_reader.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFX"
    assert intent.get_object()["/DestOutputProfile"].get_object()["/N"] == 4  # CMYK
    for page in press_reader.pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=0.05)
        for inner, outer, sign in zip(trim, bleed, (-1, -1, 1, 1)):
            assert outer - inner == pytest.approx(sign * 3 * PT_PER_MM, abs=0.05)
        for inner, outer, sign in zip(bleed, media, (-1, -1, 1, 1)):
            assert sign * (outer - inner) >= 5 * PT_PER_MM  # room for the marks


MARK = re.compile(rb"([-\d.]+) ([-\d.]+) m ([-\d.]+) ([-\d.]+) l S")


def test_crop_marks_start_at_the_bleed_edge_in_registration_colour(press_reader):
    for page in press_reader.pages:
        last = page["/Contents"][-1].get_object().get_data()
        assert b"1 1 1 1 K" in last
        trim = [float(v) for v in page.trimbox]
        marks = [tuple(float(v) for v in m.groups()) for m in MARK.finditer(last)]
        assert len(marks) == 8
        for x0, y0, x1, y1 in marks:
            length = abs(x1 - x0) + abs(y1 - y0)
            assert length >= 3 * PT_PER_MM
            start_gap = _outside_distance(x0, y0, trim)
            assert start_gap == pytest.approx(3 * PT_PER_MM, abs=0.01), (x0, y0)
            assert _outside_distance(x1, y1, trim) == pytest.approx(start_gap + length, abs=0.01)


def _outside_distance(x, y, trim):
    """How far a point on a trim line's extension lies outside the trim box."""
    left, bottom, right, top = trim
    return max(left - x, x - right, bottom - y, y - top)


def test_press_text_is_still_complete(press):
    text = subprocess.run(["pdftotext", str(press.files["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "两新党建" in text and "共印300份" in text


def test_archive_of_a_press_build_has_no_bleed_nor_marks(press):
    archive = pypdf.PdfReader(press.files["archive"])
    for page in archive.pages:
        media = [float(v) for v in page.mediabox]
        assert media == pytest.approx([0, 0, *A4], abs=0.05)
        for box in ("/BleedBox", "/TrimBox"):
            if box in page:
                assert [float(v) for v in page[box]] == pytest.approx(media, abs=0.05)
    assert b"1 1 1 1 K" not in b"".join(data for _, data in content_streams(archive))
    (intent,) = archive.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"  # sRGB, as PDF/A wants


BUILD = "import sys; from typeset.build import build; build(sys.argv[1], sys.argv[2], ['pdf'], press=True)"


def test_press_is_reproducible_across_processes_and_folders(tmp_path):
    outputs = []
    for name in ("一期", "another-place/2014-05"):
        folder = tmp_path / name
        shutil.copytree(sample_issue_dir(), folder)
        out = tmp_path / f"out-{len(outputs)}"
        subprocess.run([sys.executable, "-c", BUILD, str(folder), str(out)], check=True, cwd=ROOT)
        outputs.append((out / "2014-05-印厂版.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    reader = pypdf.PdfReader(tmp_path / "out-0" / "2014-05-印厂版.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    (document_id,) = re.findall(r"xmp\.did:([0-9a-f-]+)", xmp)
    first, _ = reader.trailer["/ID"]
    assert document_id.replace("-", "") == str(first)
