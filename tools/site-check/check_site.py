"""``make check-site``: the members' library as browsers and validators see it.

Builds a small library (the sample, a two-article text issue, the picture issue of the tests),
serves it on loopback and checks every published page with the pinned tools of this folder:

- the Nu Html Checker (vnu-jar): 0 errors on every HTML page and the stylesheet;
- axe-core, injected by Selenium into Debian's Chromium: 0 violations at 1280 and 375 px;
- Lighthouse (mobile, simulated throttling): performance >= 95, accessibility and best
  practices 100, SEO >= 95 on the front page, the text issue and the picture issue.

Prints every score and finding; exits 1 when a check fails. Usage:
    python tools/site-check/check_site.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES = HERE / "node_modules"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-default-apps", "--mute-audio"]
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}
WIDTHS = (1280, 375)

sys.path.insert(0, str(ROOT))


def make_archive(root: Path) -> Path:
    """The sample (with its 版记), a text issue cut from it, and the tests' picture issue."""
    from tests.library_archive import issue_toml, sample_articles, write_issue
    from tests.picture_issue import make_issue
    from typeset.resources import sample_issue_dir

    shutil.copytree(sample_issue_dir(), root / "2014-05")
    articles = sample_articles()
    write_issue(root / "2014-06", issue_toml(2014, 6, 6, 11), {"01-工作交流.txt": articles[0], "02-协会动态.txt": articles[3]})
    make_issue(root / "2026-03")
    (root / "library.toml").write_text('title = "两新党建文库"\ndescription = "杭州市两新党务工作者协会历年会刊：'
                                       '在线阅读、下载电子书、全文检索。"\n', encoding="utf-8")
    return root


def build_site(work: Path) -> Path:
    from typeset.library import build_library

    site = work / "site"
    result = build_library(make_archive(work / "archive"), site, workers=2)
    if result.failures or result.warnings:
        raise SystemExit(f"the library did not build cleanly: {result.failures} {result.warnings}")
    return site


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a browser that drops a request it no longer needs (Lighthouse does)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def vnu(site: Path) -> list[str]:
    """The Nu Html Checker's errors (warnings and notes are printed by nobody)."""
    jar = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    files = [str(site / page) for page in pages(site)] + [str(site / "site.css")]
    done = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--also-check-css", *files],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine', '')}: {m['message']}"
            for m in messages if m["type"] == "error"]


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def axe(base: str, site: Path) -> list[str]:
    """axe-core's violations on every page (and a search with results) at each width."""
    script = (MODULES / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    found = []
    session = browser()
    try:
        session.set_script_timeout(60)
        for width in WIDTHS:
            session.set_window_size(width, 900)
            for page in pages(site) + ["search.html?q=%E5%8D%8F%E4%BC%9A"]:
                session.get(base + page)
                session.execute_script(script)
                result = session.execute_async_script(
                    "axe.run(document, {resultTypes: ['violations']}).then(r => arguments[0](r.violations))")
                found += [f"{page} @{width}px: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes)" for v in result]
    finally:
        session.quit()
    return found


def lighthouse(url: str, out: Path) -> dict[str, int]:
    """Lighthouse's four category scores (mobile, its default throttling)."""
    cli = MODULES / "lighthouse" / "cli" / "index.js"
    command = ["node", str(cli), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility,best-practices,seo",
               f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text(encoding="utf-8"))
    return {name: round(category["score"] * 100) for name, category in report["categories"].items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the site here and keep it")
    args = parser.parse_args()
    if not (MODULES / "lighthouse").is_dir():
        print("tools/site-check is not installed: run make check-site (npm ci --ignore-scripts)")
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="huikan-site-check-"))
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
    site = build_site(work)
    server, base = serve(site)
    failures = 0
    try:
        errors = vnu(site)
        print(f"Nu Html Checker: {len(errors)} errors in {len(pages(site))} pages and site.css", *errors, sep="\n  ")
        violations = axe(base, site)
        print(f"axe-core: {len(violations)} violations at {' and '.join(f'{w} px' for w in WIDTHS)}", *violations, sep="\n  ")
        failures += len(errors) + len(violations)
        for page in ("index.html", "2014-06/index.html", "2026-03/index.html"):
            scores = lighthouse(base + page, work / f"lighthouse-{page.replace('/', '-')}.json")
            low = {name: score for name, score in scores.items() if score < MINIMUM[name]}
            failures += len(low)
            print(f"Lighthouse {page}: " + ", ".join(f"{name} {score}" for name, score in scores.items()) +
                  (f"  BELOW {low}" if low else ""))
        size = sum(p.stat().st_size for p in (site / "2026-03").glob("index.html"))
        print(f"picture issue page: {size / 1024:.0f} KB of HTML")
    finally:
        server.shutdown()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("check-site: " + ("passed" if not failures else f"{failures} failed checks"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
