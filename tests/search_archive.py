"""A small archive for the search tests: the word 网格 stands alone in some issues and only inside
longer words (网格员, 网格长, 网格党支部, 微网格) in others, where a word segmenter hides it."""

from __future__ import annotations

from pathlib import Path

from tests.library_archive import issue_toml, write_issue

PLAIN = """☆ 社区党建网格管理见实效
今年以来，协会推行网格管理，把会员单位划入十二个网格，每个网格由一名党务工作者联系。
"""
INSIDE_WORDS = """☆ {title}
街道把辖区划为{n}个微网格，每个微网格配备一名专职网格员，网格长由社区党委委员担任。
新成立的网格党支部每月召开一次会议，网格员上门走访，收集群众意见。
"""
ALL_IN_ONE = PLAIN + """楼道长兼任微网格员，每周走访一次。
"""
OTHER = """☆ 协会召开年度工作会议
会议总结了全年工作，部署了明年的重点任务。
"""
TITLES = ("城西街道推行微网格治理", "网格员队伍建设经验交流", "网格党支部建设调研报告")


def make_search_archive(root: Path) -> Path:
    """2016: issues 1-3 say 网格 alone (3 also 微网格员), 4-6 only inside longer words, 7 not at all."""
    for number in range(1, 8):
        if number <= 3:
            text = ALL_IN_ONE if number == 3 else PLAIN
        elif number <= 6:
            text = INSIDE_WORDS.format(title=TITLES[number - 4], n=number * 3)
        else:
            text = OTHER
        write_issue(root / f"2016-{number:02d}", issue_toml(2016, number, number, 20 + number), {"01-工作交流.txt": text})
    (root / "library.toml").write_text('title = "检索测试文库"\ndescription = "检索测试"\n', encoding="utf-8")
    return root
