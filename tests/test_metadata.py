"""issue.toml and the metadata options are validated where they are read: one Chinese line with
the key and its line (or the option), before anything is written. Covers issue 16.5 (years no
edition can carry, control characters that crashed a build or broke the EPUB) and issue 10.10's
issue.toml side (Chinese quotes, impossible dates, dates as strings, unknown keys, wrong types)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from ebooklib import epub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from typeset import config
from typeset.epub.package import new_book, rezip, write
from typeset.errors import ConfigError
from typeset.resources import sample_issue_dir
from typeset.sources import load

from conftest import ROOT

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def folder_with(tmp_path: Path, key: str, line: str) -> Path:
    """The sample issue with the line of ``key`` replaced by ``line`` (added on line 2 if absent)."""
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    toml = folder / "issue.toml"
    text = toml.read_text(encoding="utf-8")
    pattern = rf"(?m)^{re.escape(key)} *=.*$"
    if re.search(pattern, text):
        text = re.sub(pattern, lambda _: line, text, count=1)
    else:
        head, _, rest = text.partition("\n")
        text = f"{head}\n{line}\n{rest}"
    toml.write_text(text, encoding="utf-8")
    return folder


@dataclass
class Ran:
    returncode: int
    stderr: str


def huikan_build(tmp_path: Path, *args: str) -> Ran:
    """``huikan build … -f html`` in a fresh process: the real command, end to end."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1401408000")
    done = subprocess.run([sys.executable, "-m", "typeset", "build", *args, "-f", "html", "-o", str(tmp_path / "out")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return Ran(done.returncode, done.stderr)


@pytest.fixture
def huikan(tmp_path, capsys, monkeypatch):
    """The same command through ``typeset.cli.main`` in this process (the CLI wiring without
    a Python start-up per case)."""
    from typeset.cli import main

    def run(*args: str) -> Ran:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1401408000")
        monkeypatch.setattr(sys, "argv", ["huikan", "build", *args, "-f", "html", "-o", str(tmp_path / "out")])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code
        return Ran(code, capsys.readouterr().err)
    return run


def assert_one_chinese_line(result: Ran, *names: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert CHINESE.search(lines[0]), lines[0]
    missing = [name for name in names if name not in lines[0]]
    assert not missing, lines[0]
    return lines[0]


# case → (key, issue.toml line, what the one line on stderr must contain)
TOML_CASES = {
    "year-2108": ("year", "year = 2108", ["issue.toml:3", "year", "2100"]),
    "date-2108": ("date", "date = 2108-05-30", ["issue.toml:6", "出版日期", "2100"]),
    "title-bell": ("title", 'title = "两新\\u0007党建"', ["issue.toml:2", "title", "U+0007"]),
    "publisher-control": ("publisher", 'publisher = "协会\\u0001秘书处"', ["issue.toml:7", "publisher", "U+0001"]),
    "publisher-bidi": ("publisher", 'publisher = "协会\\u202e秘书处"', ["issue.toml:7", "publisher", "U+202E"]),
    "report-to-newline": ("report_to", 'report_to = "市委\\n组织部"', ["issue.toml:8", "report_to", "U+000A"]),
    "send-to-tab": ("send_to", 'send_to = "全体\\t会员"', ["issue.toml:10", "send_to", "U+0009"]),
    "copy-to-separator": ("copy_to", 'copy_to = "各区\\u2028县"', ["issue.toml:9", "copy_to", "U+2028"]),
    "chinese-quotes": ("title", "title = “协会通讯”", ["issue.toml:2", "请把中文引号“”换成英文双引号"]),
    "chinese-single-quotes": ("publisher", "publisher = ‘秘书处’", ["issue.toml:7", "请把中文引号“”换成英文双引号"]),
    "full-width-equals": ("title", 'title ＝ "协会通讯"', ["issue.toml:2", "＝"]),
    "unquoted-text": ("title", "title = 协会通讯", ["issue.toml:2", "英文双引号"]),
    "chinese-key": ("title", '刊名 = "协会通讯"', ["issue.toml:2", "title"]),
    "impossible-date": ("date", "date = 2014-02-30", ["issue.toml:6", "2014-02-30", "28 天"]),
    "month-13": ("date", "date = 2014-13-01", ["issue.toml:6", "月份"]),
    "slashed-date": ("date", "date = 2014/5/30", ["issue.toml:6", "2014-05-30"]),
    "date-as-string": ("date", 'date = "2014-05-30"', ["issue.toml:6", "date", "不加引号"]),
    "date-with-time": ("date", "date = 2014-05-30T09:00:00", ["issue.toml:6", "不写时间"]),
    "number-as-string": ("number", 'number = "5"', ["issue.toml:4", "number", "不加引号"]),
    "title-as-number": ("title", "title = 2014", ["issue.toml:2", "title", "英文双引号"]),
    "print-run-float": ("print_run", "print_run = 300.5", ["issue.toml:11", "print_run", "整数"]),
    "sections-not-names": ("sections", "sections = [1, 2]", ["issue.toml:2", "sections"]),
    "unclosed-quote": ("title", 'title = "协会通讯', ["issue.toml:2", "引号没有配对"]),
    "key-twice": ("number", "number = 5\nnumber = 6", ["issue.toml:5", "两次"]),
    "day-32": ("date", "date = 2014-10-32", ["issue.toml:6", "2014-10-32 不存在", "31 天"]),
    "date-twice": ("date", "date = 2014-05-30\ndate = 2014-05-31", ["issue.toml:7", "同一个设置项写了两次"]),
    "misspelt-required-key": ("title", 'titel = "协会通讯"', ["缺少必填项“title”", "第 2 行的 titel 是不是 title？"]),
}


@pytest.mark.parametrize("case", list(TOML_CASES))
def test_bad_issue_toml_is_one_chinese_line_with_key_and_line(tmp_path, huikan, case):
    key, line, names = TOML_CASES[case]
    folder = folder_with(tmp_path, key, line)
    assert_one_chinese_line(huikan(str(folder)), *names)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case", ["year-2108", "title-bell", "chinese-quotes"])
def test_bad_issue_toml_through_a_fresh_process(tmp_path, case):
    key, line, names = TOML_CASES[case]
    assert_one_chinese_line(huikan_build(tmp_path, str(folder_with(tmp_path, key, line))), *names)
    assert not (tmp_path / "out").exists()


OPTION_CASES = {
    "title": (["--title", "两新\x07党建"], ["--title", "U+0007"]),
    "publisher": (["--publisher", "秘书处\x1b[31m"], ["--publisher", "U+001B"]),
    "year": (["--year", "2108"], ["--year", "2100"]),
    "date": (["--date", "2108-01-01"], ["--date", "2100"]),
}


@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_bad_option_values_name_the_option(tmp_path, huikan, case):
    args, names = OPTION_CASES[case]
    line = assert_one_chinese_line(huikan(str(sample_issue_dir()), *args), *names)
    assert "issue.toml" not in line
    assert not (tmp_path / "out").exists()


def test_bad_option_values_of_a_single_text_file_are_refused(tmp_path, huikan):
    source = tmp_path / "会刊.txt"
    shutil.copy(sample_issue_dir() / "000_ba500d8529fedb8f.txt", source)
    assert_one_chinese_line(huikan(str(source), "--title", "会刊\u202e"), "--title", "U+202E")


def test_unknown_key_is_a_warning_with_a_did_you_mean(tmp_path, caplog):
    folder = folder_with(tmp_path, "serial", "serail = 25")
    with caplog.at_level(logging.WARNING, logger="typeset"):
        bulletin = load(folder).bulletin
    assert bulletin.meta.serial is None
    [message] = [record.getMessage() for record in caplog.records]
    assert "issue.toml:5" in message and "serail" in message and "“serial”（总期号）" in message


def test_unknown_key_named_in_chinese_suggests_the_english_key(tmp_path, caplog):
    folder = folder_with(tmp_path, "print_run", '"印数" = 300')
    with caplog.at_level(logging.WARNING, logger="typeset"):
        load(folder)
    assert any("issue.toml:11" in record.getMessage() and "“print_run”（印数）" in record.getMessage()
               for record in caplog.records)


def test_unknown_key_through_the_command_builds_and_warns(tmp_path):
    folder = folder_with(tmp_path, "paper", 'paper = "A4"\npaper_size = "A4"')
    result = huikan_build(tmp_path, str(folder))
    assert result.returncode == 0, result.stderr
    assert "警告" in result.stderr and "paper_size" in result.stderr and "“paper”" in result.stderr
    assert "typeset.config" not in result.stderr  # our own warnings carry no logger name


def test_an_issue_toml_saved_by_notepad_as_gb18030_is_read(tmp_path):
    folder = folder_with(tmp_path, "title", 'title = "两新党建通讯"')
    toml = folder / "issue.toml"
    toml.write_bytes(toml.read_text(encoding="utf-8").encode("gb18030"))
    assert load(folder).bulletin.meta.title == "两新党建通讯"


@pytest.mark.parametrize("code", [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x202E, 0x2066, 0xFFFE, 0xFDD0])
def test_every_control_character_is_refused_in_every_text_field(code):
    values = config.merge(config.DEFAULTS, {"year": 2014, "number": 5, "date": dt.date(2014, 5, 30)})
    for key in config.TEXT_KEYS:
        bad = dict(values, **{key: f"两新{chr(code)}党建"})
        with pytest.raises(ConfigError, match=f"U\\+{code:04X}"):
            config.check_values(bad)


@pytest.mark.parametrize("text", ["两新党建", "Party & Co.", "两新·党建", "《两新》", "党建\u200d通讯", "a\u00a0b"])
def test_ordinary_titles_pass(text):
    values = config.merge(config.DEFAULTS, {"year": 2014, "number": 5, "date": dt.date(2014, 5, 30), "title": text})
    config.check_values(values)


@pytest.mark.parametrize("year", [config.FIRST_YEAR, config.LAST_YEAR])
def test_the_accepted_years_fit_every_edition(year):
    """The range's ends are real: a ZIP (the EPUB's container) can carry their dates."""
    config.check_values(config.merge(config.DEFAULTS, {"year": year, "number": 12, "date": dt.date(year, 12, 31)}))
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("EPUB/content.opf", "<package/>")
        archive.writestr("EPUB/toc.ncx", "<ncx/>")
    with zipfile.ZipFile(io.BytesIO(rezip(raw.getvalue(), dt.date(year, 12, 31)))) as archive:
        assert archive.getinfo("mimetype").date_time[0] == max(year, 1980)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(min_size=1, max_size=20), publisher=st.text(min_size=1, max_size=40))
def test_any_accepted_title_and_publisher_make_a_well_formed_epub_package(title, publisher):
    """What validation lets through, the EPUB's package documents can carry (a control character
    in the publisher made an EPUB that failed EPUBCheck)."""
    values = config.merge(config.DEFAULTS, {"year": 2014, "number": 5, "date": dt.date(2014, 5, 30),
                                            "title": title, "publisher": publisher})
    try:
        config.check_values(values)
    except ConfigError:
        return
    meta = config.make_meta(values)
    book = new_book(meta, has_cover=False, has_pages=False)
    book.add_item(epub.EpubNcx())
    with zipfile.ZipFile(io.BytesIO(write(book, meta))) as package:
        opf = etree.fromstring(package.read("EPUB/content.opf"))
        etree.fromstring(package.read("EPUB/toc.ncx"))
    texts = "".join(opf.itertext())
    assert title in texts and publisher in texts
