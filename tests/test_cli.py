"""CLI wiring: commands, Chinese messages, exit codes; and the package installed from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import QUIRKS, ROOT, SEED

TYPESET = [sys.executable, "-m", "typeset"]


def run(*args, cwd=None, env=None):
    return subprocess.run(TYPESET + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env)


def test_help_is_chinese_and_does_not_import_weasyprint():
    code = ("import sys; sys.argv = ['typeset', '--help']\n"
            "from typeset.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
            "assert 'ebooklib' not in sys.modules, 'ebooklib imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "用法" in result.stdout and "选项" in result.stdout and "命令" in result.stdout
    assert "Show this message" not in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("huikan ")


def test_build_html_prints_where_the_files_are(tmp_path):
    result = run("build", "-f", "html", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "out" / "2014-05.html") in result.stdout
    assert "完成" in result.stdout


def test_single_file_with_metadata_options(tmp_path):
    result = run("build", SEED, "-f", "html", "-o", tmp_path, "--year", "2014", "--number", "5", "--date", "2014-05-30")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "2014-05.html").read_text(encoding="utf-8")
    assert "2014年第5期" in html and "2014年5月30日" in html
    assert "未指定刊名" in result.stderr


def test_user_mistakes_are_one_chinese_line(tmp_path):
    cases = [
        (["build", tmp_path / "nope.txt"], "nope.txt"),
        (["build", "-f", "docx"], "未知的输出格式"),
        (["build", SEED, "--date", "30/05/2014"], "日期"),
        (["build", "--no-such-option"], "命令用法不对"),
        (["new", ROOT], "已被占用"),
        (["new", SEED], "已被占用"),
    ]
    for args, expected in cases:
        result = run(*args)
        assert result.returncode != 0, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout


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
    result = subprocess.run([str(env_dir / "bin" / "huikan"), "build", "-f", "html", "-f", "pdf", "-o", str(out)],
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
    result = run("build", "-f", "html", "-o", tmp_path)
    assert result.returncode == 0
    assert "interpunct" in result.stderr and "stray-space" in result.stderr


def test_strict_fails_on_the_samples_check_warnings(tmp_path):
    result = run("build", "-f", "html", "-o", tmp_path, "--strict")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("错误：有 5 条警告或校对提示")
