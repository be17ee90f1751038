"""A URL fetcher confined to the issue folder and the project's own styles and templates.

WeasyPrint's default fetcher reads any local file and the network; a bulletin's text must not
be able to pull ``file:///etc/passwd`` or an ``http`` URL into a PDF. Everything outside the
allowed roots (after resolving ``..`` and symlinks) is refused with a warning naming the URL.
``figure:`` URLs name pictures prepared by the figures stage and are served from memory.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

LOGGER = logging.getLogger("typeset")


class RefusedURL(ValueError):
    pass


class ConfinedFetcher(URLFetcher):
    def __init__(self, roots: list[Path], figures=None, **kwargs) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1, **kwargs)
        self.roots = [Path(root).resolve() for root in roots]
        self.figures = figures  # name → (bytes, media type) or None

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "figure" and self.figures is not None:
            found = self.figures(url.partition(":")[2])
            if found is not None:
                return URLFetcherResponse(url, found[0], {"Content-Type": found[1]})
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self.allows(url):
            return super().fetch(url, headers)
        LOGGER.warning("已拒绝读取 %s：只允许本期文件夹和版式文件夹中的文件", url)
        raise RefusedURL(f"refused: {url}")

    def allows(self, url: str) -> bool:
        path = Path(unquote(urlsplit(url).path)).resolve()
        return path.is_file() and any(path.is_relative_to(root) for root in self.roots)
