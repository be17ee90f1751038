"""``huikan new DIR``: a new issue folder with a commented issue.toml and example section files."""

from __future__ import annotations

from pathlib import Path

from typeset.errors import OutputError
from typeset.outputs import atomic_write, ensure_dir

ISSUE_TOML = """\
# 本期会刊的基本信息。等号右边的文字要加英文双引号，数字和日期不加。
title = "两新党建"          # 刊名
year = 2014                 # 年份
number = 6                  # 期号：本年第几期
serial = 26                 # 总期号：创刊以来第几期（可删去）
date = 2014-06-30           # 出版日期，写成 年-月-日
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

SECTION_EXAMPLE = """\
☆ 文章标题写在五角星后面
正文每段一行。段首不必空格，排版时自动缩进两字。
一、小标题这样写
一是导语句写在段首，到第一个句号为止。后面接着写这一段的其余内容。
*以星号开头的段落是条目段落。
"""

NEWS_EXAMPLE = """\
☆ 协会动态
1、第一条动态的标题
动态的正文，每段一行。
2、第二条动态的标题
动态的正文。
"""


def scaffold(folder: Path) -> list[Path]:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError("这个名字已被占用（已有同名文件或非空文件夹）；请换一个新文件夹名。", folder)
    ensure_dir(folder)
    files = {"issue.toml": ISSUE_TOML, "01-工作交流.txt": SECTION_EXAMPLE, "02-协会动态.txt": NEWS_EXAMPLE}
    return [atomic_write(folder / name, text.encode("utf-8")) for name, text in files.items()]
