"""typeset: a Chinese association bulletin (会刊) from plain text to print PDF, EPUB and PDF/A.

The stages are read → model → render → write:
``typeset.sources`` reads an issue into the ``typeset.model`` document model,
``typeset.render`` turns it into the HTML master, ``typeset.writers`` write the outputs.
``typeset.build.build`` runs them all; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"
