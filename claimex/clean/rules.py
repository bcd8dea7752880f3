"""Cleaning rules, one per quirk of real thesis files, each with a sample.

Every rule is a function ``MappedText -> MappedText`` registered with a name, the
formats it applies to, and a ``(before, after)`` sample. The samples double as tests
(``tests/test_clean.py`` runs them all). The rules here work on characters and lines;
joining wrapped lines into paragraphs and finding headings is done afterwards by
:mod:`claimex.clean.structure`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from claimex.clean.text import MappedText

ALL = ("text", "markdown", "pdf", "docx")


@dataclass(frozen=True)
class Rule:
    name: str
    fn: Callable[[MappedText], MappedText]
    sample: tuple[str, str]
    formats: tuple[str, ...] = ALL
    doc: str = ""


RULES: list[Rule] = []


def rule(name: str, sample: tuple[str, str], formats: tuple[str, ...] = ALL):
    def deco(fn: Callable[[MappedText], MappedText]) -> Callable[[MappedText], MappedText]:
        RULES.append(Rule(name, fn, sample, formats, (fn.__doc__ or "").strip()))
        return fn

    return deco


@rule("normalise_characters", ("ﬁnal\u00a0data\u00ad\u200b\r\nmening\ufffekat\ufffe\n", "final data\nmeningkat-\n"))
def normalise_characters(t: MappedText) -> MappedText:
    """CRLF to LF, no-break and odd spaces to spaces, drop soft hyphens and zero-width
    characters, expand ligatures (NFKC per character, so offsets stay exact)."""
    t = t.sub(r"\r\n?", lambda m: "\n")
    t = t.sub(r"[\u00ad\u200b\u200c\u200d\ufeff]", lambda m: "")
    # pdfium marks a line-end hyphen with U+FFFE; it has usually joined the word already
    t = t.sub(r"\ufffe(\n?)", lambda m: "-\n" if m.group(1) else "")
    t = t.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]", lambda m: " ")
    return t.sub(r"[\ufb00-\ufb06]", lambda m: unicodedata.normalize("NFKC", m.group(0)))


@rule("markdown_heading_marks", ("## **BAB V**\n#### 5.1 Kesimpulan", "\u0001**BAB V**\n\u0001\u0001\u00015.1 Kesimpulan"),
      formats=("markdown", "docx"))
def markdown_heading_marks(t: MappedText) -> MappedText:
    """Replace ``#`` heading marks by one U+0001 per level beyond the first, a hint that
    :mod:`claimex.clean.structure` reads and removes (a Markdown heading is a heading even
    when its words look like a sentence)."""
    return t.sub(r"(?m)^[ \t]*(#{1,6})[ \t]+", lambda m: "\u0001" * max(len(m.group(1)) - 1, 1))


@rule("markdown_emphasis", ("**BAB V** dan *Human Trafficking* serta __a__ \\*", "BAB V dan Human Trafficking serta a *"),
      formats=("markdown",))
def markdown_emphasis(t: MappedText) -> MappedText:
    """Strip bold/italic marks and backslash escapes, keeping the words."""
    t = t.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", lambda m: [2])
    t = t.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", lambda m: [2])
    t = t.sub(r"\*\*", lambda m: "")
    return t.sub(r"\\([\\`*_{}\[\]()#+\-.!])", lambda m: [1])


@rule("markdown_links_and_html", ("Lihat [laporan](http://x.y) <br>ini", "Lihat laporan ini"), formats=("markdown",))
def markdown_links_and_html(t: MappedText) -> MappedText:
    """Links keep their text; images, HTML tags and blockquote marks go."""
    t = t.sub(r"!\[[^\]]*\]\([^)]*\)", lambda m: "")
    t = t.sub(r"\[([^\]]+)\]\([^)]*\)", lambda m: [1])
    t = t.sub(r"<br\s*/?>\s*", lambda m: "")
    t = t.sub(r"</?[a-zA-Z][^>]{0,80}>", lambda m: "")
    return t.sub(r"(?m)^[ \t]*>[ \t]?", lambda m: "")


@rule("footnote_markers", ("korban.¹² Data [^3] manusia.12 Selain itu", "korban. Data  manusia. Selain itu"))
def footnote_markers(t: MappedText) -> MappedText:
    """Drop superscript digits, Markdown footnote references, and 1-2 digits glued to the
    end of a word or sentence (``manusia.12 Selain``) where a footnote number sits."""
    t = t.sub(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+", lambda m: "")
    t = t.sub(r"\[\^\d+\]", lambda m: "")
    return t.sub(r"(?<=[a-z]{3}[.,;:])\d{1,2}(?=[ \n]+[A-Z\n])", lambda m: "")


PAGE_NUMBER = re.compile(  # a whole line; pages end at a form feed as well as a newline
    r"(?i)(?<![^\n\f])[ \t]*(?:-[ \t]*\d{1,4}[ \t]*-|\d{1,4}|[ivxlc]{1,7}|(?:hal(?:aman)?\.?|page)[ \t]*\d{1,4})"
    r"[ \t]*(?![^\n\f])")


@rule("page_numbers", ("akhir kalimat\n87\nawal", "akhir kalimat\n\nawal"))
def page_numbers(t: MappedText) -> MappedText:
    """Lines holding only a page number (``87``, ``- 87 -``, ``xii``, ``Halaman 87``) become blank."""
    return t.sub(PAGE_NUMBER, lambda m: "")


@rule("running_headers",
      ("Universitas Nusantara\nsatu\n\fUniversitas Nusantara\ndua\n\fUniversitas Nusantara\ntiga",
       "\nsatu\n\f\ndua\n\f\ntiga"), formats=("pdf", "text", "docx", "markdown"))
def running_headers(t: MappedText) -> MappedText:
    """In paged text (form feeds between pages), a short line that opens or closes three
    or more pages is a running header or footer and goes."""
    pages = t.text.split("\f")
    if len(pages) < 3:
        return t
    edges: Counter[str] = Counter()
    for p in pages:
        lines = [ln.strip() for ln in p.split("\n") if ln.strip()]
        for ln in set(lines[:2] + lines[-2:]):
            if len(ln) <= 80:
                edges[re.sub(r"\d+", "#", ln)] += 1
    repeated = {k for k, v in edges.items() if v >= 3}
    if not repeated:
        return t
    return t.sub(r"[^\n\f]+", lambda m: "" if re.sub(r"\d+", "#", m.group(0).strip()) in repeated else [0])


@rule("trailing_spaces", ("kata   \n  lain  kata", "kata\n  lain kata"))
def trailing_spaces(t: MappedText) -> MappedText:
    """Spaces at line ends go; runs of spaces inside a line become one (indentation stays)."""
    t = t.sub(r"[ ]+(?=\n|$)", lambda m: "")
    return t.sub(r"(?<=\S)[ ]{2,}(?=\S)", lambda m: " ")


def apply_rules(t: MappedText, fmt: str) -> MappedText:
    """Run every rule that applies to ``fmt`` in order."""
    for r in RULES:
        if fmt in r.formats:
            t = r.fn(t)
    return t
