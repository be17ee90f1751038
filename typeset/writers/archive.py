"""The archive edition: PDF/A-3u, tagged, with the issue's source files attached
(AFRelationship Source, dates from the issue, never the clock)."""

from __future__ import annotations

import io
from pathlib import Path

from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register
from typeset.writers.pdf import pdf_bytes
from typeset.writers.tagging import finish_tags

ARCHIVE_VARIANT = "pdf/a-3u"


def source_attachments(ctx: BuildContext) -> list:
    from weasyprint import Attachment

    when = ctx.bulletin.meta.moment
    return [
        Attachment(
            file_obj=io.BytesIO(source.raw or source.text.encode("utf-8")),
            name=Path(source.name).name,
            description=f"{ctx.bulletin.meta.title} {ctx.bulletin.meta.issue_label} 原始文本：{source.name}",
            created=when,
            modified=when,
            relationship="Source",
        )
        for source in ctx.bulletin.sources
    ] + picture_attachments(ctx)


def picture_attachments(ctx: BuildContext) -> list:
    """The pictures as the editor gave them (each file once), beside the source text."""
    from weasyprint import Attachment

    when, seen, attached = ctx.bulletin.meta.moment, set(), []
    for placed in ctx.rendered.figures.all():
        source = placed.source
        if source.digest in seen:
            continue
        seen.add(source.digest)
        name = Path(source.name.partition("#")[2] or source.name).name
        attached.append(Attachment(
            file_obj=io.BytesIO(source.data), name=name, created=when, modified=when, relationship="Source",
            description=f"{ctx.bulletin.meta.title} {ctx.bulletin.meta.issue_label} 原始图片：{source.name}"))
    return attached


def write_archive(ctx: BuildContext) -> Path:
    data = pdf_bytes(ctx, pdf_variant=ARCHIVE_VARIANT, pdf_tags=True, attachments=source_attachments(ctx),
                     finisher=finish_tags)
    return atomic_write(ctx.path("-存档.pdf"), data)


register(Writer("archive", "PDF/A 存档", write_archive))
