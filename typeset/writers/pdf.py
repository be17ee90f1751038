"""The print edition: the laid-out HTML master written as PDF (``--press``: bleed, crop marks,
CMYK colours and PDF/X-4 for the print shop)."""

from __future__ import annotations

import io
from pathlib import Path

from typeset.errors import ConfigError
from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register
from typeset.writers.layout import print_document

PRESS_VARIANT = "pdf/x-4"
DEFAULT_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def pdf_bytes(ctx: BuildContext, **options) -> bytes:
    document = print_document(ctx)
    buffer = io.BytesIO()
    # A fixed identifier: PDF/X would otherwise write a random DocumentID.
    identifier = f"typeset-{ctx.bulletin.meta.issue_id}-{ctx.bulletin.meta.serial or 0}".encode()
    document.write_pdf(buffer, pdf_identifier=identifier, **options)
    return buffer.getvalue()


def write_pdf(ctx: BuildContext) -> Path:
    options = _press_options(ctx) if ctx.options.get("press") else {}
    suffix = "-印厂版.pdf" if ctx.options.get("press") else ".pdf"
    return atomic_write(ctx.path(suffix), pdf_bytes(ctx, **options))


def _press_options(ctx: BuildContext) -> dict:
    from weasyprint import CSS

    profile = _icc_profile(ctx)
    css = f'@color-profile device-cmyk {{ src: url("{profile.as_uri()}") }}' if profile else ""
    options = {"pdf_variant": PRESS_VARIANT}
    if css:
        options["stylesheets"] = [CSS(string=css)]
    return options


def _icc_profile(ctx: BuildContext) -> Path | None:
    name = ctx.bulletin.meta.icc_profile
    if name:
        path = (Path(ctx.bulletin.root) / name).resolve()
        if not path.is_file():
            raise ConfigError(f"找不到 ICC 色彩配置文件“{name}”（须放在本期文件夹中）。", Path(ctx.bulletin.root) / "issue.toml")
        return path
    return DEFAULT_ICC if DEFAULT_ICC.is_file() else None


register(Writer("pdf", "印刷 PDF", write_pdf))
