"""The EPUB edition's parts: XHTML documents from the document model, print page markers, font
subsets, the cover image and the package (ebooklib, re-zipped reproducibly).

``typeset.writers.epub`` puts them together."""
