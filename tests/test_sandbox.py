"""An issue folder's own templates and stylesheets are untrusted: they render in a sandbox, read
nothing outside the search path, and a forbidden construct is one Chinese line naming the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from typeset.errors import StyleError
from typeset.render import render_master
from typeset.sources import load

from conftest import ROOT

EXPLOIT = "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}"
MASTER_OVERRIDE = '{% extends "base.html.j2" %}{% block masthead %}__BODY__{% endblock %}\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def huikan(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "typeset", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def render_issue(folder: Path) -> str:
    return render_master(load(folder).bulletin).html


@pytest.mark.parametrize("where", ["templates/master.html.j2", "style/common.css.j2", "style/print.css.j2"])
def test_exploit_from_the_issue_runs_no_command(issue_copy, tmp_path, where):
    """The reproduction of issue 16.1, through the real command."""
    proof = tmp_path / "PWNED"
    payload = EXPLOIT % proof
    text = MASTER_OVERRIDE.replace("__BODY__", payload) if where.endswith(".html.j2") else f"body {{ }}\n{payload}\n"
    write(issue_copy / where, text)
    out = tmp_path / "out"
    result = huikan("build", issue_copy, "-f", "html", "-o", out, cwd=tmp_path)
    assert not proof.exists(), "the template ran a shell command"
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert Path(where).name in lines[0] and "不允许" in lines[0] and "__init__" in lines[0], lines[0]
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("payload", [
    "{{ lipsum.__globals__['os'] }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace.__init__.__globals__ }}",
    "{% set x = [] %}{{ x.append(1) }}",
    "{{ 'x' * 1000000000 }}",
    "{{ 9 ** 99999999 }}",
    "{% for i in range(10000000) %}{% endfor %}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'|indent(width=1000000000) }}",
])
def test_forbidden_constructs_are_a_style_error_naming_the_line(issue_copy, payload):
    path = write(issue_copy / "templates" / "master.html.j2", "{% extends \"base.html.j2\" %}\n"
                 "{% block masthead %}\n" + payload + "\n{% endblock %}\n")
    with pytest.raises(StyleError) as caught:
        render_issue(issue_copy)
    assert caught.value.path == path and caught.value.line == 3, str(caught.value)


def test_a_symlinked_template_pointing_outside_is_refused(issue_copy, tmp_path):
    secret = write(tmp_path / "secret" / "master.html.j2", "SECRET {{ meta.title }}\n")
    (issue_copy / "templates").mkdir()
    (issue_copy / "templates" / "master.html.j2").symlink_to(secret)
    with pytest.raises(StyleError, match="之外") as caught:
        render_issue(issue_copy)
    assert caught.value.path.name == "master.html.j2"


def test_a_symlinked_stylesheet_pointing_outside_is_refused(issue_copy, tmp_path):
    secret = write(tmp_path / "secret.css.j2", "body { content: 'SECRET' }\n")
    (issue_copy / "style").mkdir()
    (issue_copy / "style" / "common.css.j2").symlink_to(secret)
    with pytest.raises(StyleError, match="之外"):
        render_issue(issue_copy)


@pytest.mark.parametrize("target", ["../../secret.html", "/etc/hostname", "../issue.toml", "evil.html.j2"])
def test_includes_cannot_reach_outside_the_search_path(issue_copy, tmp_path, target):
    write(tmp_path / "secret.html", "SECRET\n")
    (issue_copy / "templates").mkdir()
    (issue_copy / "templates" / "evil.html.j2").symlink_to(tmp_path / "secret.html")
    write(issue_copy / "templates" / "master.html.j2",
          MASTER_OVERRIDE.replace("__BODY__", '{% include "' + target + '" %}'))
    with pytest.raises(StyleError):
        render_issue(issue_copy)


def test_a_template_syntax_error_names_file_and_line(issue_copy):
    path = write(issue_copy / "templates" / "master.html.j2", '{% extends "base.html.j2" %}\n{% block masthead %}\n{{ meta.title }\n')
    with pytest.raises(StyleError, match="语法") as caught:
        render_issue(issue_copy)
    assert caught.value.path == path and caught.value.line == 3


def test_a_python_error_in_an_issue_template_is_the_editors(issue_copy):
    path = write(issue_copy / "templates" / "master.html.j2", MASTER_OVERRIDE.replace("__BODY__", "{{ 1 + 'a' }}"))
    with pytest.raises(StyleError) as caught:
        render_issue(issue_copy)
    assert caught.value.path == path


def test_legitimate_overrides_still_render(issue_copy):
    """A block override, an own stylesheet and an include inside the issue's folder all work."""
    write(issue_copy / "templates" / "banner.html.j2", "<p class=banner>{{ meta.title }}·特刊</p>\n")
    write(issue_copy / "templates" / "master.html.j2", MASTER_OVERRIDE.replace(
        "__BODY__", '{% include "banner.html.j2" %}{% for s in sections %}{{ s.title|cjk }}{% endfor %}'))
    write(issue_copy / "style" / "screen.css.j2", "body { max-width: {{ geo.measure_pt }}pt; color: {{ '#' ~ '333' }} }\n")
    html = render_issue(issue_copy)
    assert "<p class=banner>两新党建·特刊</p>" in html
    assert "max-width: 420.0pt; color: #333" in html


@pytest.mark.parametrize("folder, name", [("templates", "master.html.j2"), ("style", "common.css.j2")])
def test_a_symlinked_override_folder_pointing_outside_is_refused(issue_copy, tmp_path, folder, name):
    write(tmp_path / "elsewhere" / name, "SECRET\n")
    (issue_copy / folder).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(StyleError, match="之外"):
        render_issue(issue_copy)


def test_an_issue_folder_reached_through_a_symlink_keeps_its_overrides(issue_copy, tmp_path):
    write(issue_copy / "style" / "screen.css.j2", "body { color: #123 }\n")
    link = tmp_path / "link"
    link.symlink_to(issue_copy, target_is_directory=True)
    assert "body { color: #123 }" in render_issue(link)


PATH_ESCAPES = [
    '{{ style.issue_root.joinpath("%s").write_text("owned") }}',
    '{{ style.search_path[-1].joinpath("%s").write_text("owned") }}',
    '{{ style.find("style.toml").parent.joinpath("%s").write_text("owned") }}',
]


@pytest.mark.parametrize("payload", PATH_ESCAPES)
def test_a_stylesheet_reaches_no_path_object(issue_copy, tmp_path, payload):
    """The attack found in review: a path needs no underscore to read or write any file."""
    proof = tmp_path / "PWNED"
    write(issue_copy / "style/common.css.j2", "body { }\n/* " + payload % proof + " */\n")
    result = huikan("build", issue_copy, "-f", "html", "-o", tmp_path / "out", cwd=tmp_path)
    assert not proof.exists(), "the stylesheet wrote a file"
    assert result.returncode == 2 and "common.css.j2" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_no_path_is_reachable_from_any_template_value(issue_copy):
    """Defence in depth: even a path handed to a template by mistake has no usable attribute."""
    from typeset import sandbox

    env = sandbox.environment([issue_copy], issue_copy)
    env.from_string("{{ p }}").render(p=Path("/etc/hostname"))  # printing it is harmless
    for expression in ("{{ p.read_text() }}", "{{ p.parent }}", "{{ m.system }}"):
        with pytest.raises(StyleError, match="不允许"):
            with sandbox.template_errors(env):
                env.from_string(expression).render(p=Path("/etc/hostname"), m=os)


@pytest.mark.parametrize("body", [
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
])
def test_nested_loops_cannot_exhaust_time_or_memory(issue_copy, monkeypatch, body):
    """Found in review: each range is capped, nested ones were not (1.1 GB and growing)."""
    from typeset import sandbox

    monkeypatch.setattr(sandbox, "MAX_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 1_000_000)
    write(issue_copy / "templates/master.html.j2", MASTER_OVERRIDE.replace("__BODY__", body))
    with pytest.raises(StyleError, match="master.html.j2.*(秒|百万字)"):
        render_issue(issue_copy)


@pytest.mark.parametrize("override", [
    '{% block masthead %}<a rel="attachment" href="issue.toml">附件</a>{{ super() }}{% endblock %}',
    '{% block head %}{{ super() }}<link rel="attachment" href="issue.toml">{% endblock %}',
])
def test_an_attachment_link_in_a_template_is_dropped_with_a_warning(issue_copy, tmp_path, override):
    """Found in review: <link rel="attachment"> crashed the PDF writer (exit 70)."""
    from typeset.build import build

    write(issue_copy / "templates/master.html.j2", '{% extends "base.html.j2" %}' + override + "\n")
    result = build(issue_copy, tmp_path / "out", ["archive"])
    assert result.warnings and all("附件链接" in w for w in result.warnings), result.warnings
    from pypdf import PdfReader

    names = PdfReader(result.files["archive"]).attachments
    assert "issue.toml" in names and all(not name.startswith("attachment") for name in names)
