"""The print edition: the laid-out HTML master written as PDF (``--press``: bleed, crop marks,
CMYK colours and PDF/X-4 for the print shop)."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register
from typeset.writers.layout import print_document
from typeset.writers.press import PRESS_VARIANT, icc_profile_bytes, press_finisher
from typeset.writers.tagging import finish_tags


def pdf_bytes(ctx: BuildContext, press: bool = False, **options) -> bytes:
    """The laid-out edition as PDF bytes; the same content always gives the same bytes."""
    document = print_document(ctx, press)
    digest = content_digest(ctx, options.get("pdf_variant") or "", icc_profile_bytes(ctx) if press else b"")
    if press:
        options["finisher"] = press_finisher(_as_uuid(digest))
    buffer = io.BytesIO()
    # The file identifier's first half comes from the content (the second is a hash of the file).
    document.write_pdf(buffer, pdf_identifier=digest[:32].encode("ascii"), **options)
    return buffer.getvalue()


def content_digest(ctx: BuildContext, variant: str, profile: bytes = b"") -> str:
    """A hash of what the PDF is made from: the HTML master, the edition's variant, the output
    intent's profile and the issue's sources (attached to the archive). Never a path, a clock
    or a random number."""
    digest = hashlib.sha256(variant.encode("utf-8") + b"\0" + ctx.rendered.html.encode("utf-8"))
    digest.update(hashlib.sha256(profile).digest())
    for source in ctx.bulletin.sources:
        digest.update(source.raw or source.text.encode("utf-8"))
    return digest.hexdigest()


def _as_uuid(digest: str) -> str:
    return str(uuid.UUID(digest[:32]))


def write_pdf(ctx: BuildContext) -> Path:
    press = bool(ctx.options.get("press"))
    # Tagged (headings, paragraphs, lists, tables, figures with their alt text) for screen readers.
    options = {"pdf_variant": PRESS_VARIANT, "pdf_tags": True} if press else {"pdf_tags": True, "finisher": finish_tags}
    return atomic_write(ctx.path("-印厂版.pdf" if press else ".pdf"), pdf_bytes(ctx, press, **options))


register(Writer("pdf", "印刷 PDF", write_pdf))
