"""Templates run in a sandbox: an issue folder may bring its own ``templates/`` and
``style/*.css.j2``, and an issue folder is untrusted input (it may come by mail).

- Jinja's ``ImmutableSandboxedEnvironment``: no underscore attributes (so no
  ``cycler.__init__.__globals__.os``), no calls that change lists or dicts, ranges capped;
  stricter still, no huge strings or lists from ``*``, ``ljust(10**9)`` or ``|center``, and no
  ``**`` at all.
- A confined loader: a template (or an ``include``/``import``/``extends`` target) is read only
  when its real path, symlinks followed, lies inside the issue folder or our own files.
- Every template mistake becomes one ``StyleError`` naming the template file and line.
"""

from __future__ import annotations

import io
import operator
import re
import signal
import threading
import traceback
import types
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Iterator, Sequence

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from typeset.errors import StyleError
from typeset.resources import styles_dir, templates_dir

FORBIDDEN_TYPES = (PurePath, types.ModuleType, io.IOBase)
MAX_REPEAT = 100_000  # the longest string or list ``*`` may make in a template
MAX_OUTPUT = 100_000_000  # characters a template may produce (a 50 MB issue makes far less)
MAX_SECONDS = 120.0  # a template's rendering time (the sample's master takes ~0.1 s)
TEMPLATE_SUFFIXES = (".j2",)


class StrictSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with ``*`` limited and ``**`` refused (both can exhaust memory or time)."""

    intercepted_binops = frozenset(["*", "**"])

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Nothing that reaches files, modules or the interpreter, whatever its name: a path's
        ``read_text``/``write_text`` needs no underscore."""
        if isinstance(obj, FORBIDDEN_TYPES) or isinstance(value, FORBIDDEN_TYPES):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            raise SecurityError("不允许使用乘方运算 **")
        if _repeat_count(left, right) > MAX_REPEAT:
            raise SecurityError(f"重复的文字或列表超过 {MAX_REPEAT} 项")
        return operator.mul(left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        """No call may ask for a size past ``MAX_REPEAT`` (``'x'.ljust(1000000000)``)."""
        if any(isinstance(arg, int) and arg > MAX_REPEAT for arg in (*args, *kwargs.values())):
            raise SecurityError(f"参数超过 {MAX_REPEAT}")
        return super().call(__context, __obj, *args, **kwargs)


def _repeat_count(left, right) -> int:
    """How long ``left * right`` would be when it repeats a string or list (0 for numbers)."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
            return len(sequence) * max(count, 0)
    return 0


class ConfinedLoader(jinja2.FileSystemLoader):
    """A ``FileSystemLoader`` (which already refuses ``..``) that also refuses a file whose real
    path, after symlinks (of the file or of any folder on the way), lies outside the issue folder
    and the bundled styles and templates."""

    def __init__(self, folders: Sequence[Path], issue_root: Path | None):
        super().__init__([str(folder) for folder in folders])
        self.boundaries = [Path(root).resolve() for root in (issue_root, styles_dir(), templates_dir()) if root]

    def get_source(self, environment, template):
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError:
            raise StyleError(f"模板“{template}”不是 UTF-8 编码的文本，请另存为 UTF-8。") from None
        if not any(Path(filename).resolve().is_relative_to(root) for root in self.boundaries):
            raise StyleError("模板文件指向本期文件夹之外（符号链接）：只能使用文件夹内的模板，请换成普通文件。", filename)
        return source, filename, uptodate


def environment(folders: Sequence[Path], issue_root: Path | None, **options) -> jinja2.Environment:
    """A sandboxed environment over ``folders`` (most specific first), confined to the issue
    folder ``issue_root`` (None: a single text file, no overrides) and our own files."""
    options = {"undefined": jinja2.StrictUndefined, "keep_trailing_newline": True, **options}
    env = StrictSandbox(loader=ConfinedLoader(folders, issue_root), **options)
    for name in SIZED_FILTERS:  # filters are not calls the sandbox sees: cap their widths here
        env.filters[name] = _capped(env.filters[name])
    return env


SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate")


def _capped(jinja_filter):
    def capped(*args, **kwargs):
        if any(isinstance(arg, int) and arg > MAX_REPEAT for arg in (*args[1:], *kwargs.values())):
            raise SecurityError(f"参数超过 {MAX_REPEAT}")
        return jinja_filter(*args, **kwargs)
    capped.__dict__.update(jinja_filter.__dict__)  # keeps Jinja's pass_environment/pass_eval_context marks
    return capped


def render(env: jinja2.Environment, name: str, **values) -> str:
    """Load and render template ``name``; any template mistake is one ``StyleError``. Nested
    loops can exhaust time and memory without any single big value: the output is capped at
    ``MAX_OUTPUT`` characters and the rendering at ``MAX_SECONDS``."""
    with template_errors(env):
        template = env.get_template(name)
    with template_errors(env, template.filename), time_limit(MAX_SECONDS):
        return "".join(_capped_output(template.generate(**values)))


def library_environment(folders: Sequence[Path] = (), **options) -> jinja2.Environment:
    """The members' site's environment: the tool's own templates only (``folders``: bundled
    ones, most specific first; the bundled templates always last), never an issue's, with
    autoescape on, so nothing an issue folder holds changes a site page and its text is escaped."""
    own = [*folders, templates_dir()]
    for folder in own:
        if not _bundled(Path(folder)):
            raise ValueError(f"not one of the tool's own template folders: {folder}")
    return environment(own, None, **{**options, "autoescape": True})


def render_library(env: jinja2.Environment, name: str, **values) -> str:
    """A page or feed of the members' site, through the same limits as every other template;
    ``env`` must come from ``library_environment``."""
    if not isinstance(env.loader, ConfinedLoader) or not all(_bundled(Path(p)) for p in env.loader.searchpath):
        raise ValueError("the site's pages are rendered only from the tool's own templates")
    return render(env, name, **values)


def _capped_output(chunks: Iterator[str]) -> Iterator[str]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise SecurityError(f"模板输出超过 {MAX_OUTPUT // 1_000_000} 百万字")
        yield chunk


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``SecurityError`` inside the template after ``seconds`` (main thread only: signals
    reach nowhere else; a worker process's main thread counts)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise SecurityError(f"模板运行超过 {seconds:g} 秒（循环太多）")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def template_errors(env: jinja2.Environment, rendering: str | None = None) -> Iterator[None]:
    """``rendering``: the template being rendered, named when a limit stops it outside any
    template line."""
    try:
        yield
    except jinja2.TemplateNotFound as exc:
        raise StyleError(f"找不到模板 {exc.name}（查找过：{'、'.join(env.loader.searchpath)}）。") from None
    except jinja2.TemplateSyntaxError as exc:
        raise StyleError(f"模板语法错误（{exc.message}），请对照自带的模板修改。", exc.filename, exc.lineno) from None
    except SecurityError as exc:
        where = _template_frame(exc)
        raise StyleError(f"模板用了不允许的写法（{_explain(exc)}）：自定义模板只能使用变量、过滤器、条件和循环。",
                         *(where if where[0] else (rendering, None))) from None
    except jinja2.UndefinedError as exc:
        raise StyleError(f"模板用到了不存在的内容（{_explain(exc)}），请检查变量名。", *_template_frame(exc)) from None
    except jinja2.TemplateError as exc:
        raise StyleError(f"模板出错（{exc}）。", *_template_frame(exc)) from None
    except Exception as exc:  # a Python error inside an issue's own template is the editor's to fix
        where = _template_frame(exc)
        if where[0] is None or _bundled(Path(where[0])):
            raise
        raise StyleError(f"模板出错（{type(exc).__name__}: {exc}），请检查这一行。", *where) from None


UNSAFE = (
    (re.compile(r"access to attribute '(.+?)' of '(.+?)' object is unsafe"), "不能访问 {1} 的内部属性 {0}"),
    (re.compile(r"(.+?) is not safely callable"), "不能调用 {0}"),
    (re.compile(r"Range too big.*", re.IGNORECASE), "range() 最多 100000 项"),
    (re.compile(r"'(.+?)' is undefined"), "没有名为 {0} 的变量"),
    (re.compile(r"'(.+?)' has no attribute '(.+?)'"), "{0} 没有 {1} 这一项"),
)


def _explain(exc: jinja2.TemplateError) -> str:
    """Jinja's sandbox and undefined messages in Chinese (others as Jinja says them)."""
    text = str(exc)
    for pattern, chinese in UNSAFE:
        match = pattern.fullmatch(text.rstrip("."))
        if match:
            return chinese.format(*match.groups())
    return text


def _bundled(path: Path) -> bool:
    """Whether a template file is one of ours (a bug there is ours, not the editor's)."""
    real = path.resolve()
    return any(real.is_relative_to(root.resolve()) for root in (templates_dir(), styles_dir()))


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where ``exc`` was raised (Jinja rewrites the traceback so that
    its frames name the template files)."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith(TEMPLATE_SUFFIXES)]
    return (frames[-1].filename, frames[-1].lineno) if frames else (None, None)
