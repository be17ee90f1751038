"""A URL fetcher confined to the issue folder and the project's own styles and templates.

WeasyPrint's default fetcher reads any local file and the network; a bulletin's text must not
be able to pull ``file:///etc/passwd`` or an ``http`` URL into a PDF. Everything outside the
allowed roots (after resolving ``..`` and symlinks) is refused with a warning naming the URL; a file inside
is read once, from a descriptor opened without following links (``sources.confine``).
``figure:`` URLs name pictures prepared by the figures stage and are served from memory.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from typeset.sources.confine import Confinement, read_inside, resolved

LOGGER = logging.getLogger("typeset")
MAX_RESOURCE_BYTES = 64 * 1024 * 1024  # a stylesheet, a font (a full CJK font is 20-30 MB), a picture


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
        if scheme == "file":
            found = self.read(url)
            if found is not None:
                return found
        LOGGER.warning("已拒绝读取 %s：只允许本期文件夹和版式文件夹中的文件", url)
        raise RefusedURL(f"refused: {url}")

    def root_of(self, path: Path) -> Path | None:
        return next((root for root in self.roots if path.is_relative_to(root)), None)

    def read(self, url: str) -> URLFetcherResponse | None:
        """The file's bytes, read once from a descriptor opened inside its root without
        following links (a stylesheet, font or picture larger than ``MAX_RESOURCE_BYTES``
        is refused); None when it lies outside every root or cannot be read."""
        path = Path(unquote(urlsplit(url).path))
        real = resolved(path)
        root = self.root_of(real) if real is not None else None
        if root is None:
            return None
        try:
            data = read_inside(path, root, MAX_RESOURCE_BYTES)
        except Confinement as exc:
            LOGGER.warning("已拒绝读取 %s：%s", url, exc.message)
            raise RefusedURL(f"refused: {url}") from None
        media_type = mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, data, {"Content-Type": media_type} if media_type else {})
