"""Acronym definitions made in the document itself.

Four forms:

- ``Long Form (SHORT)``: ``United Nations Office on Drugs and Crime (UNODC)``,
  ``Kementerian Luar Negeri (Kemenlu)``;
- ``Long Form Place (SHORT Place)``: ``Balai Pemasyarakatan Kelas II Baubau (Bapas Baubau)``;
- ``SHORT (Long Form)``: ``ICAT (Inter-Agency Coordination Group against Trafficking in Persons)``;
- ``Long Form yang selanjutnya disebut/disingkat SHORT``.

The long form is the shortest run of words before the bracket whose first word starts
with the acronym's first letter and whose letters contain the acronym's letters in
order (Schwartz & Hearst 2003). When the letters do not fit because the long form is a
translation (``Organisasi Internasional untuk Migrasi (IOM)``), the pair is still
accepted when the gazetteer knows the short or the long form.

Example:
    >>> [(d.short, d.long) for d in find_definitions("Data dari International Organization for Migration (IOM) menunjukkan")]
    [('IOM', 'International Organization for Migration')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

Known = Callable[[str], Optional[str]]  # a name → its gazetteer id, or None

from claimex.entities.text import Tok, is_capitalised, tokenize

CONNECTORS = {"dan", "untuk", "dari", "atas", "bagi", "pada", "di", "ke", "tentang", "terhadap", "serta", "yang",
              "of", "on", "for", "the", "and", "against", "in", "to", "de", "des", "du", "la", "le", "&", ",", "-", "–", "/"}
SHORT_RE = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Z][A-Za-z0-9.&/+-]{1,15}$|^[A-Z][a-z]{2,}[A-Z][A-Za-z0-9]*$")
SINGLE_CAP = re.compile(r"^[A-Z][a-z]{3,11}$")  # Kemenlu, Bappenas, Polri: letters must fit
DEFINE_RE = re.compile(
    r",?\s+(?:(?:yang|dan)\s+)?(?:selanjutnya\s+)?(?:(?:di|ter)?sebut|disingkat|dikenal)(?:\s+(?:dengan|sebagai))?\s+"
    r"(?P<short>[A-Z][\w./-]{1,15})\b")


@dataclass(frozen=True)
class Definition:
    """A short form and its long form, with offsets into the text."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int
    letters_fit: bool = True


def looks_like_acronym(s: str) -> bool:
    """``UNODC``, ``UN.GIFT``, ``BP2MI``, ``Kemenlu``, ``KemenPPPA`` (not ``Laos``... unless mixed)."""
    if not SHORT_RE.match(s):
        return False
    caps = sum(c.isupper() for c in s)
    return caps >= 2 or (s[0].isupper() and len(s) <= 12)


def letters_fit(short: str, words: list[str]) -> bool:
    """The short form's letters appear in order in the long form, the first one starting it."""
    letters = [c.lower() for c in short if c.isalpha()]
    if not letters or not words or words[0][:1].lower() != letters[0]:
        return False
    text = " ".join(words).lower()
    pos = 1
    for c in letters[1:]:
        pos = text.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    # every capitalised content word after the first should give at least one letter (loose check)
    return True


def _word_ok(t: Tok) -> bool:
    return is_capitalised(t.text) or t.text.lower() in CONNECTORS or t.text.isdigit()


def _long_before(text: str, toks: list[Tok], k: int, short: str,
                 known: Known) -> tuple[int, int, bool] | None:
    """Token range of the long form ending before token ``k`` (the opening bracket)."""
    limit = min(len([c for c in short if c.isalnum()]) + 6, 14)
    run: list[int] = []
    j = k - 1
    while j >= 0 and len(run) < limit:
        t = toks[j]
        gap = text[t.end:toks[j + 1].start]
        if "\n" in gap:
            break
        if not _word_ok(t):
            break
        run.insert(0, j)
        j -= 1
    # trim leading connectors
    while run and not is_capitalised(toks[run[0]].text):
        run.pop(0)
    if not run:
        return None
    # a long form the gazetteer knows (longest first): "Organisasi Internasional untuk Migrasi"
    for start in range(len(run)):
        long = text[toks[run[start]].start:toks[run[-1]].end]
        if is_capitalised(toks[run[start]].text) and len(run) - start >= 2 and known(long):
            fit = letters_fit(short, [toks[i].text for i in run[start:]])
            if fit or known(short) == known(long):  # not "… Central African Republic (MINUSCA)"
                return run[start], run[-1], fit
    # Schwartz-Hearst: the shortest suffix of the run that fits the letters
    for start in range(len(run) - 1, -1, -1):
        words = [toks[i].text for i in run[start:]]
        if not is_capitalised(words[0]):
            continue
        if letters_fit(short, [w for w in words if w not in {",", "-", "/", "&"}]):
            if len(words) >= 2 or len(words[0]) > len(short) + 2:
                return run[start], run[-1], True
    # a translated long form of a known acronym: the whole capitalised run (≥ 2 words)
    words = [toks[i].text for i in run]
    caps = [w for w in words if is_capitalised(w)]
    if len(caps) >= 2 and known(short):
        return run[0], run[-1], False
    if len(caps) >= 2 and known(text[toks[run[0]].start:toks[run[-1]].end]):
        return run[0], run[-1], False
    return None


def _with_place(text: str, toks: list[Tok], k: int, close: int, known: Known) -> Definition | None:
    """``Long Form Place (SHORT Place)``: the short form of an office repeats the place that ends
    its long form; the letters must fit the long form without the place."""
    inner = toks[k + 1:close]
    head, place = inner[0].text, [t.text for t in inner[1:]]
    if not 1 <= len(place) <= 3 or not all(is_capitalised(w) for w in place) or k <= len(place) \
            or [t.text for t in toks[k - len(place):k]] != place \
            or not (looks_like_acronym(head) or SINGLE_CAP.match(head)):
        return None
    got = _long_before(text, toks, k - len(place), head, known)
    if not got or not got[2] or got[1] - got[0] < 1:  # two words at least, letters fitting
        return None
    a = got[0]
    return Definition(text[inner[0].start:inner[-1].end], text[toks[a].start:toks[k - 1].end], inner[0].start,
                      inner[-1].end, toks[a].start, toks[k - 1].end, True)


def find_definitions(text: str, known: Optional[Known] = None) -> list[Definition]:
    """Every acronym definition in ``text``; ``known(name)`` gives the gazetteer id of a
    name or None (it lets translated long forms through)."""
    known = known or (lambda s: None)
    toks = tokenize(text)
    out: list[Definition] = []
    for k, t in enumerate(toks):
        if t.text != "(":
            continue
        # find the closing bracket on the same line
        close = None
        for m in range(k + 1, min(k + 40, len(toks))):
            if toks[m].text == ")":
                close = m
                break
            if toks[m].text == "(" or "\n" in text[toks[m - 1].end:toks[m].start]:
                break
        if close is None or close == k + 1:
            continue
        inner = text[toks[k + 1].start:toks[close - 1].end]
        # Long Form (SHORT)
        if " " not in inner and (looks_like_acronym(inner) or SINGLE_CAP.match(inner)):
            got = _long_before(text, toks, k, inner, known)
            if got:
                a, b, fit = got
                if not looks_like_acronym(inner) and not fit and (
                        known(inner) is None or known(inner) != known(text[toks[a].start:toks[b].end])):
                    continue
                out.append(Definition(inner, text[toks[a].start:toks[b].end], toks[k + 1].start, toks[close - 1].end,
                                      toks[a].start, toks[b].end, fit))
            continue
        # Long Form Place (SHORT Place): "Balai Pemasyarakatan Kelas II Baubau (Bapas Baubau)"
        d = _with_place(text, toks, k, close, known)
        if d is not None:
            out.append(d)
            continue
        # SHORT (Long Form)
        if k > 0 and looks_like_acronym(toks[k - 1].text) and is_capitalised(inner):
            short = toks[k - 1].text
            words = [w.text for w in toks[k + 1:close] if w.text not in {",", "-", "/", "&"}]
            fit = letters_fit(short, words)
            if (fit and len(words) >= 2) or (len(words) >= 2 and (known(short) or known(inner))):
                out.append(Definition(short, inner, toks[k - 1].start, toks[k - 1].end, toks[k + 1].start,
                                      toks[close - 1].end, fit))
    # Long Form yang selanjutnya disebut SHORT
    starts = {tk.start: i for i, tk in enumerate(toks)}
    for m in DEFINE_RE.finditer(text):
        short = m.group("short")
        if not looks_like_acronym(short):
            continue
        k = starts.get(m.start()) if text[m.start()] == "," else None
        if k is None:  # the first token after the long form
            k = next((i for i, tk in enumerate(toks) if tk.start >= m.start()), None)
        if k is None:
            continue
        got = _long_before(text, toks, k, short, known)
        if got:
            a, b, fit = got
            s = m.start("short")
            out.append(Definition(short, text[toks[a].start:toks[b].end], s, s + len(short), toks[a].start,
                                  toks[b].end, fit))
    return sorted(out, key=lambda d: d.short_start)
