"""``python -m typeset``: the ``huikan`` command."""

from typeset.cli import main

main()
