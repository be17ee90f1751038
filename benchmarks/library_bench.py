"""The members' library's speed targets, for a year of 12 full-size issues (the sample, numbered
1 to 12): the first `huikan library` run against twelve single `huikan build` runs (target ≤ 60 %),
and a second run with nothing changed against the first (target ≤ 15 %). Fresh processes, wall
time; prints figures and asserts nothing (the machines are shared and noisy)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample"
HUIKAN = [sys.executable, "-m", "typeset"]
ISSUES = 12


def make_year(archive: Path) -> list[Path]:
    toml = (SAMPLE / "issue.toml").read_text(encoding="utf-8")
    folders = []
    for number in range(1, ISSUES + 1):
        folder = archive / "2014" / f"{number:02d}"
        shutil.copytree(SAMPLE, folder)
        text = re.sub(r"(?m)^number = \d+", f"number = {number}", toml)
        text = re.sub(r"(?m)^serial = \d+", f"serial = {20 + number}", text)
        text = re.sub(r"(?m)^date = \S+", f"date = 2014-{number:02d}-28", text)
        (folder / "issue.toml").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folders = make_year(tmp / "archive")
        singles = sum(timed(HUIKAN + ["build", str(f), "--out", str(tmp / "single" / f.name)]) for f in folders)
        first = timed(HUIKAN + ["library", str(tmp / "archive"), "--out", str(tmp / "site")])
        second = timed(HUIKAN + ["library", str(tmp / "archive"), "--out", str(tmp / "site")])
    print(f"{ISSUES} issues, all editions, {len(__import__('os').sched_getaffinity(0))} cores")
    print(f"  twelve single `huikan build` runs: {singles:6.1f} s")
    print(f"  `huikan library`, first run:       {first:6.1f} s  ({first / singles:.0%} of the single runs; target ≤ 60%)")
    print(f"  `huikan library`, nothing changed: {second:6.1f} s  ({second / first:.0%} of the first run; target ≤ 15%)")


if __name__ == "__main__":
    main()
