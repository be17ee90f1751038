"""`make bench`: wall times of the PDF build against a bare WeasyPrint run on the same HTML
master, for the sample and for an issue ten times its length. Prints figures; asserts nothing
(the machines are shared and noisy: targets are read, not enforced here)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sample" / "000_ba500d8529fedb8f.txt"
TYPESET = [sys.executable, "-m", "typeset"]
RUNS = 5


def median_time(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_issues(tmp: Path) -> dict[str, Path]:
    sample = tmp / "sample"
    subprocess.run(["cp", "-r", str(ROOT / "seeds" / "sample"), str(sample)], check=True)
    long = tmp / "x10"
    subprocess.run(["cp", "-r", str(sample), str(long)], check=True)
    text = SEED.read_text(encoding="utf-8")
    (long / SEED.name).write_text("\n".join([text] * 10), encoding="utf-8")
    return {"sample": sample, "sample×10": long}


def bench(name: str, issue: Path, tmp: Path) -> None:
    out = tmp / f"out-{name}"
    subprocess.run(TYPESET + ["build", str(issue), "-o", str(out), "-f", "html"], check=True, capture_output=True)
    html = next(out.glob("*.html"))
    bare = median_time([sys.executable, "-m", "weasyprint", "-q", str(html), str(tmp / "bare.pdf")])
    pdf = median_time(TYPESET + ["build", str(issue), "-o", str(out), "-f", "pdf"])
    full = median_time(TYPESET + ["build", str(issue), "-o", str(out)])
    epub = median_time(TYPESET + ["build", str(issue), "-o", str(out), "-f", "epub"]) if _has("epub") else float("nan")
    size = next(p for p in out.glob("*.pdf") if "存档" not in p.name).stat().st_size
    epub_size = sum(p.stat().st_size for p in out.glob("*.epub"))
    print(f"{name:10} bare WeasyPrint {bare:5.2f} s | huikan pdf {pdf:5.2f} s (×{pdf / bare:.2f}) | "
          f"all formats {full:5.2f} s (×{full / bare:.2f}) | epub alone {epub:5.2f} s | "
          f"PDF {size / 1024:.0f} KB | EPUB {epub_size / 1024:.0f} KB")


def _has(fmt: str) -> bool:
    from typeset.writers import writers

    return fmt in writers()


def main() -> None:
    print(f"median of {RUNS} wall times per figure (each a fresh process, import included)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, issue in make_issues(tmp).items():
            bench(name, issue, tmp)
    print("\nChinese typography (in one warm process; stock = no markup, no justification extension):")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import typography_measure

    typography_measure.main(["--repeat", "1", "10", "--runs", str(RUNS)])


if __name__ == "__main__":
    main()
