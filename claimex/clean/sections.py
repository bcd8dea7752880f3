"""Sections from heading blocks: paths such as ``BAB V PENUTUP › 5.2 Saran › 1. Bagi Pemerintah``,
what each section is for, and where the closing chapter is."""

from __future__ import annotations

import re

from claimex.doc import Block, Section

KINDS = (
    ("limitation", re.compile(r"(?i)keterbatasan|limitasi")),
    ("conclusion", re.compile(r"(?i)\b(kesimpulan|simpulan)\b")),
    ("recommendation", re.compile(r"(?i)\b(saran|rekomendasi|implikasi|bagi|untuk|kepada)\b")),
)
CLOSING = re.compile(r"(?i)\b(penutup|kesimpulan|simpulan)\b")


def section_kind(title: str) -> str:
    """``"conclusion"``, ``"recommendation"``, ``"limitation"`` or ``""`` for a heading title.

    Example:
        >>> section_kind("5.2 Saran"), section_kind("C. Keterbatasan Penelitian")
        ('recommendation', 'limitation')
    """
    for kind, rx in KINDS:
        if rx.search(title):
            return kind
    return ""


def build_sections(blocks: list[Block], text_len: int) -> list[Section]:
    """One :class:`Section` per heading block, spanning up to the next heading of its level or above."""
    heads = [b for b in blocks if b.kind == "heading"]
    sections: list[Section] = []
    stack: list[Section] = []
    for i, b in enumerate(heads):
        while stack and stack[-1].level >= b.level:
            stack.pop()
        title = b.title or ""
        end = next((h.clean_start for h in heads[i + 1:] if h.level <= b.level), text_len)
        kind = "chapter" if b.level == 1 else section_kind(title)
        sec = Section(title, b.level, tuple(s.title for s in stack) + (title,), b.clean_start, end, kind)
        sections.append(sec)
        stack.append(sec)
    return sections


def path_at(sections: list[Section], clean_offset: int) -> tuple[str, ...]:
    """The deepest section path that contains ``clean_offset``."""
    best: tuple[str, ...] = ()
    for s in sections:
        if s.clean_start <= clean_offset < s.clean_end and len(s.path) >= len(best):
            best = s.path
    return best


def closing_span(sections: list[Section], text_len: int) -> tuple[int, int]:
    """The clean span of the closing chapter (BAB … PENUTUP / KESIMPULAN DAN SARAN, or the
    last chapter holding a Kesimpulan section); the whole text when there is no chapter."""
    chapters = [s for s in sections if s.level == 1]
    if not chapters:
        return 0, text_len
    for ch in reversed(chapters):
        if CLOSING.search(ch.title):
            return ch.clean_start, ch.clean_end
        inner = [s for s in sections if ch.clean_start <= s.clean_start < ch.clean_end and s.level > 1]
        if any(s.kind == "conclusion" for s in inner):
            return ch.clean_start, ch.clean_end
    conclusions = [s for s in sections if s.kind == "conclusion"]
    if conclusions:
        return conclusions[0].clean_start, text_len
    return 0, text_len
