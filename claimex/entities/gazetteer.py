"""The gazetteer: organisations, places and laws with canonical names, identifiers and aliases.

Data: ``claimex/entities/data/gazetteer.jsonl``, one entry per line (see the README there).

Matching rules:

- Token boundaries: names match whole tokens (``IOM`` never inside ``KIOMX``; ``UN``
  never inside ``UN.GIFT``); hyphens are optional (``Bangsa-Bangsa`` = ``Bangsa Bangsa``);
  a name never crosses a line break.
- Case: an all-capitals alias token (``PBB``, ``UN.GIFT``) matches only that exact
  form; a capitalised alias needs a capital on its first word (``Laos``, not ``laos``;
  later words may vary: ``Asia tenggara``); an all-capitals span (a heading) matches
  aliases of four letters or more.
- Longest match wins, left to right.
- ``gated_aliases`` (ambiguous short forms such as ``MA``, ``UI``) count only when the
  same document also names the entry another way.
- ``place_suffix``: ``KBRI``, ``Polda``, ``Dinas Kesehatan`` … take a following place
  (``KBRI Kuala Lumpur``, ``Dinas Kesehatan Kota Bandung``); ``required`` entries
  (``Pemerintah Kabupaten``) are names only with one.
- ``bahasa Inggris`` / ``suku Jawa`` / ``dolar AS`` / ``versi Indonesia`` are languages, peoples,
  currencies and adaptations, not places.
- A place followed by a compass word the gazetteer does not list (``Lombok Timur``,
  ``Halmahera Tengah``) is that longer place (its own identifier).

Example:
    >>> gaz = Gazetteer.load()
    >>> [(m.text, m.entry.canonical) for m in gaz.match("Data IOM dan PBB di Laos.")]
    [('IOM', 'International Organization for Migration'), ('PBB', 'Perserikatan Bangsa-Bangsa'), ('Laos', 'Laos')]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from claimex.entities.text import HYPHENS, Tok, is_capitalised, is_upper_word, norm, slug, tokenize

DATA = Path(__file__).parent / "data" / "gazetteer.jsonl"
ADMIN_PREFIXES = {"provinsi", "kabupaten", "kab", "kota", "kotamadya", "kecamatan", "distrik", "wilayah", "daerah"}
NOT_A_PLACE_BEFORE = {"bahasa", "berbahasa", "dwibahasa", "suku", "etnis", "dolar", "versi"}
AT_PLACE = {"org:kbri", "org:kjri", "org:kdei", "org:bbpom"}  # offices named "… di <city>"
DIRECTIONS = {"utara", "selatan", "timur", "barat", "tengah", "tenggara", "barat daya", "timur laut", "hulu", "hilir",
              "ulu", "raya", "darat", "pusat"}
SUFFIX_STOP = {"nomor", "no", "tahun", "pasal", "ayat", "dan", "yang", "di", "ke", "dari", "pada", "untuk", "bagi",
               "dalam", "dengan", "serta", "atau", "sebagai", "tentang", "terhadap", "telah", "akan", "juga"}


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry."""

    id: str
    type: str
    canonical: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    gated_aliases: tuple[str, ...] = ()
    place_suffix: str = ""  # "", "optional", "required"
    title: str = ""
    wikidata: str = ""

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        return cls(id=d["id"], type=d["type"], canonical=d["canonical"], aliases=tuple(d.get("aliases", ())),
                   kind=d.get("kind", ""), gated_aliases=tuple(d.get("gated_aliases", ())),
                   place_suffix=d.get("place_suffix", ""), title=d.get("title", ""), wikidata=d.get("wikidata", ""))

    def names(self) -> list[str]:
        return [self.canonical, *self.aliases]


@dataclass(frozen=True)
class Alias:
    tokens: tuple[str, ...]  # surface tokens, hyphens removed
    entry: Optional[Entry]  # None: a name this document defines as no entity
    gated: bool = False


@dataclass
class Match:
    """A name found in a text: offsets into it, the entry, and how it was found."""

    start: int
    end: int
    text: str
    type: str
    entry: Optional[Entry]
    canonical: str
    id: Optional[str]
    source: str = "gazetteer"
    gated: bool = False
    base_id: Optional[str] = None  # the entry id before a place suffix was added


def _alias_tokens(name: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(name) if t.text not in HYPHENS)


def _case_ok(alias: tuple[str, ...], toks: list[Tok]) -> bool:
    surface = [t.text for t in toks]
    if all(is_upper_word(s) or not any(c.isalpha() for c in s) for s in surface) \
            and any(any(c.islower() for c in a) for a in alias):
        return sum(c.isalpha() for a in alias for c in a) >= 4  # a heading in capitals: LAOS
    for i, (a, s) in enumerate(zip(alias, surface)):
        if is_upper_word(a):
            if a != s:
                return False
        elif i == 0 and is_capitalised(a) and not is_capitalised(s):
            return False
        elif i > 0 and is_capitalised(a) and s.isalpha() and s.islower():
            return False  # "Dinas kesehatan", "lembaga bantuan hukum": a kind of body, not its name
    return True


class Index:
    """Alias keys → candidate aliases; the first token's key → longest alias length."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, ...], list[Alias]] = {}
        self.maxlen: dict[str, int] = {}

    def add(self, alias: Alias, front: bool = False) -> None:
        if not alias.tokens:
            return
        key = tuple(norm(t) for t in alias.tokens)
        lst = self.keys.setdefault(key, [])
        if any(a.tokens == alias.tokens and a.entry == alias.entry for a in lst):
            return
        lst.insert(0, alias) if front else lst.append(alias)
        self.maxlen[key[0]] = max(self.maxlen.get(key[0], 0), len(key))

    def block(self, name: str) -> None:
        """Make ``name`` (exact case) mean no entity."""
        self.add(Alias(_alias_tokens(name), None), front=True)


class Gazetteer:
    """Entries and their alias index; :meth:`match` finds them in a text."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries: dict[str, Entry] = {}
        self.index = Index()
        self._by_name: dict[str, Entry] = {}
        for e in entries:
            self.entries[e.id] = e
            for name in e.names():
                self.index.add(Alias(_alias_tokens(name), e))
                self._by_name.setdefault(norm(" ".join(_alias_tokens(name))), e)
            for name in e.gated_aliases:
                self.index.add(Alias(_alias_tokens(name), e, gated=True))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """The shipped gazetteer (cached), or one from a JSONL file."""
        if path is None:
            return _shipped()
        return cls(_read(Path(path)))

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, name: str) -> Entry | None:
        """The entry one of whose names is ``name`` (case-insensitive), else None.

        Example:
            >>> Gazetteer.load().lookup("Organisasi Internasional untuk Migrasi").id
            'org:iom'
        """
        return self._by_name.get(norm(" ".join(_alias_tokens(name))))

    def lookup_exact(self, name: str) -> Entry | None:
        """Like :meth:`lookup`, respecting the case rules (``PBB`` yes, ``pbb`` no)."""
        toks = [t for t in tokenize(name) if t.text not in HYPHENS]
        key = tuple(t.key for t in toks)
        for a in self.index.keys.get(key, []):
            if a.entry is not None and _case_ok(a.tokens, toks):
                return a.entry
        return None

    # ---- matching ---------------------------------------------------------------------
    def match(self, text: str, overlay: Index | None = None, gate: bool = True) -> list[Match]:
        """Names of ``text``, longest first, left to right; ``overlay`` (document-defined
        names) is looked up before the gazetteer."""
        all_toks = tokenize(text)
        toks = [t for t in all_toks if t.text not in HYPHENS]
        out: list[Match] = []
        i = 0
        n = len(toks)
        while i < n:
            m = self._match_at(text, toks, i, overlay)
            if m is None:
                i += 1
                continue
            match, j = m
            if match is not None:
                out.append(match)
            i = j
        out = self._extend_directions(text, toks, out)
        out = self._extend_places(text, toks, out)
        if gate:
            present = {m.entry.id for m in out if m.entry is not None and not m.gated}
            out = [m for m in out if not m.gated or (m.entry is not None and m.entry.id in present)]
        return out

    def _match_at(self, text: str, toks: list[Tok], i: int, overlay: Index | None) -> tuple[Match | None, int] | None:
        first = toks[i].key
        longest = max(self.index.maxlen.get(first, 0), overlay.maxlen.get(first, 0) if overlay else 0)
        for length in range(min(longest, len(toks) - i), 0, -1):
            span = toks[i:i + length]
            if length > 1 and "\n" in text[span[0].end:span[-1].start]:
                continue
            key = tuple(t.key for t in span)
            cands = (overlay.keys.get(key) if overlay else None) or self.index.keys.get(key)
            if not cands:
                continue
            for a in cands:
                if a.entry is None:  # blocked by a definition in this document (any case)
                    return None, i + length
                if not _case_ok(a.tokens, span):
                    continue
                e = a.entry
                if e.type == "GPE" and i > 0 and toks[i - 1].key in NOT_A_PLACE_BEFORE:
                    return None, i + length
                s, t = span[0].start, span[-1].end
                return Match(s, t, text[s:t], e.type, e, e.canonical, e.id, gated=a.gated), i + length
        return None

    def _extend_directions(self, text: str, toks: list[Tok], matches: list[Match]) -> list[Match]:
        """``Lombok`` + ``Timur`` → the place ``Lombok Timur`` (``gpe:lombok-timur``)."""
        tok_at = {t.start: k for k, t in enumerate(toks)}
        starts = {m.start for m in matches}
        out = []
        for m in matches:
            j = _next_tok(toks, tok_at, m.end, text) if m.type == "GPE" else None
            if j is None or not is_capitalised(toks[j].text) or toks[j].start in starts:
                out.append(m)
                continue
            end = None
            j2 = _next_tok(toks, tok_at, toks[j].end, text)
            if j2 is not None and f"{toks[j].key} {toks[j2].key}" in DIRECTIONS and is_capitalised(toks[j2].text):
                end = toks[j2].end
            elif toks[j].key in DIRECTIONS:
                end = toks[j].end
            if end is None:
                out.append(m)
                continue
            surface = " ".join(text[m.start:end].split())
            out.append(Match(m.start, end, text[m.start:end], "GPE", None, surface, f"gpe:{slug(surface)}",
                             source=m.source, gated=m.gated))
        return out

    def _extend_places(self, text: str, toks: list[Tok], matches: list[Match]) -> list[Match]:
        """``KBRI`` + ``Kuala Lumpur`` → one organisation; drop ``required`` entries without a place."""
        if not matches:
            return matches
        by_start = {m.start: k for k, m in enumerate(matches)}
        tok_at = {t.start: k for k, t in enumerate(toks)}
        out: list[Match] = []
        skip: set[int] = set()
        for k, m in enumerate(matches):
            if k in skip:
                continue
            e = m.entry
            if e is None or not e.place_suffix or m.type != "ORG":
                out.append(m)
                continue
            j = _next_tok(toks, tok_at, m.end, text)
            if j is not None and toks[j].key == "di" and e.id in AT_PLACE:  # "KBRI di Phnom Penh"
                j = _next_tok(toks, tok_at, toks[j].end, text)
            end, suffix, used = None, None, []
            # optional admin word, then a gazetteer place or a capitalised run
            if j is not None and toks[j].key in ADMIN_PREFIXES and is_capitalised(toks[j].text):
                j2 = _next_tok(toks, tok_at, toks[j].end, text)
            else:
                j2 = j
            if j2 is not None:
                nxt = by_start.get(toks[j2].start)
                if nxt is not None and matches[nxt].type == "GPE":
                    end = matches[nxt].end
                    suffix = matches[nxt]
                    used.append(nxt)
                    # "Provinsi Jawa Barat" may also have been matched with its prefix word
                else:
                    run = _capitalised_run(toks, j2, text)
                    if run:
                        end = toks[run[-1]].end
                    elif j is not None and j2 != j:
                        end = None
            if end is None:
                if e.place_suffix != "required":
                    out.append(m)
                continue
            for u in used:
                skip.add(u)
            for kk in range(k + 1, len(matches)):  # anything else swallowed by the extension
                if matches[kk].start < end:
                    skip.add(kk)
            place = text[toks[j].start:end] if j is not None else ""
            place_name = suffix.canonical if suffix is not None and toks[j].start == suffix.start else place
            canonical = f"{e.canonical} {place_name}"
            out.append(Match(m.start, end, text[m.start:end], "ORG", e, canonical, f"{e.id}:{slug(place_name)}",
                             source=m.source, gated=m.gated, base_id=e.id))
        return out


def _next_tok(toks: list[Tok], tok_at: dict[int, int], pos: int, text: str) -> int | None:
    """The token right after ``pos`` when only spaces separate them (same line)."""
    p = pos
    while p < len(text) and text[p] in " \t":
        p += 1
    if p == pos or p >= len(text):
        return None
    return tok_at.get(p)


def _capitalised_run(toks: list[Tok], j: int, text: str, max_len: int = 4) -> list[int]:
    run: list[int] = []
    k = j
    while k < len(toks) and len(run) < max_len:
        t = toks[k]
        if run and text[toks[k - 1].end:t.start] not in (" ",):
            break
        if not (t.text[:1].isupper() and t.text[:1].isalpha()) or t.key in SUFFIX_STOP:
            break
        run.append(k)
        k += 1
    return run


def _read(path: Path) -> list[Entry]:
    entries = []
    with open(path, encoding="utf-8") as fh:
        for no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entries.append(Entry.from_dict(json.loads(line)))
            except (json.JSONDecodeError, KeyError) as exc:
                from claimex.errors import ClaimexError

                raise ClaimexError(f"{path}:{no}: expected a gazetteer entry with id, type, canonical ({exc})") from exc
    return entries


@lru_cache(maxsize=1)
def _shipped() -> Gazetteer:
    return Gazetteer(_read(DATA))


__all__ = ["Entry", "Gazetteer", "Match", "Index", "Alias", "DATA"]
