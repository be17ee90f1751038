"""Hostile inputs, generated (no large fixtures in git): each attack of issue 25 on a single
build, the Word reader, pictures, the sandbox, verify and volumes, with the clean refusal or
warning it must meet."""

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
    until the flipper has flipped 20 times."""
    leaked = read = done = 0
    while done < rounds or (flipper is not None and flipper.flips < 20 and done < 50 * rounds):
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
