"""`make bench`: the figures of issues 15 and 21, with the date and the machine.

Inputs, friendly and not: the sample's folder, the sample ×10 as ONE text file (it spills and
asks for copy fitting), and a mixed picture issue (Word minutes with photos, a table and a
footnote; text with photos and a QR group; ``tests/picture_issue.py``). For each: the print PDF
build (and for the first two the full build, all formats) against a bare ``python -m weasyprint``
on the same HTML master with the same prepared pictures, run in turn (bare, pdf, full, bare, …)
so that a drift of the machine's speed hits all alike; each ratio is the median of the ratios
of one round. Wall and CPU seconds (user + system of the process and its children) are both
given: on a shared machine the CPU figures are the steadier. Then, for every input (and the
picture issues of the tests and the corpus): the full layouts a build made and how full each
page is. Then the sizes of the editions and the typography of the print PDF.

Prints figures and marks each target met or not; asserts nothing (timings are never asserted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample"
SEED = SAMPLE / "000_ba500d8529fedb8f.txt"
HUIKAN = [sys.executable, "-m", "typeset", "build"]

#: Targets of issue 15: (figure, issue) → upper bound.
CORPUS_PICTURES = Path("/work/shared/corpus/pictures")  # a real CC0 bulletin, when present

#: Targets of issues 15 and 21: (figure, issue) → upper bound.
TARGETS = {
    ("pdf ÷ bare", "sample"): 1.15, ("pdf ÷ bare", "sample×10"): 1.15, ("pdf ÷ bare", "mixed"): 1.15,
    ("all ÷ bare", "sample×10"): 1.6, ("layouts", "average"): 1.5,
    ("PDF KB", "sample"): 300, ("PDF/A KB", "sample"): 330, ("PDF KB", "sample×10"): 530,  # tagged since issue 24 (tests/test_compact_fonts.py)
}
FULL = ("sample", "sample×10")  # the inputs also timed with every format


@dataclass
class Times:
    wall: float
    cpu: float


#: Python as installed: modules compiled once to bytecode (``__pycache__``). A shell with
#: PYTHONDONTWRITEBYTECODE=1 recompiles every module in every process, which costs this tool
#: (typer, jinja2, Pillow, fontTools, its own 80 modules) far more than bare WeasyPrint.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> Times:
    """Wall and CPU seconds of one process (its children included), output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Times(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def rounds(commands: dict[str, list[str]], count: int) -> dict[str, list[Times]]:
    """Each command once per round, in turn, after one warm-up round that is not counted."""
    for command in commands.values():
        run(command)
    results: dict[str, list[Times]] = {name: [] for name in commands}
    for _ in range(count):
        for name, command in commands.items():
            results[name].append(run(command))
    return results


def ratios(results: dict[str, list[Times]], name: str, kind: str) -> list[float]:
    """The ratio to the bare run of the same round, for each round, sorted."""
    return sorted(getattr(a, kind) / getattr(b, kind) for a, b in zip(results[name], results["bare"]))


def median(results: dict[str, list[Times]], name: str, kind: str) -> float:
    return statistics.median(getattr(t, kind) for t in results[name])


def make_issues(tmp: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from tests.picture_issue import make_mixed_issue

    sample = tmp / "sample"
    shutil.copytree(SAMPLE, sample)
    long = tmp / "sample×10.txt"
    long.write_text("\n".join([SEED.read_text(encoding="utf-8")] * 10), encoding="utf-8")
    return {"sample": sample, "sample×10": long, "mixed": make_mixed_issue(tmp / "mixed")}


def bare_master(issue: Path, folder: Path) -> Path:
    """The issue's HTML master for bare WeasyPrint, with its prepared print pictures as files."""
    from typeset.render import render_master
    from typeset.sources import load

    rendered = render_master(load(issue).bulletin)
    html = rendered.html
    folder.mkdir(parents=True, exist_ok=True)
    for placed in {p.key: p for p in rendered.figures.all()}.values():
        prepared = rendered.figures.prepared(placed, "print")
        name = f"{placed.key}.{prepared.media_type.split('/')[-1]}"
        (folder / name).write_bytes(prepared.data)
        html = html.replace(f"figure:{placed.key}", name)
    path = folder / "master.html"
    path.write_text(html, encoding="utf-8")
    return path


def mark(figure: str, issue: str, value: float) -> str:
    bound = TARGETS.get((figure, issue))
    if bound is None:
        return ""
    return f" (target ≤ {bound}: {'met' if value <= bound else 'NOT MET'})"


def bench_issue(name: str, issue: Path, tmp: Path, count: int) -> Path:
    out = tmp / f"out-{name}"
    html = bare_master(issue, tmp / f"bare-{name}")
    commands = {
        "bare": [sys.executable, "-m", "weasyprint", "-q", str(html), str(tmp / "bare.pdf")],
        "pdf": HUIKAN + [str(issue), "-o", str(out), "-f", "pdf"],
    }
    if name in FULL:
        commands["all"] = HUIKAN + [str(issue), "-o", str(out)]
    results = rounds(commands, count)
    print(f"\n{name}: {count} rounds; median seconds, wall / CPU")
    for label in commands:
        print(f"  {label:5} {median(results, label, 'wall'):6.2f} / {median(results, label, 'cpu'):5.2f}")
    for label in [label for label in commands if label != "bare"]:
        figure = f"{label} ÷ bare"
        line = []
        for kind in ("wall", "cpu"):
            values = ratios(results, label, kind)
            value = statistics.median(values)
            line.append(f"{kind} {value:.2f} ({values[0]:.2f}–{values[-1]:.2f}){mark(figure, name, value)}")
        print(f"  {figure}: median (min–max) of the rounds: {'; '.join(line)}")
    for figure, pattern in (("PDF KB", "*[0-9].pdf"), ("PDF/A KB", "*-存档.pdf"), ("EPUB KB", "*.epub")):
        found = next(out.glob(pattern), None)
        if found is None:
            continue
        size = found.stat().st_size
        print(f"  {figure[:-3]:8} {size:9,d} bytes = {size / 1000:.0f} KB{mark(figure, name, size / 1000)}")
    return next(out.glob("*[0-9].pdf"))


def makeup(issues: dict[str, Path], tmp: Path) -> None:
    """Full layouts per build and page fill (share of the type area each page uses), in process."""
    sys.path.insert(0, str(ROOT))
    from tests.picture_issue import make_issue
    from typeset.build import build

    inputs = dict(issues, pictures=make_issue(tmp / "pictures"))
    if CORPUS_PICTURES.is_dir():
        inputs["corpus pictures"] = CORPUS_PICTURES
    print("\nPage makeup: full layouts per print build; each page's fill in % (holes: > 8 % short before the last text page)")
    counts = []
    for name, issue in inputs.items():
        result = build(issue, tmp / f"makeup-{name}", ["pdf"], force=True)
        report = result.fit
        counts.append(result.layouts)
        text = report.pages - report.blank - (1 if report.blank else 0)
        short = [k for k, share in enumerate(report.fill[: text - 1], start=1) if share < 0.92]
        fill = " ".join(f"{share * 100:.0f}" for share in report.fill)
        print(f"  {name}: {result.layouts} layout(s); {fill}; holes on pages {short or 'none'}")
        print(f"    {result.pages}")
    average = sum(counts) / len(counts)
    print(f"  average layouts per build: {average:.2f}{mark('layouts', 'average', average)}")


def typography(pdfs: dict[str, Path]) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import typography_measure

    print("\nChinese typography of the print PDF (benchmarks/typography_measure.py):")
    for name, pdf in pdfs.items():
        summary = typography_measure.analyse(pdf).summary()
        print(f"  {name}: {summary['ragged']} ragged of {summary['continued lines']} continued lines, "
              f"{summary['lone last characters']} lone characters, {summary['bad line starts']} bad line starts, "
              f"{summary['bad line ends']} bad line ends")


def machine() -> str:
    import weasyprint

    model = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory = next((int(line.split()[1]) / 2**20 for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), 0)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC | {model}, {os.cpu_count()} cores, "
            f"{memory:.0f} GiB | {platform.platform()} | Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__} | load average {load}")


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build times against bare WeasyPrint, sizes, typography.")
    parser.add_argument("--rounds", type=int, default=5, help="counted rounds per issue (default 5)")
    args = parser.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        issues = make_issues(tmp)
        makeup(issues, tmp)
        pdfs = {name: bench_issue(name, issue, tmp, args.rounds) for name, issue in issues.items()}
        typography(pdfs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
