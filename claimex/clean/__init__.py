"""Cleaning: named rules with samples, raw↔clean offsets, blocks and sections.

Example:
    >>> from claimex.doc import Document
    >>> doc = clean_document(Document.from_text("5.1 Kesimpulan\\n\\nProgram ini\\n\\nefektif."))
    >>> doc.clean
    '5.1 Kesimpulan\\nProgram ini efektif.\\n'
"""

from __future__ import annotations

import re

from claimex.clean.rules import RULES, apply_rules
from claimex.clean.sections import build_sections, closing_span, path_at, section_kind
from claimex.clean.structure import structure
from claimex.clean.text import MappedText
from claimex.doc import Document

MARKDOWN_SIGNS = re.compile(r"(?m)^#{1,6}[ \t]+(?=\S)|\*\*\S[^*\n]*\*\*|"
                            r"(?<![\w*])\*[^\s*][^*\n]{0,80}(?<=\S)\*(?![\w*])|^\s*[-*]\s+\[|\]\(http")


def looks_like_markdown(text: str) -> bool:
    """Converters often save Markdown as .txt: two or more Markdown marks (headings, bold,
    italics, links) count as Markdown, and so does a file that opens with a ``#`` heading."""
    head = text[:200_000]
    return len(MARKDOWN_SIGNS.findall(head)) >= 2 or re.match(r"\s*#{1,6}[ \t]+\S", head) is not None


def clean_document(doc: Document) -> Document:
    """Fill ``doc.clean``, ``doc.clean_to_raw``, ``doc.blocks`` and ``doc.sections``."""
    fmt = doc.format
    if fmt == "text" and looks_like_markdown(doc.raw):
        fmt = "markdown"
    t = apply_rules(MappedText.from_raw(doc.raw), fmt)
    clean, blocks = structure(t)
    doc.clean, doc.clean_to_raw, doc.blocks = clean.text, clean.map, blocks
    doc.sections = build_sections(blocks, len(clean.text))
    return doc


__all__ = ["RULES", "clean_document", "closing_span", "path_at", "section_kind", "looks_like_markdown", "MappedText"]
