"""The preview's web server: 127.0.0.1 only, a free port, and a fixed set of answers.

``/`` the page, ``/issue.pdf`` the current print PDF, ``/version`` the edition's number and
whether a build is running (the page polls it and reloads itself), ``/pages/<version>/<n>.jpg``
the pages as pictures. No path of a request is ever looked up on disk: nothing outside (or
inside) the issue folder is served, and there is no listing. A request naming another host is
refused (a web page elsewhere cannot read the preview through a rebound domain name)."""

from __future__ import annotations

import json
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from typeset.preview.page import page_html
from typeset.preview.pictures import PagePictures
from typeset.preview.rebuild import Rebuilder

HOST = "127.0.0.1"
PAGE_PICTURE = re.compile(r"/pages/([0-9]{1,9})/([0-9]{1,5})\.jpg")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, rebuilder: Rebuilder, workdir: Path, port: int = 0):
        super().__init__((HOST, port), Handler)
        self.rebuilder = rebuilder
        self.pictures = PagePictures(workdir / "pages")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        """A defect while answering: one line, and the preview goes on (no traceback dump)."""
        error = sys.exc_info()[1]
        sys.stderr.write(f"内部错误（{type(error).__name__}）：预览有一次没能回答浏览器，刷新网页再试。\n")

    def hosts(self) -> set[str]:
        port = self.server_address[1]
        return {f"{HOST}:{port}", f"localhost:{port}"}


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "huikan-preview"
    sys_version = ""

    def do_GET(self) -> None:
        if self.headers.get("Host", "") not in self.server.hosts():
            return self._send(HTTPStatus.FORBIDDEN, "text/plain", "只接受本机地址的访问。".encode())
        path = urlsplit(self.path).path
        edition = self.server.rebuilder.current
        if path in ("/", "/index.html"):
            pictures = self.server.pictures.of(edition)
            return self._send(HTTPStatus.OK, "text/html", page_html(edition, pictures).encode())
        if path == "/version":
            return self._send(HTTPStatus.OK, "application/json", json.dumps({"version": edition.version, "building": self.server.rebuilder.building}).encode())
        if path == "/issue.pdf":
            if not edition.pdf:
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", "还没有排出印刷版，请稍候。".encode())
            return self._send(HTTPStatus.OK, "application/pdf", edition.pdf)
        match = PAGE_PICTURE.fullmatch(path)
        picture = self.server.pictures.page(edition, int(match.group(1)), int(match.group(2))) if match else None
        if picture is not None:
            return self._send(HTTPStatus.OK, "image/jpeg", picture)
        return self._send(HTTPStatus.NOT_FOUND, "text/plain", "没有这个页面。".encode())

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith(("text/", "application/json")) else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows the builds, not every request

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            pass  # the browser went away mid-answer (a reload)
