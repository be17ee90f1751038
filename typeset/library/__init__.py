"""The members' library (会刊文库): every issue of an archive as a static site with Chinese
full-text search, an OPDS catalog and an Atom feed. It consumes built editions through
``typeset.build.build()`` and never sits inside it.

Stages: ``archive`` (read the archive folder) → ``state`` (what changed) → ``workers`` (build
editions in parallel) → ``catalog`` / ``pages`` / ``feeds`` (render) → ``search`` (index)
→ ``volume`` / ``bindery`` (the annual volumes) → ``fixity`` (manifests; ``verify`` checks them)."""

from typeset.library.site import LibraryResult, build_library, build_volume

__all__ = ["LibraryResult", "build_library", "build_volume"]
