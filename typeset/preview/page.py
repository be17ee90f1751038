"""The preview page: the fit line, every finding with file and line, the pages as pictures.

It asks ``/version`` every 300 ms; when a newer edition is there it reloads itself and scrolls
back to where the editor was reading."""

from __future__ import annotations

from html import escape

from typeset.preview.pictures import Pictures
from typeset.preview.rebuild import Edition

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 0; background: #e8e8e8; color: #222; }
header { position: sticky; top: 0; background: #fff; padding: .6em 1em; box-shadow: 0 1px 4px #0003; z-index: 1; }
h1 { font-size: 1.1em; margin: 0 0 .3em; }
.fit { font-weight: bold; margin: .2em 0; }
.status { color: #666; font-size: .9em; margin: .2em 0; }
.problems { margin: .4em 0 0; padding: 0; list-style: none; font-size: .9em; max-height: 30vh; overflow: auto; }
.problems li { white-space: pre-wrap; padding: .1em 0; }
.error { color: #b00; } .warning { color: #8a5a00; } .note { color: #555; }
main { display: flex; flex-direction: column; align-items: center; gap: 1em; padding: 1em; }
main img { background: #fff; box-shadow: 0 1px 6px #0004; max-width: 100%; height: auto; }
"""

SCRIPT = """
const shown = %d;
const place = 'huikan-preview-scroll';
addEventListener('load', () => {
  const y = sessionStorage.getItem(place);
  if (y !== null) { sessionStorage.removeItem(place); scrollTo(0, Number(y)); }
});
async function poll() {
  try {
    const answer = await fetch('/version', {cache: 'no-store'});
    if ((await answer.json()).version !== shown) {
      sessionStorage.setItem(place, String(scrollY));
      location.reload();
      return;
    }
  } catch (error) { /* the preview was ended: try again, it may be restarted */ }
  setTimeout(poll, 300);
}
setTimeout(poll, 300);
"""


def page_html(edition: Edition, pictures: Pictures) -> str:
    title = f"{edition.folder} · 印刷版预览"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body><header><h1>{escape(title)}</h1>{_summary(edition)}{_problems(edition, pictures)}</header>'
            f'<main>{_pages(pictures)}</main><script>{SCRIPT % edition.version}</script></body></html>\n')


def _summary(edition: Edition) -> str:
    if edition.version == 0:
        return '<p class="status">正在排版，请稍候……</p>'
    fit = f'<p class="fit">{escape(edition.fit)}</p>' if edition.fit else ""
    state = f"第 {edition.version} 版，用时 {edition.seconds:.1f} 秒"
    if edition.failure and edition.pdf:
        state += "；这一版没有排成，下面是上一版的页面"
    return (f'{fit}<p class="status">{state}。保存栏目文件、issue.toml 或图片后自动更新。'
            f'<a href="/issue.pdf">打开印刷版 PDF</a></p>')


def _problems(edition: Edition, pictures: Pictures) -> str:
    lines = [*edition.lines, *edition.failure.splitlines(), *([pictures.failure] if pictures.failure else [])]
    if not lines:
        return '<p class="status">校对没有发现问题。</p>' if edition.version else ""
    return '<ul class="problems">' + "".join(f'<li class="{_kind(line)}">{escape(line)}</li>' for line in lines) + "</ul>"


def _kind(line: str) -> str:
    return {"错误": "error", "内部": "error", "警告": "warning"}.get(line[:2], "note")


def _pages(pictures: Pictures) -> str:
    width, height = pictures.size
    return "".join(f'<img src="/pages/{pictures.version}/{number}.jpg" alt="第 {number} 页" '
                   f'width="{width}" height="{height}">' for number in range(1, len(pictures.files) + 1))
