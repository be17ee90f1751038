"""The print edition: the laid-out HTML master written as PDF (``--press``: bleed, crop marks,
CMYK colours and PDF/X-4 for the print shop)."""

from __future__ import annotations

import io
from pathlib import Path

from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register
from typeset.writers.layout import print_document
from typeset.writers.press import PRESS_VARIANT


def pdf_bytes(ctx: BuildContext, **options) -> bytes:
    document = print_document(ctx)
    buffer = io.BytesIO()
    # A fixed identifier: PDF/X would otherwise write a random DocumentID.
    identifier = f"typeset-{ctx.bulletin.meta.issue_id}-{ctx.bulletin.meta.serial or 0}".encode()
    document.write_pdf(buffer, pdf_identifier=identifier, **options)
    return buffer.getvalue()


def write_pdf(ctx: BuildContext) -> Path:
    press = bool(ctx.options.get("press"))
    options = {"pdf_variant": PRESS_VARIANT} if press else {}
    return atomic_write(ctx.path("-印厂版.pdf" if press else ".pdf"), pdf_bytes(ctx, **options))


register(Writer("pdf", "印刷 PDF", write_pdf))
