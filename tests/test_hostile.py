"""Hostile inputs, generated (no large fixtures in git): each attack of issue 25 on a single
build (races on the issue folder), the Word reader, pictures, names and the sandbox, with the
clean refusal or warning each must meet. Archives (verify, volumes): test_hostile_archive.py."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from typeset.errors import TypesetError
from typeset.sources import load

SECRET = "机密外部文件内容"


class Flipper:
    """A thread swapping ``target`` between a regular file and a link to ``outside`` (atomic
    renames), as an attacker racing the build would."""

    def __init__(self, target: Path, inside_bytes: bytes, outside: Path, directory: bool = False):
        self.target, self.data, self.outside, self.directory = target, inside_bytes, outside, directory
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.flips = 0

    def run(self) -> None:
        if self.directory:
            return self._run_directory()
        spare = self.target.with_name(self.target.name + ".spare")
        while not self.stop.is_set():
            spare.write_bytes(self.data)
            os.replace(spare, self.target)
            time.sleep(0.0002)  # some reads find the file in place, even on a loaded machine
            spare.symlink_to(self.outside)
            os.replace(spare, self.target)
            self.flips += 1

    def _run_directory(self) -> None:
        real, link = self.target.with_name("real"), self.target.with_name("link")
        real.mkdir()
        (real / "p.png").write_bytes(self.data)
        link.symlink_to(self.outside)
        while not self.stop.is_set():
            for spare in (real, link):
                os.rename(spare, self.target)
                time.sleep(0.0002)  # some reads find it in place
                os.rename(self.target, spare)
            self.flips += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"☆ 外部\n{SECRET}\n", encoding="utf-8")
    return secret


@pytest.fixture(autouse=True)
def often_switching_threads():
    """Threads take turns every 10 µs (not 5 ms), so the flips land between check and read."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


def _reads(attempt, rounds: int = 400, flipper: Flipper | None = None) -> tuple[int, int]:
    """(outside reads, reads of the file itself) over at least ``rounds`` calls of ``attempt`` → bytes, and
    until the flipper has flipped 20 times and the file itself was read once."""
    leaked = read = done = 0
    while done < rounds or (flipper is not None and (flipper.flips < 20 or read == 0) and done < 50 * rounds):
        done += 1
        try:
            data = attempt()
        except TypesetError:
            continue
        leaked += SECRET.encode() in data
        read += SECRET.encode() not in data
    return leaked, read


def test_a_section_flipped_to_a_link_outside_is_never_read(issue_copy, outside):
    section = issue_copy / "05-竞态.txt"
    section.write_text("☆ 本期\n正文。\n", encoding="utf-8")
    texts = []

    def attempt() -> bytes:
        bulletin = load(issue_copy).bulletin
        texts.append(bulletin.sources[-2].text)
        return "".join(source.text for source in bulletin.sources).encode()

    with Flipper(section, "☆ 本期\n正文。\n".encode(), outside) as flipper:
        leaked, read = _reads(attempt, 150, flipper)
    assert flipper.flips >= 20
    assert leaked == 0
    assert read > 0  # some reads got the file itself


def test_issue_toml_flipped_to_a_link_outside_is_never_read(issue_copy, tmp_path):
    toml = issue_copy / "issue.toml"
    own = toml.read_bytes()
    outside = tmp_path / "elsewhere.toml"
    outside.write_bytes(own.replace(b'title = "', f'title = "{SECRET}'.encode(), 1))
    assert SECRET.encode() in outside.read_bytes()

    def attempt() -> bytes:
        return load(issue_copy).bulletin.meta.title.encode()

    with Flipper(toml, own, outside) as flipper:
        leaked, read = _reads(attempt, 400, flipper)
    assert flipper.flips >= 20 and leaked == 0 and read > 0


def test_a_picture_or_stylesheet_flipped_to_a_link_outside_is_never_read(tmp_path, outside):
    from typeset.figures.decode import picture_bytes
    from typeset.model import Origin, Picture
    from typeset.writers.fetcher import ConfinedFetcher, RefusedURL

    folder = tmp_path / "issue"
    folder.mkdir()
    target = folder / "p.png"
    picture, origin = Picture(source="p.png", caption=""), Origin(str(folder / "01.txt"), 3)
    with Flipper(target, b"inside picture", outside) as flipper:
        leaked, read = _reads(lambda: picture_bytes(picture, origin, str(folder)), flipper=flipper)
    assert flipper.flips >= 20 and leaked == 0 and read > 0

    fetcher = ConfinedFetcher([folder])

    def fetch() -> bytes:
        try:
            return fetcher.fetch(target.as_uri()).read()
        except RefusedURL as exc:
            raise TypesetError(str(exc)) from None

    with Flipper(target, b"p { color: red }", outside) as flipper:
        leaked, read = _reads(fetch, flipper=flipper)
    assert flipper.flips >= 20 and leaked == 0 and read > 0


def test_a_template_flipped_to_a_link_outside_is_never_rendered(tmp_path, outside):
    from typeset import sandbox

    folder = tmp_path / "issue"
    (folder / "templates").mkdir(parents=True)
    target = folder / "templates" / "t.html.j2"

    def attempt() -> bytes:
        env = sandbox.environment([folder / "templates"], folder)  # a fresh one: no cached template
        return sandbox.render(env, "t.html.j2").encode()

    with Flipper(target, "本期模板".encode(), outside) as flipper:
        leaked, read = _reads(attempt, 400, flipper)
    assert flipper.flips >= 20 and leaked == 0 and read > 0


def test_a_folder_on_the_way_flipped_to_a_link_outside_is_never_read(tmp_path, outside):
    from typeset.sources.confine import read_inside

    folder = tmp_path / "issue"
    folder.mkdir()
    (outside.parent / "p.png").write_bytes(SECRET.encode())
    with Flipper(folder / "imgs", b"inside", outside.parent, directory=True) as flipper:
        leaked, read = _reads(lambda: read_inside(folder / "imgs" / "p.png", folder), flipper=flipper)
    assert flipper.flips >= 20 and leaked == 0 and read > 0


def test_a_fifo_or_a_too_large_file_is_refused_without_reading_it(tmp_path):
    from typeset.sources.confine import Confinement, read_inside

    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(Confinement) as refused:
        read_inside(tmp_path / "pipe.txt", tmp_path)
    assert refused.value.kind == "special"
    with open(tmp_path / "big.bin", "wb") as handle:
        handle.truncate(3 * 1024 * 1024 * 1024)  # 3 GB, sparse: nothing is read of it
    with pytest.raises(Confinement) as refused:
        read_inside(tmp_path / "big.bin", tmp_path, limit=1024)
    assert refused.value.kind == "large"


# --- the sandbox: memory as well as time and output ---------------------------------------

def render_template(folder: Path, body: str) -> str:
    from typeset import sandbox

    (folder / "t.html.j2").write_text(body, encoding="utf-8")
    env = sandbox.environment([folder], folder)
    return sandbox.render(env, "t.html.j2")


@pytest.mark.parametrize("body", [
    "{% set s='x'*100000 %}{{ ([s]*60000)|join|length }}",  # the attack of issue 25: 6 GB
    "{% set s='x'*100000 %}{% set l=[s]*1000 %}{{ (l+l)|join|length }}",
    "{% set s='x'*100000 %}{{ (s ~ s)|replace('x', s)|length }}",
    "{% set s='x'*100000 %}{{ s.replace('x', s)|length }}",
    "{% set s='x'*100000 %}{{ ','.join([s]*1000 + [s]*1000)|length }}",
    "{% set s='\t'*100000 %}{{ s.expandtabs(100000)|length }}",
    "{% set s='x'*100000 %}{{ ('%s%s%s%s%s%s%s%s%s%s%s' % (s,s,s,s,s,s,s,s,s,s,s))|length }}",
])
def test_a_template_cannot_build_a_huge_value(tmp_path, monkeypatch, body):
    from typeset import sandbox
    from typeset.errors import StyleError

    monkeypatch.setattr(sandbox, "MAX_VALUE", 1_000_000)  # 1 M here stands for 100 M

    with pytest.raises(StyleError, match="t.html.j2.*(百万字|超过)"):
        render_template(tmp_path, body)


def test_a_template_doubling_a_string_is_stopped_by_its_memory(tmp_path, monkeypatch):
    """``~`` joins where no sandbox hook sees it: the watch on the process's growth stops it."""
    from typeset import sandbox
    from typeset.errors import StyleError

    monkeypatch.setattr(sandbox, "MAX_GROWTH", 300 * 1024 ** 2)
    body = "{% set ns = namespace(s='x' * 100000) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    with pytest.raises(StyleError, match="内存"):
        render_template(tmp_path, body)


def test_ordinary_templates_still_join_and_replace(tmp_path):
    body = "{{ ['甲', '乙']|join('、') }} {{ '会刊'|replace('会', '协会') }} {{ 'a' + 'b' }} {{ '%s期' % 3 }} {{ ','.join(['x', 'y']) }}"
    assert render_template(tmp_path, body) == "甲、乙 协会刊 ab 3期 x,y"


# --- Word: nesting, length, macros, linked pictures ----------------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def word_file(path: Path, body: str, extra: dict[str, bytes | str] | None = None) -> Path:
    """A minimal .docx whose body is ``body`` (WordprocessingML inside ``w:body``)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}</w:body></w:document>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def nested_tables(depth: int) -> str:
    inner = para("最里面的一段")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>{para('')}"
    return para("☆ 嵌套") + inner


NESTED = {
    "tables": lambda: nested_tables(47),
    "sdt": lambda: para("☆ 控件") + "<w:sdt><w:sdtContent>" * 3000 + para("正文") + "</w:sdtContent></w:sdt>" * 3000,
    "links": lambda: para("☆ 链接") + "<w:p>" + '<w:hyperlink w:anchor="x">' * 2000 + "<w:r><w:t>链接</w:t></w:r>" + "</w:hyperlink>" * 2000 + "</w:p>",
    "paragraphs": lambda: para("☆ 很长") + para("短段。") * 100_000,
}


@pytest.mark.parametrize("attack", sorted(NESTED))
def test_a_word_file_too_deep_or_too_long_is_one_line_naming_the_limit(tmp_path, attack):
    from typeset.errors import SourceError
    from typeset.sources import read_section
    from typeset.sources.docx_limits import MAX_DEPTH, MAX_PARAGRAPHS

    path = word_file(tmp_path / "01-栏目.docx", NESTED[attack]())
    with pytest.raises(SourceError) as refused:
        read_section(path, tmp_path)
    message = str(refused.value)
    assert "01-栏目.docx" in message and "\n" not in message
    assert str(MAX_PARAGRAPHS if attack == "paragraphs" else MAX_DEPTH) in message


def test_a_word_file_within_the_limits_still_reads(tmp_path):
    from typeset.sources import read_section

    path = word_file(tmp_path / "01-栏目.docx", nested_tables(5) + para("短段。") * 500)
    source, articles = read_section(path, tmp_path)
    assert source.text.count("短段。") == 500 and "最里面的一段" in source.text


def test_a_macro_part_is_announced(tmp_path, caplog):
    from typeset.sources import read_section

    path = word_file(tmp_path / "01-栏目.docx", para("☆ 宏") + para("正文。"), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    with caplog.at_level("WARNING", logger="typeset"):
        read_section(path, tmp_path)
    assert any("vbaProject.bin" in r.getMessage() and "01-栏目.docx" in r.getMessage() for r in caplog.records)


# --- pictures: extreme shapes ------------------------------------------------------------

@pytest.mark.parametrize("size, fmt", [((1, 20_000), "PNG"), ((3, 60_000), "JPEG"), ((20_000, 1), "PNG")])
def test_a_hair_thin_picture_is_refused_at_its_line(tmp_path, size, fmt):
    from PIL import Image

    from typeset.errors import SourceError
    from typeset.figures.decode import read_source
    from typeset.model import Origin, Picture

    Image.new("RGB", size, (200, 30, 30)).save(tmp_path / "thin.img", fmt)
    with pytest.raises(SourceError) as refused:
        read_source(Picture(source="thin.img", caption="", line=7), Origin("01.txt", 5), str(tmp_path))
    assert refused.value.line == 7 and "细长" in refused.value.message and "thin.img" in refused.value.message


def test_a_long_phone_screenshot_is_still_placed(tmp_path):
    from PIL import Image

    from typeset.figures.decode import read_source
    from typeset.figures.plan import place
    from typeset.model import Origin, Picture

    Image.new("RGB", (1080, 10_800), (30, 30, 200)).save(tmp_path / "long.png")
    source = read_source(Picture(source="long.png", caption=""), Origin("01.txt", 5), str(tmp_path))
    placed = place([source], 150.0, 200.0)[0]
    assert placed.width_mm > 5 and placed.dpi > 0


# --- names: terminal escapes and bidi controls ---------------------------------------------

@pytest.mark.parametrize("name", ["01-\x1b[31m红色.txt", "01-工作\u202etxt.交流.txt", "01-换\x0b行\x0c.txt"])
def test_a_section_name_with_unseen_characters_is_refused_and_shown_escaped(issue_copy, name):
    from typeset.errors import SourceError

    (issue_copy / name).write_text("☆ 标题\n正文。\n", encoding="utf-8")
    with pytest.raises(SourceError) as refused:
        load(issue_copy)
    line = str(refused.value)
    assert "重新命名" in line and "U+" in line


def test_capped_replace_and_join_keep_markup_unescaped(tmp_path):
    """Found by the copyfit tests: the capped ``replace`` once turned a ``Markup`` into text."""
    from typeset import sandbox

    (tmp_path / "m.html.j2").write_text("{{ '甲乙'|replace('乙', '<wbr>'|safe) }}|{{ ['<i>'|safe, '&']|join }}", encoding="utf-8")
    env = sandbox.environment([tmp_path], tmp_path, autoescape=True)
    assert sandbox.render(env, "m.html.j2") == "甲<wbr>|<i>&amp;"


# --- digests: streamed, never through a link, never waiting on a pipe -----------------------------

def test_the_recipe_of_an_issue_never_reads_a_huge_file_whole(tmp_path):
    """``huikan build`` in the editor's folder digests what the build reads: a 300 MB file in the
    issue's style/ (sparse) was read whole (3 GB → 3.2 GB RSS); now it is streamed, past the
    readers' limit not read at all."""
    import tracemalloc

    from typeset.recipe import recipe_of

    folder = tmp_path / "2020-01"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "会刊"\nyear = 2020\nnumber = 1\ndate = 2020-01-28\npublisher = "秘书处"\n', encoding="utf-8")
    (folder / "01-正文.txt").write_text("☆ 标题\n正文。\n", encoding="utf-8")
    (folder / "style").mkdir()
    with open(folder / "style" / "big.bin", "wb") as handle:
        handle.truncate(300 * 1024 * 1024)
    bulletin = load(folder).bulletin
    tracemalloc.start()
    try:
        first = recipe_of(bulletin)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, peak
    (folder / "style" / "big.bin").unlink()
    assert recipe_of(bulletin) != first


def test_a_digest_neither_follows_a_link_nor_waits_on_a_pipe(tmp_path):
    import hashlib
    import signal

    from typeset.sources.confine import digest_file

    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "link.png").symlink_to(tmp_path / "secret.txt")
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("digest_file waited on a pipe"))
    signal.alarm(5)
    try:
        piped, linked = hashlib.sha256(), hashlib.sha256()
        digest_file(piped, tmp_path / "pipe.png")
        digest_file(linked, tmp_path / "link.png")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert linked.hexdigest() != hashlib.sha256(SECRET.encode()).hexdigest()
