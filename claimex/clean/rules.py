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

from claimex.clean.structure import SENTENCE_END, title_case
from claimex.clean.text import Builder, MappedText, Piece

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


# Words after which ``.12`` is a number, not a footnote (``Vol.12``, ``hlm.45``).
NUMBERED_ABBREVIATIONS = frozenset("vol hlm hal no ed p pp".split())
# Words before a number that is a reference with a decimal point (``Tabel 4.12``, ``versi 4.2``).
REFERENCE_WORDS = frozenset("""tabel gambar grafik diagram bagan bab subbab sub-bab pasal ayat lampiran versi persamaan
rumus halaman hal hlm no nomor vol bagian butir poin angka pukul jam""".split())
# a capital, a number or list marker, or the end of the text follows, on this line or the next; not "13.00 WITA"
_NEXT_IS_NEW_SENTENCE = (r"(?=[ \n\f]*$|[ ]*\n[ \n\f]*(?:[\"“(]?[A-Z]|\d|[a-z][.)] |[-•*] )|[ ]+[\"“(]?[A-Z])"
                         r"(?![ ]+WI(?:B|TA|T)\b)")
FOOTNOTE_AFTER_WORD = re.compile(r"(?<![\w'’-])([A-Za-z]+(?:['’-][A-Za-z]+)*[\"”’)]?)([.,;:][\"”’]?)([1-9]\d?)"
                                 + _NEXT_IS_NEW_SENTENCE)
FOOTNOTE_AFTER_NUMBER = re.compile(r"((?<![\w.,])\d+(?:,\d+)?%?|°[CF]|\))(\.)([1-9]\d?)"
                                   + _NEXT_IS_NEW_SENTENCE)


def _footnote_after_number(m: re.Match[str]) -> list[Piece]:
    number = m.group(1)
    if re.fullmatch(r"\d+", number):  # a whole number: "PSAK 112.13 Dari" but not "5.1 Kesimpulan" or "0.05"
        words = re.findall(r"\w+", m.string[max(0, m.start() - 30):m.start()].split("\n")[-1])
        if number.startswith("0") or not words or words[-1].lower() in REFERENCE_WORDS:
            return [0]
    return [1, 2]


@rule("footnote_markers", (
    "korban.¹² Data [^3] manusia.12 Selain itu berbulan-bulan.23\n4. Kampanye PLS-SEM.9 Hasil tahun 2023.24 Rasio "
    "77%.31 Anak (2020).5 Lalu 0,29.21 Kolaborasi PSAK 112.13 Dari siklus II.16\n650 °C.33 Lalu \"langkung\".14 "
    "Konvergensi kelas VIII.5\nsebagai tahun 2017-2023.8 Dari Al-Qur'an.7 Kajian Vol.12 No Rp9,8 Miliar 2.000 Orang "
    "70 mm² Tabel 4.12 Hasil p 0.05 Hal 11.00–13.00 WITA\n5.1 Kesimpulan tahun 2023.¹",
    "korban. Data  manusia. Selain itu berbulan-bulan.\n4. Kampanye PLS-SEM. Hasil tahun 2023. Rasio "
    "77%. Anak (2020). Lalu 0,29. Kolaborasi PSAK 112. Dari siklus II.\n650 °C. Lalu \"langkung\". "
    "Konvergensi kelas VIII.5\nsebagai tahun 2017-2023. Dari Al-Qur'an. Kajian Vol.12 No Rp9,8 Miliar 2.000 Orang "
    "70 mm² Tabel 4.12 Hasil p 0.05 Hal 11.00–13.00 WITA\n5.1 Kesimpulan tahun 2023."))
def footnote_markers(t: MappedText) -> MappedText:
    """Drop superscript digits after a word or punctuation (not after units: ``m²``),
    Markdown footnote references, and 1-2 digits glued to a sentence end where a footnote
    number sits, when a capital or the end of the line follows: after a word
    (``manusia.12 Selain``, ``berbulan-bulan.23``) or after a number, a decimal
    (``0,29.21``; Indonesian decimals take a comma), a percentage, a unit or a closing
    parenthesis (``PSAK 112.13 Dari``, but not ``Tabel 4.12 Hasil`` or ``5.1 Kesimpulan``)."""
    t = t.sub(r"(?:(?<=[^\W\d_]{3})|(?<=[^\w\s]))[\u00b9\u00b2\u00b3\u2070-\u2079]+", lambda m: "")
    t = t.sub(r"\[\^\d+\]", lambda m: "")
    t = t.sub(FOOTNOTE_AFTER_WORD, lambda m: [0] if m.group(1).lower() in NUMBERED_ABBREVIATIONS else [1, 2])
    return t.sub(FOOTNOTE_AFTER_NUMBER, _footnote_after_number)


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


HEADER_WORDS = re.compile(r"(?i)\b(universitas|institut|sekolah tinggi|politeknik|akademi|fakultas|program studi|prodi|"
                          r"jurusan|departemen|skripsi|tesis|disertasi|tugas akhir|jurnal|prosiding)\b")


def _title_like(line: str) -> bool:
    """A short title-cased line (``Skripsi — Fakultas Ilmu Sosial``, ``Tesis Program Magister 4``)."""
    return len(line) <= 80 and len(line.split()) <= 12 and line[:1].isupper() and title_case(line) \
        and not SENTENCE_END.search(line)


@rule("page_edge_headers",
      ("korban terbesar,\n\n\fUniversitas Nusantara Raya\ndengan lebih\n\fSkripsi — Fakultas Hukum\nSaran ini\n"
       "\fAhmad Fauzi\nbagi pemerintah.\n\fBAB V PENUTUP\nSaran ini",
       "korban terbesar,\n\n\f\ndengan lebih\n\f\nSaran ini\n\f\nbagi pemerintah.\n\fBAB V PENUTUP\nSaran ini"),
      formats=("pdf", "text", "docx", "markdown"))
def page_edge_headers(t: MappedText) -> MappedText:
    """A running header or footer seen only once or twice (too few pages for
    ``running_headers``): a title-cased line next to a form feed goes when it names the
    institution or the kind of work (``Universitas …``, ``Skripsi — …``), or when it
    cuts an unfinished sentence from its lowercase continuation."""
    if "\f" not in t.text:
        return t
    lines = [(m.start(), m.end(), m.group(0).strip()) for m in re.finditer(r"[^\n\f]+", t.text) if m.group(0).strip()]
    drop: list[tuple[int, int]] = []
    for i, (start, end, text) in enumerate(lines):
        after_ff = "\f" in t.text[lines[i - 1][1] if i else 0:start]
        before_ff = i + 1 < len(lines) and "\f" in t.text[end:lines[i + 1][0]]
        if not (after_ff or before_ff) or not _title_like(text):
            continue
        prev = lines[i - 1][2] if i else ""
        nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
        cuts_sentence = bool(prev) and not SENTENCE_END.search(prev) and nxt[:1].islower()
        if HEADER_WORDS.search(text) or cuts_sentence:
            drop.append((start, end))
    out = Builder()
    pos = 0
    for start, end in drop:
        out.copy(t, pos, start)
        pos = end
    out.copy(t, pos, len(t))
    return out.build()


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
