"""A made-up archive of a dozen issues for the members' library, cut from the sample and corpus.

Small issues (one or two articles each) keep the suite fast; ``benchmarks/library_bench.py``
measures full-size ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from typeset.resources import sample_issue_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_TEXT = sample_issue_dir() / "000_ba500d8529fedb8f.txt"
ARTICLE_STARTS = (0, 9, 13, 18, 22)  # the lines where the sample's five articles begin
GRID_WORD = "网格化"  # only in the 2015 issue
GRID_ARTICLE = """☆ 社区党建网格化管理见实效
今年以来，协会推行网格化管理，把会员单位划入十二个网格，每个网格由一名党务工作者联系。
一、划细网格，责任到人
一是摸清底数。秘书处逐家走访会员单位，建立台账。
"""


def sample_articles() -> list[str]:
    lines = SAMPLE_TEXT.read_text(encoding="utf-8").splitlines()
    bounds = list(ARTICLE_STARTS) + [len(lines)]
    return ["\n".join(lines[a:b]) + "\n" for a, b in zip(bounds, bounds[1:])]


def issue_toml(year: int, number: int, month: int, serial: int) -> str:
    return (f'title = "两新党建"\nyear = {year}\nnumber = {number}\nserial = {serial}\n'
            f'date = {year}-{month:02d}-28\npublisher = "杭州市两新党务工作者协会秘书处"\n')


def write_issue(folder: Path, toml: str, sections: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.toml").write_text(toml, encoding="utf-8")
    for name, text in sections.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_archive(root: Path) -> Path:
    """2013: five one-article issues; 2014: five two-article issues and the GB18030 copy of the
    whole sample; 2015: a made-up issue on 网格化 and the flawed corpus issue, which must fail."""
    articles = sample_articles()
    for k, text in enumerate(articles, 1):
        write_issue(root / "2013" / f"{k:02d}", issue_toml(2013, k, k, k), {"01-工作交流.txt": text})
    for k in range(1, 6):
        pair = {"01-工作交流.txt": articles[k - 1], "02-协会动态.txt": articles[k % 5]}
        write_issue(root / "2014" / f"2014年第{k}期", issue_toml(2014, k, k * 2, 5 + k), pair)
    gb = write_issue(root / "2014" / "06", issue_toml(2014, 6, 12, 11), {})
    shutil.copy(FIXTURES / "seed-gb18030-crlf.txt", gb / "01-全文.txt")
    write_issue(root / "2015" / "01", issue_toml(2015, 1, 3, 12), {"01-工作交流.txt": GRID_ARTICLE})
    flawed = write_issue(root / "2015" / "02", issue_toml(2015, 2, 6, 13), {})
    shutil.copy(FIXTURES / "seed-quirks.txt", flawed / "01-问题.txt")
    (root / "library.toml").write_text('title = "两新党建文库"\ndescription = "测试用文库"\n', encoding="utf-8")
    return root
