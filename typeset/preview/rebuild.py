"""The warm builder: ``typeset.build.build`` for the print edition only, into the preview's own
folder, run again and again in one process (WeasyPrint, the fonts and the style stay loaded).

A build never ends the preview: an editor's mistake becomes the lines ``huikan build`` would
print (the check's findings with file and line, or the error), shown beside the last good pages;
a defect of huikan is one line too, its traceback kept in a log file."""

from __future__ import annotations

import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from typeset.errors import CheckFailed, TypesetError, chinese_os_reasons


@dataclass(frozen=True)
class Edition:
    """What the preview shows: the numbered result of one build."""

    version: int = 0  # 0: the first build is still running
    pdf: bytes = b""  # the last good print PDF (kept while the text has a mistake)
    fit: str = ""  # 印刷版共 8 页……再删约 5 行……
    lines: tuple[str, ...] = ()  # 提示/错误/警告 lines, as huikan build prints them
    failure: str = ""  # why this build made no PDF (the pages shown are the last good ones)
    seconds: float = 0.0
    folder: str = ""  # the folder name, for the page's title


class Rebuilder:
    """``rebuild()`` builds and publishes a new ``Edition`` (``current``)."""

    def __init__(self, source: Path, workdir: Path, told: Callable[[Edition], None] = lambda edition: None):
        self.source = source
        self.out = workdir / "build"
        self.told = told
        self.current = Edition(folder=source.resolve().name)
        self.building = False

    def rebuild(self) -> Edition:
        """One build; the server's threads read ``current`` whole (only this thread writes it),
        and ``building`` turns false only once the new edition is there."""
        started, self.building = time.monotonic(), True
        try:
            pdf, fit, lines, failure = self._build()
            previous = self.current
            edition = Edition(previous.version + 1, pdf or previous.pdf, fit or (previous.fit if not pdf else ""),
                              tuple(lines), failure, round(time.monotonic() - started, 2), previous.folder)
            self.current = edition
        finally:
            self.building = False
        self.told(edition)
        return edition

    def _build(self) -> tuple[bytes, str, list[str], str]:
        from typeset.build import build

        try:
            result = build(self.source, self.out, ["pdf"], force=True)
        except CheckFailed as failed:  # an unforceable error (a picture that cannot be read)
            return b"", "", _lines(failed.findings, failed.warnings), _said(failed)
        except TypesetError as error:
            return b"", "", [], _said(error)
        except Exception as error:  # noqa: BLE001 - a defect of huikan must not end the preview
            return b"", "", [], _defect(error)
        return result.files["pdf"].read_bytes(), result.pages, _lines(result.findings, result.warnings, result.notes), ""


def _lines(findings, warnings=(), notes=()) -> list[str]:
    """As ``huikan build`` prints them (cli.messages.report_problems)."""
    return [*(f"提示：{note}" for note in notes), *(finding.labelled() for finding in findings),
            *(f"警告：{warning}" for warning in warnings)]


def _said(error: TypesetError) -> str:
    return "\n".join(f"错误：{chinese_os_reasons(str(problem))}" for problem in (error, *error.also))


def _defect(error: Exception) -> str:
    with tempfile.NamedTemporaryFile("w", prefix="huikan-error-", suffix=".log", delete=False, encoding="utf-8") as log:
        log.write(traceback.format_exc())
    return f"内部错误（{type(error).__name__}）：这是 huikan 的缺陷，不是您的错。详细信息已保存到 {log.name}，请发给维护人员。"
