"""CLI wiring: commands, Chinese messages, exit codes; and the package installed from a wheel."""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import venv
from pathlib import Path

import pytest

from typeset.check import check_bulletin
from typeset.resources import sample_issue_dir
from typeset.sources import load

from conftest import QUIRKS, ROOT, SEED

TYPESET = [sys.executable, "-m", "typeset"]


def run(*args, cwd=None, env=None):
    env = env or dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(TYPESET + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture
def huikan(capsys, monkeypatch):
    """The real entry point, run in this process (no start-up cost): → (exit code, stdout, stderr)."""
    import signal

    from typeset.cli import main

    def call(*args):
        monkeypatch.setattr(sys, "argv", ["huikan", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "80")
        handler = signal.getsignal(signal.SIGTERM)
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code or 0
        finally:
            signal.signal(signal.SIGTERM, handler)
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return call


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


ENGLISH = re.compile(r"Usage|Options|Arguments|Commands|Error|Invalid|Missing|No such|Did you|Got unexpected|"
                     r"requires|File exists|Permission|directory|<bool>|<str>|<int>|<path>|<list|TEXT|INTEGER|PATH|"
                     r"\[OPTIONS\]|\[source\]|\{folder\}|Aborted")


def test_help_is_chinese_and_does_not_import_weasyprint():
    code = ("import sys; sys.argv = ['typeset', '--help']\n"
            "from typeset.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
            "assert 'ebooklib' not in sys.modules, 'ebooklib imported'\n"
            "assert 'rich' not in sys.modules, 'rich imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "用法" in result.stdout and "选项" in result.stdout and "命令" in result.stdout
    assert "Show this message" not in result.stdout


@pytest.mark.parametrize("args", [[], ["-h"], ["build", "-h"], ["new", "-h"], ["check", "-h"], ["preview", "-h"]])
def test_help_is_chinese_fits_80_columns_and_cuts_no_word(huikan, args):
    code, stdout, stderr = huikan(*args)
    assert code == 0, stderr
    assert stdout.startswith("用法：huikan") and not ENGLISH.search(stdout), stdout
    assert all(width(line) <= 80 for line in stdout.splitlines()), stdout
    assert "…" not in stdout
    words = re.findall(r"-*[A-Za-z][A-Za-z0-9./_-]*", stdout)
    if args[:1] == ["build"]:
        for option in ("--report-to", "--copy-to", "--send-to", "--print-run", "--paper", "issue.toml", "PDF/X-4"):
            assert option in words, option


@pytest.mark.parametrize("args, expected", [
    (["buil"], "没有“buil”这个命令（您是不是要写 build？）"),
    (["build", "--year", "x"], "选项“--year”的值不对：应为整数"),
    (["build", "--print-run", "很多"], "选项“--print-run”的值不对：应为整数"),
    (["new"], "缺少参数“文件夹”"),
    (["build", "--nope"], "没有“--nope”这个选项"),
    (["build", "-f"], "选项“-f”后面要写一个值"),
    (["check", "--fix=1"], "选项“--fix”不接受值"),
    (["build", "a", "b"], "多余的参数：b"),
    (["build", SEED, "--paper", "B5"], "纸张“B5”不支持"),
])
def test_usage_errors_are_one_chinese_line(huikan, args, expected):
    code, stdout, stderr = huikan(*args)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and not ENGLISH.search(lines[0]), stderr


@pytest.mark.parametrize("args", [["build", "x", "-o"], ["build", "--strict=1"], ["check", "--fix=1"], ["build", "--nope"]])
def test_usage_errors_point_to_the_sub_commands_help(huikan, args):
    code, _, stderr = huikan(*args)
    assert code == 2 and stderr.strip().endswith(f"运行 huikan {args[0]} -h 查看帮助。"), stderr


def test_os_errors_are_chinese(tmp_path):
    (tmp_path / "file.txt").write_text("一个普通文件\n", encoding="utf-8")
    for args in (["new", tmp_path / "file.txt" / "2026-12"], ["build", SEED, "-f", "html", "-o", tmp_path / "file.txt" / "out"]):
        result = run(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert "file.txt" in lines[0] and not ENGLISH.search(lines[0]), lines[0]
        assert "已有同名的文件或文件夹" in lines[0] or "路径中有一段不是文件夹" in lines[0], lines[0]


def test_control_characters_never_reach_the_terminal(huikan, tmp_path):
    code, stdout, stderr = huikan("build", tmp_path / "bad\x1b[31mname\x07.txt")
    assert code == 2
    assert "\x1b" not in stderr and "\x07" not in stderr
    assert "bad\\x1b[31mname\\x07.txt" in stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("huikan ")


def test_build_html_prints_where_the_files_are(tmp_path):
    result = run("build", sample_issue_dir(), "-f", "HTML", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "out" / "2014-05.html") in result.stdout
    assert "完成" in result.stdout


def test_single_file_takes_the_colophon_and_paper_as_options(tmp_path):
    result = run("build", SEED, "-f", "html", "-o", tmp_path, "--date", "2014-05-30", "--paper", "正度16开",
                 "--report-to", "报送单位甲", "--copy-to", "抄送单位乙", "--send-to", "发送范围丙", "--print-run", "512")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "2014-05.html").read_text(encoding="utf-8")
    for text in ("报送单位甲", "抄送单位乙", "发送范围丙", "512", "185mm 260mm"):
        assert text in html, text


def test_single_file_with_metadata_options(tmp_path):
    result = run("build", SEED, "-f", "html", "-o", tmp_path, "--year", "2014", "--number", "5", "--date", "2014-05-30")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "2014-05.html").read_text(encoding="utf-8")
    assert "2014年第5期" in html and "2014年5月30日" in html
    assert "未指定刊名" in result.stderr


def test_user_mistakes_are_one_chinese_line(tmp_path):
    cases = [
        (["build", tmp_path / "nope.txt"], "nope.txt"),
        (["build", SEED, "-f", "docx"], "未知的输出格式"),
        (["build"], "没有 issue.toml"),
        (["build", SEED, "--date", "30/05/2014"], "日期"),
        (["build", "--no-such-option"], "没有“--no-such-option”这个选项"),
        (["new", ROOT], "已被占用"),
        (["new", SEED], "已被占用"),
    ]
    for args, expected in cases:
        result = run(*args)
        assert result.returncode != 0, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout


def test_new_takes_the_issue_from_the_folder_name_and_the_serial_from_the_previous_issue(tmp_path):
    previous = tmp_path / "2026-11"
    previous.mkdir()
    (previous / "issue.toml").write_text("year = 2026\nnumber = 11\nserial = 88\n", encoding="utf-8")
    expected = {"2026-12": (2026, 12, 89, "2026-12-31"), "2027年第1期": (2027, 1, 90, "2027-01-31"),
                "2027-3": (2027, 3, 92, "2027-03-31")}
    for name, (year, number, serial, date) in expected.items():
        result = run("new", tmp_path / name)
        assert result.returncode == 0, result.stderr
        toml = (tmp_path / name / "issue.toml").read_text(encoding="utf-8")
        for key, value in (("year", year), ("number", number), ("serial", serial), ("date", date)):
            assert re.search(rf"(?m)^{key} = {value}\b", toml), (name, key, toml)
        assert f"已按文件夹名设为 {year}年第{number}期" in result.stdout
    odd = run("new", tmp_path / "下一期")
    assert odd.returncode == 0 and "不是期号" in odd.stdout and "示例值" in odd.stdout
    alone = run("new", tmp_path / "elsewhere" / "2026-05")
    assert "总期号未填" in alone.stdout
    assert re.search(r"(?m)^# serial", (tmp_path / "elsewhere" / "2026-05" / "issue.toml").read_text(encoding="utf-8"))


def test_new_scaffolds_an_issue_that_builds(tmp_path):
    folder = tmp_path / "2014-06"
    result = run("new", folder)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["01-工作交流.txt", "02-协会动态.txt", "issue.toml"]
    assert "# 刊名" in (folder / "issue.toml").read_text(encoding="utf-8")
    built = run("build", folder, "-f", "html", "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "out" / "2014-06.html").read_text(encoding="utf-8")
    assert "工作交流" in html and "第一条动态的标题" in html
    from typeset.scaffold import EXAMPLE_LINES

    placeholders = [line for line in built.stderr.splitlines() if "huikan new 生成的示例文字" in line]
    assert len(placeholders) == len(EXAMPLE_LINES) == 9 and all(line.startswith("警告：") for line in placeholders)
    assert placeholders[0].startswith("警告：01-工作交流.txt:1:1  placeholder  ")
    assert "02-协会动态.txt:1:" not in built.stderr and "02-协会动态.txt:2:1  placeholder" in built.stderr
    strict = run("build", folder, "-f", "html", "-o", tmp_path / "out", "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr
    main = html[html.index("<main"):]
    assert main.count("协会动态") == 1  # the section label, not the article title again


def test_build_and_check_inside_an_issue_folder_use_it(tmp_path):
    folder = tmp_path / "本期"
    shutil.copytree(sample_issue_dir(), folder)
    toml = folder / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("两新党建", "本期刊名"), encoding="utf-8")
    built = run("build", "-f", "html", "-o", tmp_path / "out", cwd=folder)
    assert built.returncode == 0, built.stderr
    assert "本期刊名" in (tmp_path / "out" / "2014-05.html").read_text(encoding="utf-8")
    (folder / "zz-新栏目.txt").write_text("☆ 标题\n半角逗号,在这里。\n", encoding="utf-8")
    checked = run("check", cwd=folder)
    assert checked.returncode == 1 and "zz-新栏目.txt:2" in checked.stdout, checked.stdout


def test_build_labels_and_lists_every_finding(tmp_path):
    result = run("build", QUIRKS, "-f", "html", "-o", tmp_path, "--force", "--title", "会刊", "--publisher", "秘书处",
                 "--date", "2014-05-30")
    assert result.returncode == 0, result.stderr
    findings = check_bulletin(load(QUIRKS).bulletin).findings
    lines = [line for line in result.stderr.splitlines() if "seed-quirks.txt:" in line]
    assert len(lines) == len(findings) > 5
    for line, finding in zip(lines, findings):
        label = "错误：" if finding.severity == "error" else "警告："
        assert line == label + str(finding)


def test_every_problem_of_an_issue_toml_is_listed(issue_copy):
    toml = issue_copy / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("number = 5", 'number = "五"')
                    .replace("serial = 25", 'serial = "二十五"'), encoding="utf-8")
    result = run("build", issue_copy, "-f", "html")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 2, result.stderr
    assert "number" in lines[0] and "serial" in lines[1] and "另有" not in result.stderr


def test_progress_on_a_terminal_only(tmp_path):
    source = tmp_path / "tiny.txt"
    source.write_text("☆ 标题\n正文一段。\n", encoding="utf-8")
    args = TYPESET + ["build", str(source), "-f", "pdf", "-o", str(tmp_path / "out"), "--date", "2014-05-30"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), HUIKAN_PROGRESS_DELAY="0", TERM="xterm")  # CI may run with TERM=dumb
    main, secondary = pty.openpty()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=secondary, env=env)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=60) == 0
    text = shown.decode("utf-8", "replace")
    assert "写印刷 PDF" in text and re.search(r"排版第 \d+ 页", text), text
    quiet = subprocess.run([*args[:-6], "-f", "html", *args[-4:]], capture_output=True, text=True, env=env)
    assert quiet.returncode == 0 and all(line.startswith("提示：") for line in quiet.stderr.splitlines()), quiet.stderr
    assert "读取" not in quiet.stderr and "排版" not in quiet.stderr


@pytest.mark.slow
def test_wheel_install_finds_styles_templates_and_sample(tmp_path):
    """Styles, templates and the sample travel inside the wheel, not only in a checkout."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("typeset-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([sys.executable, "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from this test environment (offline, fast); the package itself from the wheel.
    (Path(subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                         capture_output=True, text=True, check=True).stdout.strip()) / "deps.pth").write_text(site + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": ""}
    sample = subprocess.run([str(python), "-c", "import typeset.resources as r; print(r.sample_issue_dir())"],
                            capture_output=True, text=True, cwd=tmp_path, env=env).stdout.strip()
    result = subprocess.run([str(env_dir / "bin" / "huikan"), "build", sample, "-f", "html", "-f", "pdf", "-o", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    located = subprocess.run([str(python), "-c", "import typeset.resources as r; print(r.data_root())"],
                             capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert "site-packages/typeset/_data" in located
    assert (out / "2014-05.pdf").stat().st_size > 10_000


def test_build_stops_on_check_errors_unless_forced(tmp_path):
    out = tmp_path / "out"
    stopped = run("build", QUIRKS, "-f", "html", "-o", out)
    assert stopped.returncode == 1
    assert "seed-quirks.txt:2:5  halfwidth-punct" in stopped.stderr
    assert stopped.stderr.strip().splitlines()[-1].startswith("错误：发现 7 处必须修改的错误")
    assert not out.exists()
    forced = run("build", QUIRKS, "-f", "html", "-o", out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (out / next(p.name for p in out.glob("*.html"))).stat().st_size > 0


def test_sample_warnings_are_shown_and_the_build_goes_on(tmp_path):
    result = run("build", sample_issue_dir(), "-f", "html", "-o", tmp_path)
    assert result.returncode == 0
    assert "interpunct" in result.stderr and "stray-space" in result.stderr


def test_strict_fails_on_the_samples_check_warnings(tmp_path):
    result = run("build", sample_issue_dir(), "-f", "html", "-o", tmp_path, "--strict")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("错误：有 5 条警告或校对提示")
    assert list(tmp_path.iterdir()) == []


def test_last_months_folder_copied_is_refused_and_does_not_replace_last_months_output(tmp_path):
    shutil.copytree(sample_issue_dir(), tmp_path / "2014-05")
    assert run("build", "2014-05", "-f", "html", cwd=tmp_path).returncode == 0
    before = (tmp_path / "output" / "2014-05" / "2014-05.html").read_bytes()
    shutil.copytree(tmp_path / "2014-05", tmp_path / "2014-06")
    checked = run("check", "2014-06", cwd=tmp_path)
    assert checked.returncode == 1
    assert "错误：issue.toml:4:1  issue-number  文件夹名“2014-06”是 2014年第6期" in checked.stdout, checked.stdout
    copied = run("build", "2014-06", "-f", "html", cwd=tmp_path)
    lines = copied.stderr.strip().splitlines()
    assert copied.returncode == 1 and lines[-1].startswith("错误：发现 1 处必须修改的错误"), copied.stderr
    assert (tmp_path / "output" / "2014-05" / "2014-05.html").read_bytes() == before


# --- traps a new secretary fell into (issue 26) -------------------------------------------------

def test_build_without_an_issue_here_names_the_issue_folders_near_and_never_builds_the_sample(huikan, tmp_path, monkeypatch):
    for name in ("2026年第11期", "2026年第12期"):
        (tmp_path / name / "imgs").mkdir(parents=True)
        (tmp_path / name / "issue.toml").write_text("year = 2026\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "2026年第12期" / "imgs")
    code, stdout, stderr = huikan("build", "-f", "html")
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1, stderr
    assert "没有 issue.toml" in lines[0] and "..、../../2026年第11期" in lines[0], lines[0]
    assert not (tmp_path / "2026年第12期" / "imgs" / "output").exists()
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = huikan("check")
    assert code == 2 and "附近的会刊文件夹：2026年第11期、2026年第12期" in stderr and "huikan check 2026年第11期" in stderr


def test_a_mistyped_issue_name_is_answered_with_the_only_folder_of_that_issue(huikan, tmp_path, monkeypatch):
    for name in ("2026年第12期", "pristine-2026-12", "2026年第11期"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "issue.toml").write_text("year = 2026\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = huikan("build", "2026-12")
    assert code == 2 and stderr.strip() == "错误：2026-12: 找不到这个文件或文件夹，是不是 2026年第12期？", stderr
    (tmp_path / "2026_12").mkdir()
    (tmp_path / "2026_12" / "issue.toml").write_text("year = 2026\n", encoding="utf-8")
    code, stdout, stderr = huikan("build", "2026-12")
    assert "是不是" not in stderr and "请检查路径" in stderr


def test_a_misspelt_folder_name_is_answered_with_the_folder_spelt_closest(huikan, tmp_path, monkeypatch):
    for name in ("2026年第12期", "2026年第11期", "2027-01"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "issue.toml").write_text("year = 2026\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for typed, meant in (("2027-01x", "2027-01"), ("2026年第12其", "2026年第12期")):
        code, stdout, stderr = huikan("build", typed)
        assert code == 2 and stderr.strip() == f"错误：{typed}: 找不到这个文件或文件夹，是不是 {meant}？", stderr
    code, stdout, stderr = huikan("check", "2026年第1x期")  # as close to 第11期 as to 第12期: no guess
    assert code == 2 and "是不是" not in stderr and "请检查路径" in stderr, stderr
    code, stdout, stderr = huikan("build", "会刊")
    assert code == 2 and "是不是" not in stderr, stderr


def test_new_takes_the_serial_from_issue_folders_only_and_asks_when_two_claim_one_issue(tmp_path):
    def issue(name, serial):
        (tmp_path / name).mkdir()
        (tmp_path / name / "issue.toml").write_text(f"year = 2026\nnumber = 12\nserial = {serial}\n", encoding="utf-8")

    issue("2026年第12期", 88)
    issue("pristine-2026-12", 12)
    result = run("new", tmp_path / "2027-01")
    assert result.returncode == 0, result.stderr
    assert "总期号 89（接 2026年第12期 的总第 88 期）" in result.stdout
    shutil.rmtree(tmp_path / "2027-01")
    issue("2026-12", 90)
    asked = run("new", tmp_path / "2027-01")
    lines = asked.stderr.strip().splitlines()
    assert asked.returncode == 2 and len(lines) == 1 and "2026-12、2026年第12期" in lines[0], asked.stderr
    assert not (tmp_path / "2027-01").exists()


def test_ctrl_c_during_start_up_is_one_line_and_exit_130(tmp_path):
    """Interrupted at moments spread over the imports (Typer, the checker…): never a traceback
    from huikan's code or its libraries. (The interpreter's own start-up, before any line of
    huikan runs, cannot be helped: the moments begin after it.)"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    bare = max(_seconds([sys.executable, "-c", "import os"], env) for _ in range(3))
    for delay in (0.0, 0.02, 0.05, 0.1, 0.15, 0.25):
        process = subprocess.Popen([*TYPESET, "check", SEED], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(bare * 1.5 + delay)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        if process.returncode in (0, 1):
            continue  # checked before the signal came
        ours = [path for path in re.findall(r'File "([^"]+)"', stderr) if "/typeset/" in path or "site-packages" in path]
        assert ours == [] and process.returncode in (130, -signal.SIGINT), (delay, stderr)
        assert process.returncode == -signal.SIGINT or stderr == "已中止：没有写出任何文件。\n", (delay, stderr)


def _seconds(command, env) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - start


def test_a_copied_folder_built_from_inside_is_refused_naming_the_issue_toml_line(tmp_path):
    """Last month's folder has no output/ (nothing to collide with): the copy is refused all the same."""
    copy = tmp_path / "2014-06"
    shutil.copytree(sample_issue_dir(), copy)
    refused = run("build", "-f", "html", cwd=copy)
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 1 and lines[-1].startswith("错误：发现 1 处必须修改的错误") and "--force" in lines[-1]
    named = [line for line in lines if line.startswith("错误：issue.toml:4:1  issue-number")]
    assert len(named) == 1 and "改成 year = 2014、number = 6（并核对 date 和 serial）" in named[0], refused.stderr
    assert not (copy / "output").exists()
    forced = run("build", "-f", "html", "--force", cwd=copy)
    assert forced.returncode == 0 and (copy / "output" / "2014-05" / "2014-05.html").is_file(), forced.stderr


def test_check_labels_and_counts_what_reading_the_issue_warned_of(huikan, tmp_path):
    """An unknown key of issue.toml is a 警告 line of huikan check, counted in its summary."""
    folder = tmp_path / "2026-02"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "协会通讯"\nyear = 2026\nnumber = 2\ndate = 2026-02-28\n'
                                       'publisher = "秘书处"\ntitel = "x"\n', encoding="utf-8")
    (folder / "01-工作交流.txt").write_text("☆ 标题\n正文一段。\n", encoding="utf-8")
    code, stdout, stderr = huikan("check", folder)
    lines = (stdout + stderr).splitlines()
    assert code == 0 and f"警告：{folder}/issue.toml:6: 未知的设置项“titel”，已忽略。是不是要写“title”（刊名）？" in lines, lines
    assert all(line.startswith(("警告：", "共 ")) for line in lines), lines
    assert lines[-1] == "共 0 处错误、1 处警告", lines
