"""Hostile archives, generated (no large fixtures in git): what ``verify`` and the annual
volumes meet from a damaged or hostile site (issue 25): inflate bombs, a zip directory pointing
many entries at one member, a missing or rewritten manifest, damaged issue PDFs, mixed paper."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

# --- verify: bombs, a missing manifest, the manifest's own digest -------------------------

def bomb_pdf(path: Path, inflated: int) -> Path:
    """A one-page PDF whose page content is ``inflated`` zero bytes, Flate-compressed (~1/1000)."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = StreamObject()
    stream._data = zlib.compress(b"\0" * inflated, 9)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def test_verify_bounds_every_inflate_and_calls_a_bomb_damaged(tmp_path, monkeypatch):
    from typeset.library import inflate
    from typeset.library.verify import verify

    monkeypatch.setattr(inflate, "MAX_STREAM", 8 * 1024 * 1024)  # 8 MB here stands for 256 MB
    bomb = bomb_pdf(tmp_path / "bomb.pdf", 20 * 1024 * 1024)
    problems = verify(bomb).problems
    assert [p.kind for p in problems] == ["damaged"] and "超过 8 MB" in problems[0].detail
    assert verify(bomb_pdf(tmp_path / "fine.pdf", 1024 * 1024)).ok


def test_verify_refuses_an_epub_whose_directory_points_many_entries_at_one_member(tmp_path):
    import zipfile

    from typeset.library.verify import verify

    path = tmp_path / "bomb.epub"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        book.writestr("META-INF/container.xml", "<container/>")
        book.writestr("big.bin", b"\0" * (4 * 1024 * 1024), compress_type=zipfile.ZIP_DEFLATED)
        member = book.getinfo("big.bin")
        for k in range(3000):  # the same local entry listed again and again
            twin = zipfile.ZipInfo(f"copy{k}.bin")
            for name in ("header_offset", "compress_type", "compress_size", "file_size", "CRC", "flag_bits"):
                setattr(twin, name, getattr(member, name))
            book.filelist.append(twin)
    assert path.stat().st_size < 400_000
    problems = verify(path).problems
    assert [p.kind for p in problems] == ["damaged"] and "同一段数据" in problems[0].detail


def site_with_manifest(tmp_path: Path, names: list[str]) -> Path:
    from typeset.library.fixity import MANIFEST, manifest_text

    site = tmp_path / "site"
    site.mkdir()
    for name in names:
        (site / name).write_text(f"页面 {name}\n", encoding="utf-8")
    (site / MANIFEST).write_text(manifest_text(site, names), encoding="utf-8")
    return site


def test_a_folder_without_manifest_or_state_is_never_called_intact(tmp_path, capsys, monkeypatch):
    from typeset.cli import main

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["huikan", "verify", str(site)])
    with pytest.raises(SystemExit) as exit_:
        main()
    captured = capsys.readouterr()
    assert exit_.value.code == 1 and "完好" not in captured.out + captured.err
    assert "缺少：manifest-sha256.txt" in captured.err and "无法核对" in captured.err


def test_the_manifest_digest_is_printed_and_checked_with_expect(tmp_path, capsys, monkeypatch):
    import hashlib

    from typeset.library.fixity import MANIFEST

    site = site_with_manifest(tmp_path, ["index.html", "feed.xml"])
    digest = hashlib.sha256((site / MANIFEST).read_bytes()).hexdigest()

    def run(*args) -> tuple[int, str, str]:
        return run_cli(monkeypatch, capsys, "verify", site, *args)

    code, out, _ = run()
    assert code == 0 and out.startswith("完好：") and digest in out
    assert run("--expect", digest)[0] == 0
    # the attack the digest answers: a file changed and the manifest edited to match it
    (site / "index.html").write_text("<p>篡改</p>", encoding="utf-8")
    from typeset.library.fixity import manifest_text
    (site / MANIFEST).write_text(manifest_text(site, ["index.html", "feed.xml"]), encoding="utf-8")
    assert run()[0] == 0  # the manifest alone cannot tell
    code, _, err = run("--expect", digest)
    assert code == 1 and "已改动：manifest-sha256.txt" in err and "清单摘要" in err


def test_sha256sum_checks_names_with_percent_and_backslash(tmp_path):
    import subprocess

    from typeset.library.fixity import MANIFEST, read_manifest

    names = ["50%会刊2020年合订本.pdf", "a\\b.html", "plain.html"]
    site = site_with_manifest(tmp_path, names)
    done = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(read_manifest(site / MANIFEST)) == sorted(names)


# --- volumes: damaged issue PDFs, mixed paper sizes, the 刊名 -----------------------------

def fake_view(pdf: str, title: str = "会刊", number: int = 1):
    from types import SimpleNamespace

    meta = SimpleNamespace(title=title, publisher="协会", year=2020, number=number)
    return SimpleNamespace(meta=meta, download=lambda kind: SimpleNamespace(path=pdf))


@pytest.mark.parametrize("make", ["empty", "bomb"])
def test_a_zero_page_or_bomb_issue_pdf_is_one_line_of_damage(tmp_path, make):
    from pypdf import PdfWriter

    from typeset.errors import OutputError
    from typeset.library.volume import bind_year

    if make == "empty":
        with open(tmp_path / "2020-01.pdf", "wb") as handle:
            PdfWriter().write(handle)
    else:
        bomb_pdf(tmp_path / "2020-01.pdf", 100 * 1024 * 1024)  # past pypdf's 75 MB per stream
    with pytest.raises(OutputError) as refused:
        bind_year(tmp_path, 2020, [fake_view("2020-01.pdf")])
    message = str(refused.value)
    assert "2020-01.pdf" in message and "已损坏" in message and "\n" not in message


def test_the_volume_takes_the_common_title_not_the_last_issues():
    from typeset.library.volume import volume_title

    views = [fake_view("x", "两新党建", k) for k in range(1, 12)] + [fake_view("x", "两新党建（特刊）", 12)]
    assert volume_title(views) == "两新党建"
    assert volume_title([fake_view("x", "甲", 1), fake_view("x", "乙", 2)]) == "乙"  # a tie: the latest


def test_a_stamp_is_centred_on_a_page_of_another_size(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    from typeset.library.volume import stamp

    stamp_pdf = HTML(string='<style>@page { size: 420pt 595pt; margin: 0 0 16mm 0; '
                     '@bottom-center { content: "合订本第 1 页"; font-size: 8pt } }</style><p></p>').write_pdf()
    stamps = PdfReader(io.BytesIO(stamp_pdf))
    writer = PdfWriter()
    page = writer.add_blank_page(842, 595)  # an A4 landscape page in an A5 issue
    stamp(page, stamps.pages[0])
    xs = []
    page.extract_text(visitor_text=lambda text, cm, tm, *rest: xs.append(cm[4] + tm[4]) if text.strip() else None)
    assert xs and abs((min(xs) + max(xs)) / 2 - 421) < 40  # the number's run, about the page's centre

def test_verify_shows_a_control_character_in_a_file_name_escaped(tmp_path, capsys, monkeypatch):
    from typeset.cli import main

    site = site_with_manifest(tmp_path, ["index.html"])
    (site / "坏\x0b名\x0c\x1b[2J.html").write_text("x", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["huikan", "verify", str(site)])
    with pytest.raises(SystemExit):
        main()
    err = capsys.readouterr().err
    assert "清单外的文件：坏\\x0b名\\x0c\\x1b[2J.html" in err
    assert not any(ch in err for ch in "\x0b\x0c\x1b")

def test_an_issue_pdf_failing_while_it_is_bound_is_one_line_not_exit_70(monkeypatch):
    from types import SimpleNamespace

    from pypdf.errors import LimitReachedError

    from typeset.errors import OutputError
    from typeset.library import volume

    def burst(*args):
        raise LimitReachedError("limit reached")

    monkeypatch.setattr(volume, "volume_pages", lambda v: (b"", 0, 0))
    monkeypatch.setattr(volume, "assemble", burst)
    with pytest.raises(OutputError, match="2020年合订本无法装订.*LimitReachedError"):
        volume.bind(SimpleNamespace(year=2020), {})
