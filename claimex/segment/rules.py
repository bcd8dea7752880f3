"""A rule sentence segmenter for Indonesian academic text: the fallback and the baseline."""

from __future__ import annotations

import re

from claimex.segment.base import SentSpan, TokSpan

# Academic degrees after a name: "Siti Aminah, S.H., M.H., menyatakan …". Never final, except
# after a comma and before a capitalised word: "… oleh Agus, S.H., M.H. Ia menuturkan …".
DEGREES = frozenset("""
s.h m.h s.e m.e m.si s.si s.pd m.pd s.kom m.kom s.ip m.ip s.sos m.sos s.t m.t s.kep s.km m.kes ph.d m.sc
s.ag m.ag s.hum m.hum s.i.k s.ked s.farm m.m m.a m.b.a a.md a.md.keb a.md.kep
""".split())
# Abbreviations after which a period never ends a sentence.
NEVER_FINAL = frozenset("""
dr drg dra drs prof ir h hj kh k.h no nomor nom hlm hal jl kec kab prov kel st tn ny sdr sdri bpk yth vol ed eds
jo ps psl ayat art cf vs bdk lih misal mis pt cv ud pp tgl ns dipl a.n u.p s.d d.a an al
""".split()) | DEGREES
# Abbreviations that often end a sentence: a break when a capitalised word follows.
MAYBE_FINAL = frozenset({"dll", "dsb", "dst", "tbk", "dkk", "etc", "sda"})
# Abbreviations only before a number ("hal. 45"); "tiga hal. Pertama" ends a sentence.
BEFORE_NUMBER = frozenset({"hal", "hlm"})
# Titles before a name, after which a short capitalised token is an initial ("Prof. HB. Saanin").
TITLES = frozenset({"dr", "drs", "dra", "prof", "ir", "h", "hj"})

_CANDIDATE = re.compile(r"[.!?]+[\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_TOKEN = re.compile(r"\w+(?:[-'’./]\w+)*|[^\w\s]")
_WORD_BEFORE = re.compile(r"([\w.'’-]+)\.$")  # "2000-an", "Al-Qur'an" are words, not "an"


class RuleSegmenter:
    """Splits at ``. ! ?`` before a capital or digit, except after known abbreviations.

    Example:
        >>> [s.text for s in RuleSegmenter().split("Data dari BNN. Menurut Dr. Ani, hasilnya naik.")]
        ['Data dari BNN.', 'Menurut Dr. Ani, hasilnya naik.']
    """

    name = "rules"

    def segment(self, blocks: list[str]) -> list[list[SentSpan]]:
        return [self.split(b) for b in blocks]

    def split(self, text: str) -> list[SentSpan]:
        cuts = [m.end() for m in _CANDIDATE.finditer(text) if self._is_boundary(text, m)]
        out: list[SentSpan] = []
        start = 0
        for end in cuts + [len(text)]:
            seg = text[start:end]
            s = start + len(seg) - len(seg.lstrip())
            e = start + len(seg.rstrip())
            if e > s:
                out.append(SentSpan(s, e, text[s:e], _tokens(text, s, e)))
            start = end
        return out

    @staticmethod
    def _is_boundary(text: str, m: re.Match[str]) -> bool:
        if text[m.start()] != ".":
            return True
        w = _WORD_BEFORE.search(text[max(0, m.start() - 20):m.start() + 1])
        if not w:
            return True
        word = w.group(1).lower()
        after = text[m.end():].lstrip()
        if word in BEFORE_NUMBER:
            return not after[:1].isdigit()
        if re.fullmatch(r"[A-Z]{2,3}", w.group(1)):  # initials after a title or an initial: "Prof. HB. Saanin"
            start = max(0, m.start() - 20) + w.start(1)
            before = re.search(r"(\w+)\.\s+$", text[max(0, start - 12):start])
            if before and (before.group(1).lower() in TITLES or re.fullmatch(r"[A-Z]", before.group(1))):
                return False
        if word in MAYBE_FINAL or (word == "al" and text[max(0, m.start() - 6):m.start()].endswith("et al")):
            return after[:1].isupper() and not after.startswith("(")
        if word in DEGREES and after[:1].isupper() and _after_comma(text, m.start() - len(word)):
            return True
        if word in NEVER_FINAL or word.split(".")[-1] in NEVER_FINAL and "." in word:
            return False
        if re.fullmatch(r"[a-z]", word):  # an initial: "M. Nasir"
            return False
        return True


def _after_comma(text: str, i: int) -> bool:
    """A comma right before position ``i`` (spaces between): a degree after a name."""
    return text[:i].rstrip().endswith(",")


def _tokens(text: str, start: int, end: int) -> list[TokSpan]:
    return [TokSpan(m.start() + start, m.end() + start, m.group(0), [m.group(0)])
            for m in _TOKEN.finditer(text[start:end])]
