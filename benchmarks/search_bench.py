"""The library search's speed and size: a query's time to results for a 12-issue year in
Chromium with the CPU throttled 4× (DevTools' Emulation.setCPUThrottlingRate, over HTTP and
from file://; target < 300 ms), and the index's size for 12 and 120 issues. The issues are the
sample and the two single-file fixtures in turn (their words repeat, so the bigram shards of 120
issues are a lower bound; the text shards grow with the text). Prints figures, asserts nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from typeset.library.archive import Settings  # noqa: E402
from typeset.library.catalog import IssueView  # noqa: E402
from typeset.library.pages import render_search, write_if_changed  # noqa: E402
from typeset.library.search import search_files  # noqa: E402
from typeset.resources import templates_dir  # noqa: E402
from typeset.sources import load  # noqa: E402

QUERIES = ("网格", "党建工作", "协会", "两新组织党建工作指导")
RUNS = 5


def sources():
    fixtures = ROOT / "tests" / "fixtures"
    return [load().bulletin, load(fixtures / "seed-gb18030-crlf.txt").bulletin]


def views(count: int) -> list[IssueView]:
    made, bases = [], sources()
    for k in range(count):
        base = bases[k % len(bases)]
        year, number = 2014 + k // 12, k % 12 + 1
        meta = dataclasses.replace(base.meta, year=year, number=number, date=dt.date(year, number, 28))
        made.append(IssueView(dataclasses.replace(base, meta=meta), (), None))
    return made


def write_site(site: Path, count: int) -> int:
    """The search page and its index for ``count`` issues; returns the index's bytes."""
    files = search_files(views(count))
    for name, text in files.items():
        write_if_changed(site, name, text.encode("utf-8"))
    write_if_changed(site, "search.html", render_search(Settings()).encode("utf-8"))
    for name in ("site.css", "search.js"):
        shutil.copy(templates_dir() / "library" / name, site / name)
    return sum(len(text.encode("utf-8")) for text in files.values())


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    session.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 4})
    return session


def time_to_results(session, url: str) -> tuple[float, float]:
    """Milliseconds to the results on screen: from navigation start (the page, its style and
    script included), and from search.js's start (the search alone)."""
    from selenium.webdriver.support.ui import WebDriverWait

    session.get(url)
    status = "document.getElementById('search-status').dataset"
    WebDriverWait(session, 30).until(lambda s: s.execute_script(f"return {status}.ms"))
    return tuple(float(x) for x in session.execute_script(f"return [{status}.ms, {status}.searchMs]"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for count in (12, 120):
            size = write_site(Path(tmp) / str(count), count)
            print(f"index for {count} issues: {size / 1024:.0f} KB")
        site = Path(tmp) / "12"
        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        session = browser()
        try:
            for where, base in (("http", f"http://127.0.0.1:{server.server_address[1]}/search.html"),
                                ("file", (site / "search.html").as_uri())):
                for query in QUERIES:
                    runs = [time_to_results(session, f"{base}?q={urllib.parse.quote(query)}") for _ in range(RUNS)]
                    page, alone = [r[0] for r in runs], [r[1] for r in runs]
                    print(f"{where:4} {query}: from navigation median {statistics.median(page):.0f} ms (worst "
                          f"{max(page):.0f}), search alone median {statistics.median(alone):.0f} ms (worst {max(alone):.0f}); CPU 4× slower")
        finally:
            session.quit()
            server.shutdown()


if __name__ == "__main__":
    main()
