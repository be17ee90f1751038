"""``huikan preview``: a local server showing the print edition, rebuilt on every save.

Driven from outside as an editor would: the command is started, its first line read, the page
and the PDF fetched, files edited, the page fetched again; and once in headless Chromium, where
the page must reload itself and keep its place. Times are measured in ``make bench``, not here."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from typeset.check import check_bulletin
from typeset.resources import sample_issue_dir
from typeset.sources import load

from conftest import ROOT, chromium_session

TOML = 'title = "协会通讯"\nyear = 2026\nnumber = 12\ndate = 2026-12-31\npublisher = "秘书处"\n'
TEXT = "☆ 本月工作\n协会召开理事会，总结全年工作。\n"
SETTLED = 180  # seconds a build may take on a loaded machine


class Running:
    """A ``huikan preview`` process and what it printed first."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = subprocess.Popen([sys.executable, "-m", "typeset", "preview", str(folder)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=dict(os.environ, PYTHONPATH=str(ROOT)))
        self.first_line = self.process.stdout.readline()
        self.url = self.first_line.strip()

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        port = int(self.url.rsplit(":", 1)[1].strip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SETTLED)
        connection.putrequest("GET", urllib.parse.quote(path, safe="/%"), skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()

    def version(self) -> int:
        return self.state()["version"]

    def state(self) -> dict:
        return json.loads(self.get("/version")[1])

    def next_version(self, after: int) -> int:
        deadline = time.monotonic() + SETTLED
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()
            if (version := self.version()) > after:
                return version
            time.sleep(0.05)
        raise AssertionError(f"no build after version {after}")

    def settled(self, after: int, quiet: float = 0.6) -> int:
        """The version once builds after ``after`` have stopped coming for ``quiet`` seconds (an
        edit of two files may be seen as two saves)."""
        version = self.next_version(after)
        while True:
            time.sleep(quiet)
            state = self.state()
            if state["version"] == version and not state["building"]:
                return version
            version = state["version"]

    def page(self) -> str:
        status, body = self.get("/")
        assert status == 200
        return body.decode()

    def problems(self) -> list[str]:
        return [re.sub(r"&quot;", '"', line) for line in re.findall(r'<li class="\w+">([^<]*)</li>', self.page())]

    def stop(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err


def listening_on(port: int) -> list[str]:
    """The addresses a TCP socket listens on at ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.append(".".join(str(b) for b in reversed(bytes.fromhex(address))) if len(address) == 8 else address)
    return found


@pytest.fixture
def tiny(tmp_path):
    folder = tmp_path / "2026年第12期"
    folder.mkdir()
    (folder / "issue.toml").write_text(TOML, encoding="utf-8")
    (folder / "01-工作交流.txt").write_text(TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def preview(tiny):
    running = Running(tiny)
    yield running
    if running.process.poll() is None:
        running.stop()


def test_serves_the_print_edition_fit_line_and_nothing_else(preview, tiny):
    assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/\n", preview.first_line), preview.first_line
    preview.next_version(0)
    page = preview.page()
    assert "印刷版共 4 页，空白 3 页" in page and page.count("<img src=\"/pages/1/") == 4
    assert preview.problems() == [], "the tiny issue is clean: no finding, no warning"
    status, pdf = preview.get("/issue.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    status, picture = preview.get("/pages/1/1.jpg")
    assert status == 200 and picture.startswith(b"\xff\xd8\xff")
    for path in ("/issue.toml", "/01-工作交流.txt", "/../issue.toml", "/%2e%2e/issue.toml", "/pages/", "/pages/1/5.jpg", "/pages/2/1.jpg", "/pages/1/1.png",
                 "/pages/1/../../issue.toml", "//etc/passwd", "/output/"):
        assert preview.get(path)[0] == 404, path
    assert preview.get("/", host="attacker.example:80")[0] == 403
    assert listening_on(int(preview.url.rsplit(":", 1)[1].strip("/"))) == ["127.0.0.1"]
    assert sorted(p.name for p in tiny.iterdir()) == ["01-工作交流.txt", "issue.toml"], "preview builds go elsewhere"


def test_every_save_rebuilds_and_mistakes_show_as_the_check_prints_them(preview, tiny):
    first = preview.next_version(0)
    section = tiny / "01-工作交流.txt"
    section.write_text(TEXT + "会议指出,要加强学习。\n", encoding="utf-8")
    preview.next_version(first)
    expected = [finding.labelled() for finding in check_bulletin(load(tiny).bulletin).findings]
    assert expected and preview.problems() == expected
    _, pdf = preview.get("/issue.pdf")

    (tiny / "issue.toml").write_text(TOML.replace("year = 2026", "year = 二〇二六"), encoding="utf-8")
    broken = preview.next_version(first + 1)
    problems = preview.problems()
    assert len(problems) == 1 and problems[0].startswith(f"错误：{tiny / 'issue.toml'}:2: "), problems
    assert preview.get("/issue.pdf") == (200, pdf), "the last good pages stay while the text has a mistake"

    (tiny / "issue.toml").write_text(TOML, encoding="utf-8")
    section.write_text(TEXT * 40, encoding="utf-8")
    preview.settled(broken)
    assert preview.problems() == [] and "印刷版共 8 页" in preview.page()
    assert preview.get("/issue.pdf")[1] != pdf


def test_a_new_picture_rebuilds_and_ctrl_c_ends_with_one_line(preview, tiny):
    from PIL import Image

    first = preview.next_version(0)
    Image.new("RGB", (1800, 1200), "#c33").save(tiny / "照片.png")
    (tiny / "01-工作交流.txt").write_text(TEXT + "【图】照片.png 理事会现场\n", encoding="utf-8")
    pictured = preview.settled(first)
    assert preview.problems() == [], preview.problems()
    _, red = preview.get("/issue.pdf")
    Image.new("RGB", (1800, 1200), "#33c").save(tiny / "照片.png")
    blue = preview.next_version(pictured)
    _, pdf = preview.get("/issue.pdf")
    assert pdf != red, "the new picture is in the new pages"
    (tiny / "照片.png").write_bytes(b"\x89PNG not really")
    preview.next_version(blue)
    problems = preview.problems()
    assert any(line.startswith("错误：01-工作交流.txt:3") and "无法读取" in line for line in problems), problems
    assert preview.get("/issue.pdf") == (200, pdf) and preview.process.poll() is None
    code, out, err = preview.stop()
    assert code == 0 and "Traceback" not in err and err.strip().splitlines()[-1] == "预览已结束。", err


def test_rebuilds_go_on_when_the_terminal_is_gone(tiny):
    """``huikan preview … 2>&1 | head -2``: once nobody reads its lines, saves still rebuild (a
    closed pipe used to end the watcher thread at the next line printed)."""
    running = Running(tiny)
    try:
        version = running.next_version(0)
        running.process.stderr.close()  # the reader of its lines is gone
        section = tiny / "01-工作交流.txt"
        for extra in ("协会走访会员单位。\n", "协会举办业务培训。\n"):
            time.sleep(0.3)  # a new modification time
            section.write_text(TEXT + extra, encoding="utf-8")
            version = running.settled(version)
        assert version >= 3 and running.process.poll() is None
    finally:
        running.process.kill()
        running.process.wait(timeout=30)


def test_no_issue_here_is_refused_as_build_refuses(tmp_path):
    process = subprocess.run([sys.executable, "-m", "typeset", "preview"], capture_output=True, text=True, cwd=tmp_path,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert process.returncode == 2 and "没有 issue.toml" in process.stderr and process.stdout == ""


# --- in a real browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    session = chromium_session()
    yield session
    session.quit()


def wait_for(browser, script, timeout=SETTLED):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.1).until(lambda b: b.execute_script(script))


def lines_to_cut(fit_line: str) -> int:
    match = re.search(r"再删约 (\d+) 行", fit_line)
    assert match, fit_line
    return int(match[1])


def test_the_page_reloads_itself_after_a_save_and_keeps_its_place(browser, tmp_path):
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    running = Running(folder)
    try:
        running.next_version(0)
        browser.get(running.url)
        wait_for(browser, "return document.images.length === 8 && [...document.images].every(i => i.complete && i.naturalWidth)")
        before = lines_to_cut(browser.find_element("css selector", ".fit").text)
        warnings = browser.execute_script("return [...document.querySelectorAll('.problems li')].map(li => li.textContent)")
        assert warnings and all(re.match(r"警告：000_ba500d8529fedb8f\.txt:\d+:\d+  ", line) for line in warnings), warnings
        browser.execute_script("window.scrollTo(0, 2500); window.notReloaded = true;")
        place = browser.execute_script("return scrollY")
        assert place > 2000
        text = folder / "000_ba500d8529fedb8f.txt"
        text.write_text(text.read_text(encoding="utf-8") + "\n会议强调，要把学习成果转化为工作成效。\n", encoding="utf-8")
        wait_for(browser, "return window.notReloaded === undefined && document.readyState === 'complete'")
        wait_for(browser, "return [...document.images].every(i => i.complete && i.naturalWidth) && scrollY > 0")
        assert lines_to_cut(browser.find_element("css selector", ".fit").text) == before + 1  # one line more to cut
        assert abs(browser.execute_script("return scrollY") - place) < 5
        assert browser.current_url == running.url
    finally:
        running.stop()
