"""Templates run in a sandbox: an issue folder may bring its own ``templates/`` and
``style/*.css.j2``, and an issue folder is untrusted input (it may come by mail).

- Jinja's ``ImmutableSandboxedEnvironment``: no underscore attributes (so no
  ``cycler.__init__.__globals__.os``), no calls that change lists or dicts, ranges capped;
  stricter still, no huge strings or lists from ``*``, ``+``, ``%``, ``join``, ``replace``,
  ``ljust(10**9)`` or ``|center``, and no ``**`` at all; time and memory growth watched while
  a template renders (see ``time_limit``).
- A confined loader: a template (or an ``include``/``import``/``extends`` target) is read only
  when its real path, symlinks followed, lies inside the issue folder or our own files, and then
  from one descriptor opened without following links (``sources.confine.read_inside``).
- Every template mistake becomes one ``StyleError`` naming the template file and line.
"""

from __future__ import annotations

import io
import operator
import os
import posixpath
import re
import signal
import threading
import time
import traceback
import types
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Iterator, Sequence

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from typeset.errors import StyleError
from typeset.resources import styles_dir, templates_dir

FORBIDDEN_TYPES = (PurePath, types.ModuleType, io.IOBase)
MAX_REPEAT = 100_000  # the longest string or list ``*`` may make in a template
MAX_OUTPUT = 100_000_000  # characters a template may produce (a 50 MB issue makes far less)
MAX_VALUE = MAX_OUTPUT  # characters one value may hold (``*``, ``+``, ``%``, ``join``, ``replace``)
MAX_SECONDS = 120.0  # a template's rendering time (the sample's master takes ~0.1 s)
MAX_GROWTH = 2 * 1024 ** 3  # bytes the process may grow while a template renders
WATCH_SECONDS = 0.05  # how often time and memory are looked at while a template renders
TEMPLATE_SUFFIXES = (".j2",)


class StrictSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with ``*`` limited and ``**`` refused (both can exhaust memory or time)."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Nothing that reaches files, modules or the interpreter, whatever its name: a path's
        ``read_text``/``write_text`` needs no underscore."""
        if isinstance(obj, FORBIDDEN_TYPES) or isinstance(value, FORBIDDEN_TYPES):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            raise SecurityError("不允许使用乘方运算 **")
        if operator_name == "*" and _repeat_count(left, right) > MAX_REPEAT:
            raise SecurityError(f"重复的文字或列表超过 {MAX_REPEAT} 项")
        _check_size(_binop_size(operator_name, left, right))
        return BINOPS[operator_name](left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        """No call may ask for a size past ``MAX_REPEAT`` (``'x'.ljust(1000000000)``), nor make
        a string past ``MAX_VALUE`` (``s.join(…)``, ``s.replace(…)``, ``s.expandtabs(…)``)."""
        if any(isinstance(arg, int) and arg > MAX_REPEAT for arg in (*args, *kwargs.values())):
            raise SecurityError(f"参数超过 {MAX_REPEAT}")
        _check_size(_method_size(__obj, args))
        return super().call(__context, __obj, *args, **kwargs)


BINOPS = {"*": operator.mul, "+": operator.add, "%": operator.mod}


def _repeat_count(left, right) -> int:
    """How long ``left * right`` would be when it repeats a string or list (0 for numbers)."""
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
            return len(sequence) * max(count, 0)
    return 0


def _size(value) -> int:
    """Characters in a string, or in the strings of a list (what joining it would make)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + sum(len(item) for item in value if isinstance(item, (str, list, tuple)))
    return 0


def _binop_size(name: str, left, right) -> int:
    if name == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                return _size(sequence) * max(count, 0)
        return 0
    if name == "%" and isinstance(left, str):
        args = right if isinstance(right, tuple) else (right,)
        return len(left) + sum(len(str(arg)) if isinstance(arg, str) else 32 for arg in args)
    return _size(left) + _size(right)


def _method_size(method, args) -> int:
    """The size a string method would make, for those that can multiply a string."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if not isinstance(owner, str):
        return 0
    if name == "join" and args:
        items = args[0] if isinstance(args[0], (list, tuple)) else ()
        return _size(list(items)) + len(owner) * len(items)
    if name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[:2]
        found = owner.count(old) if old else len(owner) + 1  # "" is found between every character
        return len(owner) + found * len(new)
    if name == "expandtabs":
        width = args[0] if args and isinstance(args[0], int) else 8
        return len(owner) + owner.count("\t") * max(width, 0)
    return 0


def _check_size(size: int) -> None:
    if size > MAX_VALUE:
        raise SecurityError(f"生成的文字或列表超过 {MAX_VALUE // 1_000_000} 百万字")


class ConfinedLoader(jinja2.FileSystemLoader):
    """A ``FileSystemLoader`` (which already refuses ``..``) that also refuses a file whose real
    path, after symlinks (of the file or of any folder on the way), lies outside the issue folder
    and the bundled styles and templates."""

    def __init__(self, folders: Sequence[Path], issue_root: Path | None):
        super().__init__([str(folder) for folder in folders])
        self.boundaries = [Path(root).resolve() for root in (issue_root, styles_dir(), templates_dir()) if root]

    def get_source(self, environment, template):
        """The template found as Jinja finds it, its text read once from a descriptor opened
        inside its boundary without following links (a file swapped for a link to ``/etc``
        while it is read is refused, not rendered)."""
        from typeset.sources.confine import Confinement, read_inside, resolved

        filename = self._find(template)
        real = resolved(filename)
        root = next((root for root in self.boundaries if real is not None and real.is_relative_to(root)), None)
        if root is None:
            raise StyleError("模板文件指向本期文件夹之外（符号链接）：只能使用文件夹内的模板，请换成普通文件。", filename)
        try:
            source = read_inside(Path(filename), root, MAX_TEMPLATE_BYTES).decode("utf-8")
        except UnicodeDecodeError:
            raise StyleError(f"模板“{template}”不是 UTF-8 编码的文本，请另存为 UTF-8。") from None
        except Confinement as exc:
            raise StyleError(f"模板无法读取：{exc.message}", filename) from None
        mtime = os.path.getmtime(filename)
        return source, os.path.normpath(filename), lambda: _unchanged(filename, mtime)

    def _find(self, template: str) -> str:
        pieces = split_template_path(template)  # refuses ``..``
        for folder in self.searchpath:
            filename = posixpath.join(folder, *pieces)
            if os.path.isfile(filename):
                return filename
        raise jinja2.TemplateNotFound(template)


MAX_TEMPLATE_BYTES = 4 * 1024 * 1024


def _unchanged(filename: str, mtime: float) -> bool:
    try:
        return os.path.getmtime(filename) == mtime
    except OSError:
        return False


def environment(folders: Sequence[Path], issue_root: Path | None, **options) -> jinja2.Environment:
    """A sandboxed environment over ``folders`` (most specific first), confined to the issue
    folder ``issue_root`` (None: a single text file, no overrides) and our own files."""
    options = {"undefined": jinja2.StrictUndefined, "keep_trailing_newline": True, **options}
    env = StrictSandbox(loader=ConfinedLoader(folders, issue_root), **options)
    for name in SIZED_FILTERS:  # filters are not calls the sandbox sees: cap their widths here
        env.filters[name] = _capped(env.filters[name])
    env.filters["join"] = _sized_join(env.filters["join"])
    env.filters["replace"] = _sized_replace(env.filters["replace"])
    return env


SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate")


def _capped(jinja_filter):
    def capped(*args, **kwargs):
        if any(isinstance(arg, int) and arg > MAX_REPEAT for arg in (*args[1:], *kwargs.values())):
            raise SecurityError(f"参数超过 {MAX_REPEAT}")
        return jinja_filter(*args, **kwargs)
    capped.__dict__.update(jinja_filter.__dict__)  # keeps Jinja's pass_environment/pass_eval_context marks
    return capped


def _sized_join(jinja_join):
    """``join`` refusing to make more than ``MAX_VALUE`` characters (counted before joining)."""
    def join(eval_ctx, value, d="", attribute=None):
        items = list(value)
        if attribute is None:
            _check_size(sum(len(str(item)) for item in items) + len(str(d)) * len(items))
        return jinja_join(eval_ctx, items, d, attribute)
    join.__dict__.update(jinja_join.__dict__)
    return join


def _sized_replace(jinja_replace):
    def replace(eval_ctx, s, old, new, count=None):
        text, needle, added = str(s), str(old), str(new)  # only measured: Markup stays Markup
        found = text.count(needle) if needle else len(text) + 1
        _check_size(len(text) + min(found, count if count is not None and count >= 0 else found) * len(added))
        return jinja_replace(eval_ctx, s, old, new, count)
    replace.__dict__.update(jinja_replace.__dict__)
    return replace


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
    """Raise ``SecurityError`` inside the template after ``seconds``, or once the process has
    grown by ``MAX_GROWTH`` bytes (``~`` joins strings where no hook sees it: a loop doubling one
    would fill the memory long before the time ran out). Main thread only: signals reach nowhere
    else; a worker process's main thread counts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deadline, ceiling = time.monotonic() + seconds, _resident() + MAX_GROWTH

    def watch(signum, frame):
        if time.monotonic() >= deadline:
            raise SecurityError(f"模板运行超过 {seconds:g} 秒（循环太多）")
        if _resident() > ceiling:
            raise SecurityError(f"模板占用内存超过 {MAX_GROWTH // 1024 ** 2} MB")

    previous = signal.signal(signal.SIGALRM, watch)
    signal.setitimer(signal.ITIMER_REAL, min(WATCH_SECONDS, seconds), min(WATCH_SECONDS, seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _resident() -> int:
    """The process's resident memory in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


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
