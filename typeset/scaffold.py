"""``huikan new DIR``: a new issue folder with a commented issue.toml and example section files.

The folder's name decides the issue: ``2026-12``, ``2026-1``, ``2026_12``, ``2026年12期`` or
``2026年第12期`` is year 2026, number 12, dated the last day of month 12 (of December for a
number above 12). The serial (总期号) continues from the sibling issue folder (named as an issue)
with the highest (year, number) below the new one: its serial plus the difference of the numbers, or plus the new
number across a year (that sibling was its year's last issue). Any other name keeps the example
values, and the editor is told so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from typeset.errors import OutputError, TypesetError, os_reason
from typeset.folders import parse_issue_name
from typeset.outputs import ensure_dir

ISSUE_TOML = """\
# 本期会刊的基本信息。等号右边的文字要加英文双引号，数字和日期不加。
title = "两新党建"          # 刊名
year = {year}                 # 年份
number = {number:<2}                 # 期号：本年第几期
{serial_line}
date = {date}           # 出版日期，写成 年-月-日
publisher = "杭州市两新党务工作者协会秘书处"   # 编印单位

# 版记（印在最后一页）：不需要的行可以删去。
report_to = "中共杭州市委组织部"              # 报送（报：）
copy_to = "各区、县（市）两新组织党工委"       # 抄送（送：）
send_to = "协会全体会员单位"                  # 发送（发：）
print_run = 300                             # 印数（份）

style = "default"           # 版式：styles/ 下的文件夹名
paper = "A4"                # 纸张：A4、正度16开、大度16开
pad_to = 4                  # 骑马钉：总页数补足为 4 的倍数（1 表示不补）
# cover = "封面.jpg"        # 封面图片（放在本文件夹中）
# icc_profile = "JapanColor2001Coated.icc"   # 印厂提供的 CMYK 色彩配置文件（--press 时使用）
# sections = ["01-工作交流.txt", "02-协会动态.txt"]   # 栏目顺序；不写则按文件名排序
"""
SERIAL_LINE = "serial = {serial:<5}              # 总期号：创刊以来第几期（可删去）"
NO_SERIAL_LINE = "# serial = 1                # 总期号：创刊以来第几期（没有找到前一期的文件夹，请填写后去掉行首的 #）"

SECTION_EXAMPLE = """\
☆ 文章标题写在五角星后面
正文每段一行。段首不必空格，排版时自动缩进两字。
一、小标题这样写
一是导语句写在段首，到第一个句号为止。后面接着写这一段的其余内容。
*以星号开头的段落是条目段落。
"""

# The file name already prints the section label 协会动态: the article takes another title.
NEWS_EXAMPLE = """\
☆ 会员单位工作简讯
1、第一条动态的标题
动态的正文，每段一行。
2、第二条动态的标题
动态的正文。
"""

# The example lines an editor must replace (``huikan check`` warns where one is left); the news
# article's title may well be kept.
KEPT_EXAMPLE_LINES = frozenset({"☆ 会员单位工作简讯"})
EXAMPLE_LINES = frozenset(line for text in (SECTION_EXAMPLE, NEWS_EXAMPLE)
                          for line in text.splitlines() if line not in KEPT_EXAMPLE_LINES)

EXAMPLE = {"year": 2014, "number": 6, "serial": 26, "date": dt.date(2014, 6, 30)}


@dataclass(frozen=True)
class Scaffolded:
    files: list[Path]
    summary: str  # what was assumed, for the editor to check


@dataclass(frozen=True)
class Sibling:
    name: str
    year: int
    number: int
    serial: int


def issue_date(year: int, number: int) -> dt.date:
    month = min(number, 12)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_issue(parent: Path, year: int, number: int) -> Sibling | None:
    """The sibling issue folder (named as an issue, with an issue.toml and a serial) just before
    (year, number); a backup copy (``pristine-2026-12``) is not counted. Two folders that both
    claim that issue: the editor is asked which one counts."""
    found = [sibling for toml in (parent.glob("*/issue.toml") if parent.is_dir() else ())
             if (sibling := _sibling(toml)) is not None and (sibling.year, sibling.number) < (year, number)]
    latest = max(found, key=lambda s: (s.year, s.number), default=None)
    rivals = sorted(s.name for s in found if latest and (s.year, s.number) == (latest.year, latest.number))
    if len(rivals) > 1:
        raise TypesetError(f"有两个文件夹都是 {latest.year}年第{latest.number}期：{'、'.join(rivals)}，不知道总期号该接哪一个。"
                           "请把不用的那个改名（如加上“备份-”）或移走，再运行 huikan new。")
    return latest


def _sibling(toml: Path) -> Sibling | None:
    if parse_issue_name(toml.parent.name) is None or toml.parent.name.startswith("."):
        return None
    values = _read_toml(toml)
    key = (values.get("year"), values.get("number"), values.get("serial"))
    if all(isinstance(v, int) and not isinstance(v, bool) for v in key):
        return Sibling(toml.parent.name, *key)
    return None


def _read_toml(path: Path) -> dict:
    from typeset.config import toml_text

    try:
        return tomllib.loads(toml_text(path))
    except (TypesetError, tomllib.TOMLDecodeError):
        return {}


def issue_values(folder: Path) -> tuple[dict, str]:
    """The year, number, serial and date for ``folder``, and a line saying where they came from."""
    parsed = parse_issue_name(folder.name)
    if parsed is None:
        return dict(EXAMPLE), (f"文件夹名“{folder.name}”不是期号（如 2026-12），issue.toml 里的年份、期号、"
                               "总期号和日期是示例值：请务必改成本期的。")
    year, number = parsed
    date = issue_date(year, number)
    sibling = previous_issue(folder.absolute().parent, year, number)
    serial = None
    if sibling is not None:
        serial = sibling.serial + (number - sibling.number if sibling.year == year else number)
    told = f"总期号 {serial}（接 {sibling.name} 的总第 {sibling.serial} 期）" if sibling else "总期号未填（没有找到前一期的文件夹）"
    summary = f"已按文件夹名设为 {year}年第{number}期，出版日期 {date}，{told}：请核对 issue.toml。"
    return {"year": year, "number": number, "serial": serial, "date": date}, summary


def issue_toml(values: dict) -> str:
    serial = values["serial"]
    serial_line = SERIAL_LINE.format(serial=serial) if serial is not None else NO_SERIAL_LINE
    return ISSUE_TOML.format(year=values["year"], number=values["number"], date=values["date"].isoformat(),
                             serial_line=serial_line)


def scaffold(folder: Path) -> Scaffolded:
    """Write the new issue folder whole: its files go into a temporary sibling folder that is
    then renamed, so an interrupted ``new`` leaves no half-made issue."""
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise OutputError("这个名字已被占用（已有同名文件或非空文件夹）；请换一个新文件夹名。", folder)
    values, summary = issue_values(folder)
    files = {"issue.toml": issue_toml(values), "01-工作交流.txt": SECTION_EXAMPLE, "02-协会动态.txt": NEWS_EXAMPLE}
    parent = ensure_dir(folder.absolute().parent)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"无法在这里新建文件夹（{os_reason(exc)}）。", folder) from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.chmod(0o777 & ~_umask())
        os.replace(staging, folder)
    except OSError as exc:
        raise OutputError(f"无法新建这一期（{os_reason(exc)}）。", folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Scaffolded([folder / name for name in files], summary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
