"""``huikan check``: the proof-reader's findings, the safe fixes and the command."""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import sys

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from typeset.check import Finding, Report, all_changes, check_bulletin, fix_sources
from typeset.check.chars import source_lines
from typeset.check.fix import fix_text
from typeset.check.rules import check_line
from typeset.cli.check import check_command
from typeset.resources import sample_issue_dir
from typeset.sources import load

from conftest import GB18030, QUIRKS, ROOT, SEED, visible_chars

# The fixes replace these marks; everything else must survive a fix character for character.
FIXED_MARKS = str.maketrans({",": "，", ".": "。", "(": "（", ")": "）", "•": "·", "・": "·", ";": "；", ":": "：", "?": "？", "!": "！"})


def findings_of(path) -> Report:
    return check_bulletin(load(path).bulletin)


def rule_lines(report: Report) -> set[tuple[int, str]]:
    return {(f.line, f.rule) for f in report.findings}


def check_text(tmp_path, text: str, name: str = "t.txt") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return findings_of(path)


def check_body(tmp_path, body: str) -> Report:
    """Check ``body`` as the second line of an article (line 1 is ``☆ 标题``)."""
    return check_text(tmp_path, "☆ 标题\n" + body)


# --- the quirks fixture: every deliberate flaw, at its line --------------------------------


QUIRKS_EXPECTED = {
    (1, "interpunct"),        # 红领帮•杭州
    (2, "halfwidth-punct"),   # 旬,“  启动.首期  (含2位书记)  演播室 ,交流
    (2, "interpunct"),
    (2, "stray-space"),       # 体会 。
    (4, "halfwidth-punct"),   # 征集 ,共
    (4, "ellipsis"),          # 12条...
    (5, "lead-order"),        # 一是 … 三是
    (5, "stray-space"),       # —— 最终
    (6, "empty-article"),     # ☆ 书记风采
    (12, "news-numbering"),   # 1、2、4、
    (13, "radical"),          # ⽇ U+2F47
}


@pytest.fixture(scope="module")
def quirks_report() -> Report:
    return findings_of(QUIRKS)


def test_quirks_every_flaw_at_its_line(quirks_report):
    assert rule_lines(quirks_report) == QUIRKS_EXPECTED


def test_quirks_halfwidth_punctuation_positions(quirks_report):
    found = [(f.line, f.col, f.message) for f in quirks_report.findings if f.rule == "halfwidth-punct"]
    lines = QUIRKS.read_text(encoding="utf-8").splitlines()
    marks = [lines[line - 1][col - 1] for line, col, _ in found]
    assert marks == [",", ".", "(", ")", ",", ","]
    assert all(f.severity == "error" for f in quirks_report.findings if f.rule == "halfwidth-punct")
    suggestions = [f.suggestion for f in quirks_report.findings if f.rule == "halfwidth-punct"]
    assert suggestions[0] == "改为全角“，”" and suggestions[2] == "改为全角“（”"
    assert "删去旁边的空格" in suggestions[4]


def test_quirks_kangxi_radical_names_the_ordinary_character(quirks_report):
    (radical,) = [f for f in quirks_report.findings if f.rule == "radical"]
    assert radical.severity == "error" and (radical.line, radical.col) == (13, 21)
    assert "U+2F47" in radical.message and "“日”" in radical.suggestion and "U+65E5" in radical.suggestion


def test_quirks_news_numbering_names_the_expected_number(quirks_report):
    (numbering,) = [f for f in quirks_report.findings if f.rule == "news-numbering"]
    assert "“3、”" in numbering.message and numbering.severity == "warning"


def test_quirks_no_false_alarms(quirks_report):
    lines = {f.line for f in quirks_report.findings}
    assert 9 not in lines  # the <script> string is text, not an error
    assert 11 not in lines  # 𠮷 U+20BB7 is in the fonts
    assert not [f for f in quirks_report.findings if f.rule == "missing-glyph"]
    assert quirks_report.notes == ()  # the style's fonts are installed and were checked
    assert quirks_report.summary() == "共 7 处错误、8 处警告"


def test_report_sorted_and_printed(quirks_report):
    keys = [(f.file, f.line, f.col) for f in quirks_report.findings]
    assert keys == sorted(keys)
    assert len(quirks_report.errors) == 7 and len(quirks_report.warnings) == 8
    first = str(quirks_report.findings[0])
    assert first == "seed-quirks.txt:1:8  interpunct  间隔号用了“•”（U+2022）（建议：改为间隔号“·”（U+00B7））"


# --- the bundled sample: its real flaws and nothing else -------------------------------------


def test_sample_real_flaws_only(sample):
    report = check_bulletin(sample)
    assert rule_lines(report) == {
        (2, "stray-space"),    # 因受 “担保链”
        (12, "stray-space"),   # 开展 “一个党员一面旗”
        (16, "stray-space"),   # 带头开展 “三进三送”
        (28, "interpunct"),    # 红领帮•杭州
        (29, "interpunct"),
    }
    assert report.errors == () and report.summary() == "共 0 处错误、5 处警告"
    assert all(f.file == SEED.name for f in report.findings)


def test_gb18030_crlf_copy_reports_the_same_lines():
    report = findings_of(GB18030)
    assert rule_lines(report) == {(2, "stray-space"), (12, "stray-space"), (16, "stray-space"),
                                  (28, "interpunct"), (29, "interpunct")}


# --- single rules --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "增长了3.5个百分点。",
    "会议于10:30开始，共3,000人。",
    "网址是http://www.example.com/a.html，欢迎访问。",
    "他说：Hello, world! How are you?",
    "1.围绕主线抓调研",
    "有计划-没行动=零，“1+X”扶贫结对。",
    "“‘13588’党建工作机制”",
    "(1)第一条动态的标题",  # a news number at a line's start is syntax, as the README shows it
    "(一)小标题这样写",
])
def test_no_false_alarm(tmp_path, text):
    assert check_body(tmp_path, text).findings == ()


@pytest.mark.parametrize("text, rule, col", [
    ("会议开始了,大家好。", "halfwidth-punct", 6),
    ("你好!", "halfwidth-punct", 3),
    ("他说\"好", "ascii-quote", 3),
    ("他说'好", "ascii-quote", 3),
    ("他说“好。", "unbalanced-pair", 3),
    ("他说好”。", "unbalanced-pair", 4),
    ("见《通知。", "unbalanced-pair", 2),
    ("好　人", "word-space", 2),
    ("好\u00a0人", "word-space", 2),
    ("好 。", "stray-space", 2),
    ("* 条目 “党建”", "stray-space", 5),
    ("东京・大阪", "interpunct", 3),
    ("• 项目一", "bullet", 1),
    ("他说：—来了", "dash", 4),
    ("他来了—", "dash", 4),
    ("增加了5—10吨。", "range-dash", 5),
    ("等等。。。", "ellipsis", 3),
    ("⺟亲", "radical", 1),
    ("天气😀很好", "missing-glyph", 3),
    ("生僻字\U00030000", "missing-glyph", 4),
    ("控制\x07字符", "missing-glyph", 3),
])
def test_rule_fires(tmp_path, text, rule, col):
    report = check_body(tmp_path, text)
    assert [(f.rule, f.line, f.col) for f in report.findings] == [(rule, 2, col)]
    assert all(isinstance(f, Finding) and f.message for f in report.findings)


def test_missing_glyph_names_character_code_point_and_font(tmp_path):
    (finding,) = check_text(tmp_path, "☆ 标题\n生僻字\U00030000。\n").findings
    assert finding.severity == "error" and "U+30000" in finding.message and "Noto Serif CJK SC" in finding.message
    assert (finding.line, finding.col) == (2, 4)


def test_indent_and_trailing_blanks_are_tolerated(tmp_path):
    assert check_body(tmp_path, "\u3000\u3000第一段。 \n  \u00a0第二段。\u3000\n").findings == ()


def test_heading_order_and_numbered_lines_outside_news(tmp_path):
    text = "☆ 文章\n一、开头\n正文。\n三、结尾\n正文。\n☆ 另一篇\n正文在前。\n1、看似编号\n3、但不是动态\n"
    report = check_text(tmp_path, text)
    assert rule_lines(report) == {(4, "heading-order")}
    assert "“二、”" in report.findings[0].message


def test_news_repeat(tmp_path):
    report = check_text(tmp_path, "☆ 协会动态\n1、甲\n正文。\n2、乙\n正文。\n2、丙\n正文。\n")
    (finding,) = report.findings
    assert (finding.line, finding.rule) == (6, "news-numbering") and "重复" in finding.message


def test_issue_toml_is_not_proofread(issue_copy):
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n# 注释,里有半角标点.\n", encoding="utf-8")
    report = findings_of(issue_copy)
    assert all(f.file != "issue.toml" for f in report.findings)
    assert len(report.findings) == 5


# --- fixes -----------------------------------------------------------------------------------


def test_fix_quirks_copy(tmp_path):
    path = tmp_path / "quirks.txt"
    shutil.copy(QUIRKS, path)
    before = path.read_text(encoding="utf-8")
    changes = all_changes(fix_sources(load(path).bulletin))
    after = path.read_text(encoding="utf-8")
    assert [str(c) for c in changes[:2]] == ["quirks.txt:1:8  “•” → “·”", "quirks.txt:2:5  “,” → “，”"]
    assert len(changes) == 10
    assert visible_chars(before, "").translate(FIXED_MARKS) == visible_chars(after, "").translate(FIXED_MARKS)
    assert after.count("\n") == before.count("\n")
    assert "12条..." in after and "<script>alert(1)</script>" in after  # not a safe fix / not Chinese
    remaining = rule_lines(findings_of(path))
    assert remaining == {(4, "ellipsis"), (5, "lead-order"), (6, "empty-article"),
                         (12, "news-numbering"), (13, "radical")}
    assert fix_sources(load(path).bulletin) == []  # idempotent


def test_text_before_the_first_title_is_reported_at_its_line(tmp_path):
    (tmp_path / "01-甲.txt").write_text("☆ 标题\n正文。\n", encoding="utf-8")
    (tmp_path / "02-乙.txt").write_text("\n没有标题的一段。\n☆ 标题\n正文。\n", encoding="utf-8")
    (tmp_path / "03-丙.txt").write_text("整个文件都没有标题。\n", encoding="utf-8")
    (tmp_path / "issue.toml").write_text('title = "会刊"\nyear = 2014\nnumber = 5\ndate = 2014-05-30\n'
                                         'publisher = "秘书处"\n', encoding="utf-8")
    found = [(f.file, f.line, f.severity) for f in findings_of(tmp_path).findings if f.rule == "untitled-text"]
    assert found == [("02-乙.txt", 2, "warning"), ("03-丙.txt", 1, "warning")]


def test_a_copied_folder_not_renumbered_and_a_year_typo_are_reported_in_issue_toml(tmp_path):
    copied = tmp_path / "2014-06"  # last month's folder (2014-05) copied
    shutil.copytree(sample_issue_dir(), copied)
    found = [(f.file, f.line, f.rule) for f in findings_of(copied).findings if f.file == "issue.toml"]
    assert found == [("issue.toml", 4, "issue-number")]
    toml = copied / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("year = 2014", "year = 2041")
                    .replace("number = 5", "number = 6"), encoding="utf-8")
    renamed = copied.rename(tmp_path / "2041年第6期")
    (finding,) = [f for f in findings_of(renamed).findings if f.file == "issue.toml"]
    assert (finding.line, finding.rule, finding.severity) == (6, "date-year", "warning")
    assert "2014-05-30" in finding.message and "2041" in finding.message
    assert not [f for f in findings_of(sample_issue_dir()).findings if f.file == "issue.toml"]  # "sample" is no issue id


def test_a_leading_bullet_is_reported_and_never_fixed(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("☆ 标题\n• 项目一 •项目二\n", encoding="utf-8")
    fix_sources(load(path).bulletin)
    assert path.read_text(encoding="utf-8") == "☆ 标题\n• 项目一·项目二\n"  # only the inner one is a 间隔号
    (bullet,) = findings_of(path).findings
    assert (bullet.rule, bullet.line, bullet.col) == ("bullet", 2, 1) and "条目请以 * 开头" in bullet.message


def test_fix_keeps_encoding_line_breaks_and_indents(tmp_path):
    path = tmp_path / "gb.txt"
    shutil.copy(GB18030, path)
    raw_before = path.read_bytes()
    changes = all_changes(fix_sources(load(path).bulletin))
    raw_after = path.read_bytes()
    assert len(changes) == 5
    before, after = raw_before.decode("gb18030"), raw_after.decode("gb18030")
    assert after.count("\r\n") == before.count("\r\n") and "\n" not in after.replace("\r\n", "")
    indents = [[len(ln) - len(ln.lstrip("\u3000 \u00a0")) for ln in text.split("\r\n")] for text in (before, after)]
    assert indents[0] == indents[1] and max(indents[0]) >= 2  # the U+3000 indents are kept
    assert "因受“担保链”" in after and "红领帮·杭州" in after and "•" not in after
    assert len(before) - len(after) == 3  # three stray spaces, nothing else removed


@pytest.mark.parametrize("encoding, bom", [("utf-8-sig", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                                           ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_fix_keeps_bom_and_byte_order(tmp_path, encoding, bom):
    path = tmp_path / "t.txt"
    text = "\u3000\u3000第一段,有错 。\r\n第二段没错。  \r\n"
    path.write_bytes(bom + text.encode(encoding.replace("-sig", "")))
    assert len(all_changes(fix_sources(load(path).bulletin))) == 2
    raw = path.read_bytes()
    assert raw == bom + "\u3000\u3000第一段，有错。\r\n第二段没错。  \r\n".encode(encoding.replace("-sig", ""))


def test_fix_refuses_a_file_changed_since_reading(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("你好,世界。\n", encoding="utf-8")
    bulletin = load(path).bulletin
    path.write_text("别人改过了,世界。\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        fix_sources(bulletin)
    assert "改动" in str(caught.value)
    assert path.read_text(encoding="utf-8") == "别人改过了,世界。\n"


def test_fix_sample_copy_leaves_issue_toml_alone(issue_copy):
    toml_before = (issue_copy / "issue.toml").read_bytes()
    changes = all_changes(fix_sources(load(issue_copy).bulletin))
    assert {(c.line, c.before, c.after) for c in changes} == {
        (2, " ", ""), (12, " ", ""), (16, " ", ""), (28, "•", "·"), (29, "•", "·")}
    assert (issue_copy / "issue.toml").read_bytes() == toml_before
    assert findings_of(issue_copy).findings == ()


# --- the command -----------------------------------------------------------------------------


def run_check(*args: str):
    app = typer.Typer()
    app.command("check")(check_command)

    @app.callback()
    def _root() -> None:
        """typeset"""

    return CliRunner().invoke(app, ["check", *args])


def test_command_sample_warnings_only_exit_zero():
    result = run_check()
    assert result.exit_code == 0, result.output
    lines = result.output.strip().split("\n")
    assert lines[-1] == "共 0 处错误、5 处警告"
    assert lines[0].startswith(f"警告：{SEED.name}:2:20  stray-space  ")


def test_command_errors_exit_one_and_fix(tmp_path):
    path = tmp_path / "quirks.txt"
    shutil.copy(QUIRKS, path)
    result = run_check(str(path))
    assert result.exit_code == 1
    assert result.output.strip().split("\n")[-1] == "共 7 处错误、8 处警告"
    fixed = run_check(str(path), "--fix")
    assert fixed.exit_code == 1  # the Kangxi radical is not a safe fix: an error remains
    out = fixed.output
    assert "已自动修正 10 处：" in out and "quirks.txt:2:5  “,” → “，”" in out
    assert out.strip().split("\n")[-1] == "共 1 处错误、4 处警告"
    path.write_text(path.read_text(encoding="utf-8").replace("⽇", "日"), encoding="utf-8")
    assert run_check(str(path)).exit_code == 0


def test_command_help_is_chinese():
    result = run_check("--help")
    assert result.exit_code == 0 and "--fix" in result.output and "校对" in result.output


# --- property: the checker never raises, and a fix only swaps marks and drops blanks ------------


PIECES = st.lists(st.sampled_from(list("中文，。“”（）《》,.;:?!()\"'•・—… \u3000\u00a0\t\r\n3a☆*⽇")) | st.characters(
    blacklist_categories=("Cs",)), max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(PIECES)
def test_fix_only_swaps_marks_and_drops_blanks(text):
    for line in source_lines("t.txt", text):
        list(check_line(line))
    fixed, changes = fix_text("t.txt", text)
    assert visible_chars(fixed, "").translate(FIXED_MARKS) == visible_chars(text, "").translate(FIXED_MARKS)
    assert re.findall(r"\r\n|\r|\n", fixed) == re.findall(r"\r\n|\r|\n", text)
    assert all(c.before != c.after for c in changes)
    assert fix_text("t.txt", fixed)[0] == fixed  # a second fix changes nothing


def test_real_console_command(tmp_path):
    """The real console command `typeset check`: exit 1 while errors remain, also after --fix."""
    from typeset.cli import app

    assert "check" in {command.name for command in app.registered_commands}
    path = tmp_path / "quirks.txt"
    shutil.copy(QUIRKS, path)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "typeset", "check", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stdout + done.stderr
    *findings, summary = done.stdout.strip().split("\n")
    assert summary == "共 7 处错误、8 处警告"
    assert sorted(line[:3] for line in findings) == ["警告："] * 8 + ["错误："] * 7, done.stdout  # each labelled
    assert done.returncode == 1
    fixed = subprocess.run([sys.executable, "-m", "typeset", "check", str(path), "--fix"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert fixed.returncode == 1 and "已自动修正 10 处：" in fixed.stdout


# --- structure that is not recognised, and an issue without articles (issue 10.4) ---------------

CONVENTIONS = QUIRKS.parent / "conventions.txt"


def test_conventions_warn_only_where_structure_is_not_recognised():
    report = findings_of(CONVENTIONS)
    assert rule_lines(report) == {
        (1, "heading-outside"),   # （一） before the first ★
        (3, "range-dash"),        # 5—10万元 (2019—2021年 and 1—8月 are right)
        (9, "structure-like"),    # 二、… ending in 。
        (10, "bare-mark"),        # ☆ alone
        (11, "heading-order"),    # the bare ☆ began a new article
        (18, "structure-like"),   # 3． with a 60+ character title
        (19, "news-numbering"),   # 4、 after 2.
    }
    assert report.errors == ()
    (numbering,) = [f for f in report.findings if f.rule == "news-numbering"]
    assert "“4、”" in numbering.message and "“3、”" in numbering.message


def test_no_article_stops_check_and_build_with_one_line(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("这一期只有正文，没有标题行。\n第二段。\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    checked = subprocess.run([sys.executable, "-m", "typeset", "check", str(path)],
                             capture_output=True, text=True, env=env, timeout=120)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[0].startswith("错误：plain.txt:1:1  no-article  全期没有一篇文章")
    built = subprocess.run([sys.executable, "-m", "typeset", "build", str(path), "--out", str(tmp_path / "out"), "-f", "html"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert not (tmp_path / "out").exists()


def test_bare_mark_is_a_warning_and_the_mark_space_is_syntax(tmp_path):
    report = check_text(tmp_path, "☆ “两新”沙龙\n正文。\n☆\n正文。\n")
    assert [(f.line, f.rule, f.severity) for f in report.findings] == [(3, "bare-mark", "warning")]


def test_fix_never_rewrites_the_bundled_sample(sample):
    from typeset.errors import SourceError

    with pytest.raises(SourceError, match="示例刊不能自动修正"):
        fix_sources(sample)


def test_second_level_headings_count_under_each_first_level(tmp_path):
    text = "☆ 文章\n一、甲\n（一）子\n（二）子\n二、乙\n（一）子\n（三）子\n"
    report = check_text(tmp_path, text)
    assert [(f.line, f.rule) for f in report.findings] == [(7, "heading-order")]
    assert "“（三）”" in report.findings[0].message and "“（二）”" in report.findings[0].message
