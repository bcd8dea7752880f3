"""Lines to blocks: unwrap wrapped lines into paragraphs, find headings and list items.

The output clean text holds one block per line: a heading, a paragraph, or a list
item (``1. …``). Each :class:`~claimex.doc.Block` records its kind, heading level and
list marker, and the span of its words in the clean text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimex.clean.text import Builder, MappedText
from claimex.doc import Block

HINT = "\u0001"  # left by the markdown_heading_marks rule, one per level beyond the first

_ROMAN = r"[IVXL]{1,6}"
CHAPTER = re.compile(rf"^bab\s+({_ROMAN}|\d{{1,2}})\b\.?\s*(.*)$", re.I)
CHAPTER_TITLE = re.compile(r"^(penutup|(kesimpulan|simpulan),?\s+(dan\s+)?(saran|implikasi|rekomendasi|keterbatasan|"
                           r"diskusi).*)$", re.I)
FRONT_MATTER = re.compile(r"^(abstrak|abstract|intisari|ringkasan|kata pengantar|daftar pustaka|daftar isi|"
                          r"lampiran(\s+\w+)?)$", re.I)
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
LETTERED = re.compile(r"^([A-H])[.)]\s+(\S.*)$")
KEYWORD = re.compile(r"^(kesimpulan|simpulan|saran|saran-saran|rekomendasi|implikasi(\s+\w+){0,3}|"
                     r"keterbatasan(\s+\w+){0,3}|limitasi(\s+\w+){0,2}|saran\s+(praktis|teoretis|teoritis|"
                     r"akademis|operasional)|kesimpulan\s+dan\s+saran)$", re.I)
ADDRESSED = re.compile(r"^(?:(\d{1,2}|[a-z])[.)]\s+)?((?:Bagi|Untuk|Kepada|BAGI|UNTUK|KEPADA)\s+\S.{1,90})$")
# words a title leaves in lower case
SMALL_WORDS = frozenset("""dan di ke dari yang untuk bagi pada dalam atau serta dengan terhadap melalui tentang
of and the in for""".split())
LIST_ITEM = re.compile(r"^((?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]|[-•▪●◦*])\s+(?=\S)")
SENTENCE_END = re.compile(r"[.!?:;][\"”’)]*$")
INNER_SENTENCE_END = re.compile(r"[a-z]{3}[.!?][\"”’)]* [A-Z]")  # "... darurat. Kebijakan" is no heading


@dataclass
class _Line:
    start: int  # offsets of the stripped content in the source MappedText
    end: int
    text: str
    hint: int  # markdown heading depth hint (0 = none)
    blank_before: int = 0
    page_break: bool = False  # a form feed lies between this line and the one before


def _lines(t: MappedText) -> list[_Line]:
    out: list[_Line] = []
    blanks = 0
    page_break = False
    pos = 0
    for seg in re.split(r"[\n\f]", t.text):
        s, e = pos, pos + len(seg)
        pos = e + 1
        if s > 0 and t.text[s - 1] == "\f":
            page_break = True
        body = seg.lstrip(HINT + " ")
        hint = seg[: len(seg) - len(body)].count(HINT)
        content = body.strip()
        if not content:
            blanks += 1
            continue
        start = e - len(body) + (len(body) - len(body.lstrip()))
        out.append(_Line(start, start + len(content), content, hint, blanks, page_break))
        blanks = 0
        page_break = False
    return out


def heading_level(text: str, hint: int, section_level: int) -> int | None:
    """The heading level of a line (1 chapter, 2 section, 3+ sub-section), or None."""
    words = text.split()
    chapter = CHAPTER.match(text)
    if chapter and not (title_case(chapter.group(2)) or not chapter.group(2)):
        chapter = None  # "Bab IV dan Bab V, terdapat ..." is a wrapped line, not a chapter heading
    if len(words) > 16 or (SENTENCE_END.search(text) and not text.endswith(":") and hint == 0):
        if not chapter:
            return None
    if hint == 0 and INNER_SENTENCE_END.search(text):
        return None
    if chapter and len(words) <= 12:
        return 1
    if CHAPTER_TITLE.match(text):
        return 1
    m = NUMBERED.match(text)
    if m and len(words) <= 14 and not SENTENCE_END.search(text) and not m.group(2)[0].islower():
        return m.group(1).count(".") + 1
    m = LETTERED.match(text)
    if m and len(words) <= 10 and m.group(2)[0].isupper() and not SENTENCE_END.search(text):
        return 2
    if FRONT_MATTER.match(text):
        return 1
    if KEYWORD.match(text.rstrip(":")):
        return 3 if section_level >= 2 and re.match(r"(?i)saran\s+\w+|implikasi", text) else 2
    m = ADDRESSED.match(text)
    if (m and len(words) <= 14 and not SENTENCE_END.search(text)
            and (title_case(m.group(2)) or ("," not in text and len(words) <= 6))):
        return max(section_level, 2) + 1
    if hint and len(words) <= 14 and not SENTENCE_END.search(text):
        return min(hint, 3)
    return None


def title_case(text: str) -> bool:
    """Every word capitalised but function words (``Bagi Dinas Pendidikan, Pemuda, dan Olahraga``)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return bool(words) and all(w[0].isupper() or w in SMALL_WORDS for w in words)


def _bare_chapter(text: str) -> bool:
    m = CHAPTER.match(text)
    return m is not None and not m.group(2)


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(text.split()) <= 10 \
        and not SENTENCE_END.search(text)


def _title(text: str) -> str:
    """Headings in capitals get title case in section paths (``5.1 KESIMPULAN`` → ``5.1 Kesimpulan``);
    chapter headings (``BAB V PENUTUP``) keep their capitals."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(":").strip()
    if CHAPTER.match(text) or CHAPTER_TITLE.match(text):
        return text
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return " ".join(w if re.fullmatch(_ROMAN, w) else w.capitalize() for w in text.split(" "))
    return text


def _is_reduplication(a: str, b: str) -> bool:
    # a shared stem of three letters is chance more often than not (``perdagan-`` + ``gan``)
    a, b = a.lower(), b.lower()
    if a == b or b.startswith(a):
        return True
    return any(a.endswith(b[:k]) for k in range(4, len(b) + 1))


def _numbered_title(ln: _Line, cur: Block | None, nxt: _Line | None) -> bool:
    """``1. Isi Kebijakan`` on its own line, not inside a list, with a paragraph after it,
    is a sub-heading rather than a one-line list item."""
    m = re.match(r"(?:\d{1,2}|[a-z])[.)]\s+(\S.*)$", ln.text)
    if not m or len(m.group(1).split()) > 8 or SENTENCE_END.search(ln.text) or not title_case(m.group(1)):
        return False
    if (cur is not None and cur.kind == "item") or nxt is None or LIST_ITEM.match(nxt.text):
        return False
    return nxt.text[:1].isupper() and heading_level(nxt.text, nxt.hint, 3) is None


def structure(t: MappedText) -> tuple[MappedText, list[Block]]:
    """Turn cleaned lines into blocks; returns the clean text and its blocks."""
    lines = _lines(t)
    text_lines = [ln for ln in lines if heading_level(ln.text, ln.hint, 2) is None]
    spaced = len(lines) >= 6 and sum(1 for ln in lines[1:] if ln.blank_before) >= 0.7 * (len(lines) - 1)
    lengths = sorted(len(ln.text) for ln in text_lines)
    typical = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0
    wrapped = len(text_lines) >= 4 and typical <= 110

    out = Builder()
    blocks: list[Block] = []
    cur: Block | None = None  # the paragraph or item being extended
    prev: _Line | None = None
    section_level = 1

    def new_block(kind: str, level: int = 0, marker: str | None = None, title: str | None = None) -> Block:
        if out.last_char():
            out.insert("\n", out._map[-1])
        b = Block(kind=kind, clean_start=len(out._map), clean_end=len(out._map), level=level, marker=marker)
        blocks.append(b)
        return b

    for i, ln in enumerate(lines):
        sub_heading = False  # a heading that names an addressee or a list point keeps the section level
        if (cur is not None and cur.kind != "heading" and prev is not None and not ln.hint
                and not SENTENCE_END.search(prev.text) and ln.text[:1].islower() and not LIST_ITEM.match(ln.text)):
            level = None  # a lowercase line carrying on an unfinished sentence is no heading
        else:
            level = heading_level(ln.text, ln.hint, section_level)
            sub_heading = level is not None and ADDRESSED.match(ln.text) is not None
        if (level is None and cur is not None and cur.kind == "heading" and prev is not None
                and _bare_chapter(prev.text) and _all_caps(ln.text)):
            level = 1  # the title under a bare "BAB V", whatever its words
        if level is None and _numbered_title(ln, cur, lines[i + 1] if i + 1 < len(lines) else None):
            level, sub_heading = max(section_level, 2) + 1, True
        if level is not None:
            # "BAB V" followed by its title on the next line is one heading
            if (cur is not None and cur.kind == "heading" and cur.level == 1 and prev is not None
                    and _bare_chapter(prev.text) and level <= 2 and not NUMBERED.match(ln.text)):
                out.insert(" ", t.raw_at(ln.start))
                _copy_words(out, t, ln)
                cur.clean_end = len(out._map)
                prev = ln
                continue
            cur = new_block("heading", level=level)
            _copy_words(out, t, ln)
            cur.clean_end = len(out._map)
            if not sub_heading:
                section_level = level
            prev = ln
            continue
        m = LIST_ITEM.match(ln.text)
        if m and not (m.group(1) in "-*" and cur is not None and cur.kind != "heading" and not ln.blank_before
                      and wrapped and not SENTENCE_END.search(prev.text if prev else "")):
            cur = new_block("item", marker=m.group(1))
            out.copy(t, ln.start, ln.start + len(m.group(1)))
            out.insert(" ", t.raw_at(ln.start + len(m.group(1))))
            cur.clean_start = len(out._map)
            _copy_words(out, t, ln, skip=m.end())
            cur.clean_end = len(out._map)
            prev = ln
            continue
        if cur is not None and cur.kind != "heading" and prev is not None and _continues(prev, ln, spaced, wrapped, typical):
            _join(out, t, prev, ln)
            cur.clean_end = len(out._map)
        else:
            cur = new_block("paragraph")
            _copy_words(out, t, ln)
            cur.clean_end = len(out._map)
        prev = ln
    if out.last_char():
        out.insert("\n", out._map[-1])
    clean = out.build()
    for b in blocks:
        if b.kind == "heading":
            b.title = _title(clean.text[b.clean_start:b.clean_end])
    return clean, blocks


def _copy_words(out: Builder, t: MappedText, ln: _Line, skip: int = 0) -> None:
    """Copy a line, collapsing inner whitespace runs to one space."""
    seg_start = ln.start + skip
    seg = MappedText(t.text[seg_start:ln.end], t.map[seg_start:ln.end])
    seg = seg.sub(r"\s{2,}", lambda m: " ")
    out.copy(seg, 0, len(seg))


def _continues(a: _Line, b: _Line, spaced: bool, wrapped: bool, typical: int) -> bool:
    """Does line ``b`` continue the paragraph that line ``a`` ends?"""
    ends = bool(SENTENCE_END.search(a.text))
    lower_next = b.text[:1].islower() or b.text[:1] in ",;)"
    if b.page_break and not ends:
        return True  # pages break in mid-sentence; the blank lines a page number or header left mean nothing
    if b.blank_before and not spaced and not b.page_break:
        return not ends and lower_next
    if wrapped:
        return not (ends and len(a.text) < 0.75 * typical)
    return not ends and lower_next


def _join(out: Builder, t: MappedText, a: _Line, b: _Line) -> None:
    m = re.search(r"(\w+)-$", a.text)
    n = re.match(r"[a-z]\w*", b.text)
    if m and n and not _is_reduplication(m.group(1), n.group(0)):
        # drop the line-end hyphen: the map shrinks by one copied character
        out._parts[-1] = out._parts[-1][:-1]
        out._map.pop()
    elif not (m and n):
        out.insert(" ", t.raw_at(a.end))
    _copy_words(out, t, b)
