"""The live preview's speed target: from saving a file of the sample to the new print PDF being
served at /issue.pdf, ≤ 2 s. Starts `huikan preview` on a copy of the sample, saves a section
file (a line added) and issue.toml (the serial changed) in turn, and times each save until
/issue.pdf answers with the new PDF; beside it one cold `huikan build -f pdf` (what each look
cost before). Wall time, fresh processes; prints figures and asserts nothing."""

from __future__ import annotations

import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample"
HUIKAN = [sys.executable, "-m", "typeset"]
SAVES = 6
TARGET = 2.0


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as answer:
        return answer.read()


def version(url: str) -> int:
    return json.loads(fetch(url + "version"))["version"]


def wait_for_new_pdf(url: str, after: int, old: bytes) -> bytes:
    while version(url) <= after:
        time.sleep(0.01)
    pdf = fetch(url + "issue.pdf")
    if pdf == old:
        raise SystemExit("preview: the PDF did not change after a save")
    return pdf


def save(folder: Path, turn: int) -> None:
    if turn % 2:
        toml = folder / "issue.toml"
        text = re.sub(r"(?m)^serial = (\d+)", lambda m: f"serial = {int(m.group(1)) + 1}", toml.read_text(encoding="utf-8"))
        toml.write_text(text, encoding="utf-8")
    else:
        text = next(folder.glob("*.txt"))
        text.write_text(text.read_text(encoding="utf-8") + f"\n会议强调，第{turn + 1}项工作要抓好落实。\n", encoding="utf-8")


def saves(folder: Path) -> tuple[float, list[float]]:
    process = subprocess.Popen([*HUIKAN, "preview", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().strip()
        started = time.perf_counter()
        while version(url) < 1:
            time.sleep(0.02)
        first = time.perf_counter() - started
        pdf, times, shown = fetch(url + "issue.pdf"), [], []
        for turn in range(SAVES):
            time.sleep(0.3)  # an editor types between saves
            before, start = version(url), time.perf_counter()
            save(folder, turn)
            pdf = wait_for_new_pdf(url, before, pdf)
            times.append(time.perf_counter() - start)
            page = fetch(url).decode()  # what the reloading browser asks for: the page, then its pictures
            for picture in re.findall(r'src="(/pages/[0-9]+/[0-9]+\.jpg)"', page):
                fetch(url + picture.lstrip("/"))
            shown.append(time.perf_counter() - start)
        return first, times, shown
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def cold_build(folder: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*HUIKAN, "build", str(folder), "-f", "pdf", "-o", str(out)], capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "issue"
        shutil.copytree(SAMPLE, folder)
        cold = cold_build(folder, Path(tmp) / "out")
        first, times, shown = saves(folder)
    median = statistics.median(times)
    print(f"preview (sample): first pages {first:.2f} s; save → new /issue.pdf median {median:.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} saves; target ≤ {TARGET:.0f} s: "
          f"{'met' if median <= TARGET else 'NOT met'}); save → page and its pictures fetched median "
          f"{statistics.median(shown):.2f} s; a cold `huikan build -f pdf` {cold:.2f} s")


if __name__ == "__main__":
    main()
