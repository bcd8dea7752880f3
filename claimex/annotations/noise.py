"""Realistic noise for annotated documents: what the pipeline reads in tests.

The clean text of an annotated document is the gold. :func:`render_noisy` turns it
into what a user's file looks like after PDF or Markdown conversion, with a seeded
random generator, and reports where each gold unit landed in the noisy text, so tests
can check that cleaning and segmentation recover every unit.

Styles:

``pdf_spaced``  lines wrapped at 70–90 characters with a blank line after every line
                (text copied out of many PDF viewers), words hyphenated at line ends,
                page breaks with a page number and a running header, footnote numbers
                glued to some sentence ends, "BAB V" and its title on two lines.
``pdf``         the same without the blank lines, pages separated by form feeds.
``markdown``    converter Markdown: ``##`` heading marks, bold headings, italic
                foreign terms, one paragraph per line.

Example:
    >>> from claimex.annotations.corpus import AnnotatedDoc, Unit
    >>> doc = AnnotatedDoc("x", {}, [Unit("heading", "5.1 Kesimpulan", "other", 1, level=2),
    ...                              Unit("sentence", "Program ini efektif.", "finding", 2)])
    >>> text, spans = render_noisy(doc, seed=1, style="markdown")
    >>> text[spans[1][0]:spans[1][1]]
    'Program ini efektif.'
"""

from __future__ import annotations

import random
import re

from claimex.annotations.corpus import AnnotatedDoc
from claimex.clean.text import Builder, MappedText

STYLES = ("pdf_spaced", "pdf", "markdown")
HEADERS = ("Universitas Nusantara Raya", "Skripsi — Fakultas Ilmu Sosial", "Tesis Program Magister {n}")


def render_noisy(doc: AnnotatedDoc, seed: int = 0, style: str | None = None) -> tuple[str, list[tuple[int, int]]]:
    """Noisy text and, per unit, the ``(start, end)`` of its characters in that text."""
    rng = random.Random(f"{doc.doc_id}:{seed}")
    style = style or rng.choice(STYLES)
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, found {style!r}")
    gold, spans = doc.render()
    src = MappedText.from_raw(gold)
    out = _markdown(doc, src, spans, rng) if style == "markdown" else _pdf(doc, src, spans, rng, style == "pdf_spaced")
    noisy = out.build()
    # invert the map: a unit spans from its first to its last surviving character
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, g in enumerate(noisy.map):
        if g >= 0:
            first.setdefault(g, i)
            last[g] = i
    placed = []
    for s, e in spans:
        a = next(first[g] for g in range(s, e) if g in first)
        b = next(last[g] for g in range(e - 1, s - 1, -1) if g in last)
        placed.append((a, b + 1))
    return noisy.text, placed


def _markdown(doc: AnnotatedDoc, src: MappedText, spans, rng: random.Random) -> Builder:
    out = Builder()
    prev_para = None
    for u, (s, e) in zip(doc.units, spans):
        if prev_para is not None:
            out.insert(" " if (u.kind == "sentence" and u.para == prev_para) else "\n\n", -1)
        if u.kind == "heading":
            out.insert("#" * min((u.level or 1) + 1, 6) + " " + ("**" if rng.random() < 0.7 else ""), -1)
            out.copy(src, s, e)
            if out._parts[-2].endswith("**"):
                out.insert("**", -1)
        else:
            if u.marker:
                out.insert(f"{u.marker} ", -1)
            _copy_with_emphasis(out, src, s, e, u, rng)
        prev_para = u.para
    out.insert("\n", -1)
    return out


def _copy_with_emphasis(out: Builder, src: MappedText, s: int, e: int, u, rng: random.Random) -> None:
    """Italicise an entity or an English phrase now and then, as converters do."""
    targets = [(s + x["start"], s + x["end"]) for x in u.entities if rng.random() < 0.3]
    targets += [(s + m.start(), s + m.end()) for m in re.finditer(r"\b(human trafficking|smuggling|good governance|"
                r"e-government|stunting|self-efficacy|burnout|brand awareness)\b", u.text, re.I)]
    pos = s
    for a, b in sorted(set(targets)):
        if a < pos:
            continue
        out.copy(src, pos, a)
        out.insert("*", -1)
        out.copy(src, a, b)
        out.insert("*", -1)
        pos = b
    out.copy(src, pos, e)


def _pdf(doc: AnnotatedDoc, src: MappedText, spans, rng: random.Random, spaced: bool) -> Builder:
    width = rng.randint(70, 90)
    lines_per_page = rng.randint(28, 40)
    header = rng.choice(HEADERS).format(n=rng.randint(1, 9))
    page = rng.randint(60, 140)
    out = Builder()
    nlines = 0
    newline = "\n\n" if spaced else "\n"

    def emit_line(pieces: list[tuple[int, int] | str]) -> None:
        nonlocal nlines, page
        for p in pieces:
            if isinstance(p, str):
                out.insert(p, -1)
            else:
                out.copy(src, *p)
        out.insert(" " + newline if spaced else newline, -1)
        nlines += 1
        if nlines % lines_per_page == 0:
            out.insert(f"{page}{newline}\f{header}{newline}", -1)
            page += 1

    prev_para = None
    para_pieces: list[tuple[int, int] | str] = []

    def flush() -> None:
        if para_pieces:
            _wrap(para_pieces, src, width, rng, emit_line)
            para_pieces.clear()

    for u, (s, e) in zip(doc.units, spans):
        if u.kind == "heading" or u.para != prev_para:
            flush()
        if u.kind == "heading":
            m = re.match(r"(BAB\s+\S+)\s+(\S.*)$", u.text)
            if m and rng.random() < 0.6:
                emit_line([(s, s + m.end(1))])
                emit_line([(s + m.start(2), e)])
            else:
                emit_line([(s, e)])
        else:
            if para_pieces:
                para_pieces.append(" ")
            elif u.marker:
                para_pieces.append(u.marker)
            para_pieces.append((s, e))
            if u.text.endswith(".") and rng.random() < 0.06:
                para_pieces.append(str(rng.randint(1, 40)))  # a footnote number
        prev_para = u.para
    flush()
    return out


def _wrap(pieces, src: MappedText, width: int, rng: random.Random, emit_line) -> None:
    """Greedy line wrapping over gold spans; long words are sometimes hyphenated."""
    words: list[tuple[int, int] | str] = []
    for p in pieces:
        if isinstance(p, str):
            if p != " ":
                words.append(p)
            continue
        for m in re.finditer(r"\S+", src.text[p[0]:p[1]]):
            words.append((p[0] + m.start(), p[0] + m.end()))
    line: list[tuple[int, int] | str] = []
    length = 0
    for w in words:
        wlen = len(w) if isinstance(w, str) else w[1] - w[0]
        if isinstance(w, str) and w.isdigit() and line:  # footnote number glued to the word before
            line.append(w)
            length += wlen
            continue
        if line and length + 1 + wlen > width:
            text = src.text[w[0]:w[1]] if not isinstance(w, str) else w
            room = width - length - 2
            if (not isinstance(w, str) and wlen >= 9 and room >= 4 and text.isalpha() and text.islower()
                    and rng.random() < 0.5):
                cut = w[0] + max(3, min(room, wlen - 3))
                emit_line(line + [" ", (w[0], cut), "-"])
                line, length = [(cut, w[1])], w[1] - cut
                continue
            emit_line(line)
            line, length = [], 0
        if line:
            line.append(" ")
            length += 1
        line.append(w)
        length += wlen
    if line:
        emit_line(line)
