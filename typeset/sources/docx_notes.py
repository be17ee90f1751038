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
    labels: dict[str, str] = {}
    for index, article in enumerate(articles):
        for key, shown in _cited(article):
            placed.setdefault(key, index)
            labels.setdefault(key, shown.strip("[]［］ "))
    owned: list[list[Note]] = [[] for _ in articles]
    for note in notes:
        labelled = replace(note, label=labels.get(note.key) or note.label)  # the number the reference shows
        owned[placed.get(note.key, len(articles) - 1)].append(labelled)
    return tuple(replace(a, notes=tuple(own)) if own else a for a, own in zip(articles, owned))


def numbered(article: Article) -> Article:
    """The article's notes with ids ``<article id>-n<k>``, its references pointing at them."""
    if not article.notes:
        return article
    notes = tuple(replace(note, id=f"{article.id}-n{k}") for k, note in enumerate(article.notes, 1))
    ids = {note.key: note.id for note in notes}
    items = tuple(replace(item, blocks=_pointed(item.blocks, ids)) for item in article.items)
    return replace(article, notes=notes, blocks=_pointed(article.blocks, ids), items=items)


def _cited(article: Article) -> Iterable[tuple[str, str]]:
    """(note key, the reference as shown: ``[1]``) for every reference in the article."""
    blocks = list(article.blocks) + [b for item in article.items for b in item.blocks]
    for block in blocks:
        for text, marks in _marked_texts(block):
            yield from ((m.href, text[m.start:m.end]) for m in marks if m.kind == "note")


def _marked_texts(block: Block) -> list[tuple[str, tuple[Mark, ...]]]:
    if isinstance(block, Table):
        return [(cell.text, cell.marks) for row in block.rows for cell in row]
    return [(block.text, block.marks)] if isinstance(block, (Paragraph, Item)) else []  # marks span lead + body


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
