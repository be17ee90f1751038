"""Footnotes and endnotes of a Word section: each closes the article that cites it.

The reader marks every reference (``[1]``, a ``note`` mark whose ``href`` is the note's key in
its document, ``footnote-1``); ``attach`` hands each note to the first article citing it (a note
nobody cites closes the section's last article, so nothing is lost), and ``numbered`` gives the
notes their issue-wide ids (``a3-n1``) and points the references at them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from typeset.model import Article, Block, Cell, Mark, Note, Paragraph, Item, Table


def attach(articles: tuple[Article, ...], notes: list[Note]) -> tuple[Article, ...]:
    if not notes or not articles:
        return articles
    placed: dict[str, int] = {}
    for index, article in enumerate(articles):
        for key in _cited(article):
            placed.setdefault(key, index)
    owned: list[list[Note]] = [[] for _ in articles]
    for note in notes:
        owned[placed.get(note.key, len(articles) - 1)].append(note)
    return tuple(replace(a, notes=tuple(own)) if own else a for a, own in zip(articles, owned))


def numbered(article: Article) -> Article:
    """The article's notes with ids ``<article id>-n<k>``, its references pointing at them."""
    if not article.notes:
        return article
    notes = tuple(replace(note, id=f"{article.id}-n{k}") for k, note in enumerate(article.notes, 1))
    ids = {note.key: note.id for note in notes}
    items = tuple(replace(item, blocks=_pointed(item.blocks, ids)) for item in article.items)
    return replace(article, notes=notes, blocks=_pointed(article.blocks, ids), items=items)


def _cited(article: Article) -> Iterable[str]:
    blocks = list(article.blocks) + [b for item in article.items for b in item.blocks]
    for block in blocks:
        for marks in _mark_sets(block):
            yield from (m.href for m in marks if m.kind == "note")


def _mark_sets(block: Block) -> list[tuple[Mark, ...]]:
    if isinstance(block, Table):
        return [cell.marks for row in block.rows for cell in row]
    return [block.marks] if isinstance(block, (Paragraph, Item)) else []


def _pointed(blocks: tuple[Block, ...], ids: dict[str, str]) -> tuple[Block, ...]:
    return tuple(_point(block, ids) for block in blocks)


def _point(block: Block, ids: dict[str, str]) -> Block:
    if isinstance(block, Table):
        rows = tuple(tuple(Cell(c.text, _repointed(c.marks, ids)) for c in row) for row in block.rows)
        return replace(block, rows=rows)
    if isinstance(block, (Paragraph, Item)):
        return replace(block, marks=_repointed(block.marks, ids))
    return block


def _repointed(marks: tuple[Mark, ...], ids: dict[str, str]) -> tuple[Mark, ...]:
    return tuple(replace(m, href=ids.get(m.href, m.href)) if m.kind == "note" else m for m in marks)
