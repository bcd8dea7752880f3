"""The entity stage: gazetteer + document acronyms + pattern rules + the learned tagger.

Order, per document:

1. acronym definitions over the whole document (``Long Form (SHORT)`` …) become a
   document overlay: both forms name one entity everywhere in the document, and a
   local meaning overrides the gazetteer (``Pajak Bumi dan Bangunan (PBB)`` makes
   ``PBB`` no organisation in that document);
2. gazetteer names, numbered regulations (with the ``tentang …`` title that follows),
   treaties, administrative places, names opened by a head word (``Dinas …``,
   ``Puskesmas …``, ``SMP Negeri …``) and English names closed by one (``Tanoto
   Foundation``); where they overlap the longest wins;
3. the tagger's places and laws (not on headings; organisations too with
   ``tagger_adds``) where no rule matched, and its names around rule names that they
   extend (``BAZNAS Kabupaten Lamongan`` over ``Kabupaten Lamongan``), minus capitalised
   phrases the document also writes in lower case; then every other occurrence of the
   same surface in the document;
4. an organisation joined with the place of its office after it (``Walhi Riau``) and
   with a sub-unit written before it (``Bidang Humas Polda Riau``).

Example:
    >>> rec = EntityRecognizer(use_tagger=False)
    >>> [(e.text, e.type, e.canonical) for e in rec.recognize("Kerja sama Laos dan Organisasi Internasional untuk Migrasi (IOM).")]
    [('Laos', 'GPE', 'Laos'), ('Organisasi Internasional untuk Migrasi', 'ORG', 'International Organization for Migration'), ('IOM', 'ORG', 'International Organization for Migration')]
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from claimex.doc import Document, Entity
from claimex.entities.acronyms import Definition, find_definitions
from claimex.entities.gazetteer import Alias, Entry, Gazetteer, Index, Match, _alias_tokens
from claimex.entities.offices import join_offices
from claimex.entities.rules import (EN_LAW_LAST, EN_ORG_LAST, extend_law_titles, find_admin_places, find_en_orgs,
                                    find_laws, find_orgs)
from claimex.entities.text import is_upper_word, norm, tokenize

ORG_HEADS = {
    "badan", "kementerian", "kantor", "lembaga", "komisi", "dewan", "majelis", "mahkamah", "pengadilan", "kejaksaan",
    "kepolisian", "direktorat", "dinas", "biro", "balai", "pusat", "sekretariat", "organisasi", "persatuan",
    "perhimpunan", "ikatan", "asosiasi", "yayasan", "koperasi", "perusahaan", "bank", "universitas", "institut",
    "sekolah", "politeknik", "akademi", "rumah", "partai", "serikat", "konfederasi", "federasi", "forum", "jaringan",
    "aliansi", "koalisi", "gugus", "satuan", "satgas", "unit", "otoritas", "perum", "pt", "komite", "kelompok",
    "kedutaan", "konsulat", "perwakilan", "markas", "tentara", "angkatan", "detasemen", "korps", "divisi",
    "inspektorat", "kamar", "palang", "perseroan", "himpunan", "pimpinan", "pengurus", "kepaniteraan", "polisi",
    "puskesmas", "rsud", "cv", "pemerintah", "departemen", "kesatuan", "komando", "perserikatan", "paguyuban",
}
ORG_WORDS_EN = {
    "office", "organization", "organisation", "agency", "association", "commission", "committee", "council", "fund",
    "programme", "initiative", "bureau", "department", "ministry", "institute", "university", "bank", "foundation",
    "federation", "union", "network", "alliance", "coalition", "centre", "center", "court", "forum", "force",
    "service", "authority", "secretariat", "group", "nations", "partnership", "corporation", "company", "police",
} | {w.lower() for w in EN_ORG_LAST}
LAW_HEADS = {"undang", "peraturan", "keputusan", "instruksi", "konvensi", "protokol", "deklarasi", "kovenan", "piagam",
             "statuta", "traktat", "kitab", "qanun", "convention", "protocol", "declaration", "covenant", "charter",
             "statute", "treaty", "agreement"}
LAW_WORDS_EN = {w.lower() for w in EN_LAW_LAST}
GPE_HEADS = {"provinsi", "kabupaten", "kota", "republik", "kerajaan", "kepulauan", "kecamatan", "desa"}
DIRECTION_WORDS = {"utara", "selatan", "timur", "barat", "tengah", "tenggara", "daya", "laut", "hulu", "hilir", "ulu"}
# Capitalised words the tagger may take for names but that never are one here
TAGGER_STOP = {norm(w) for w in (
    "BAB", "Bab", "Kesimpulan", "Saran", "Penutup", "Pemerintah", "Negara", "Penelitian", "Peneliti", "Penulis",
    "Hasil", "Pasal", "Ayat", "Tahun", "Human Trafficking", "Trafficking", "Abstrak", "Daftar Pustaka", "Lampiran",
    "Tabel", "Gambar", "Keterbatasan Penelitian", "Pemerintah Daerah", "Pemerintah Pusat", "Provinsi", "Kabupaten",
    "Kota", "Desa", "Kecamatan", "Undang-Undang", "UU", "Program", "Bagi", "Selain", "Oleh", "Dalam", "Hal",
    # social media and apps: the corpus names them as media, never as entities
    "Facebook", "Instagram", "WhatsApp", "TikTok", "YouTube", "Twitter", "Telegram", "LinkedIn", "Google",
)}
SOURCES = ("gazetteer", "acronym", "rule", "tagger")
# Types the tagger may add where no rule found a name, when the rules run too (it may always extend a rule's
# name: "BAZNAS Kabupaten Lamongan" over "Kabupaten Lamongan"). On the corpus's train and dev splits the tagger's
# own GPE names were right 36 times in 39, its own ORG names 55 in 85 on train (which it was trained on) and 3 in 9
# on dev; leaving them out raised dev ORG F1 from 0.932 to 0.951. The head-word rule already finds most unknown
# organisations, so on its own the tagger adds places (and laws).
TAGGER_ADDS = ("GPE", "LAW")


def head_type(long: str) -> str | None:
    """ORG / LAW / GPE from a long form's words (``Badan …`` → ORG, ``… Act`` → LAW), else None."""
    words = [norm(t.text) for t in tokenize(long) if t.text[:1].isalpha()]
    if not words:
        return None
    if words[0] in LAW_HEADS or words[-1] in LAW_WORDS_EN:
        return "LAW"
    if words[0] in ORG_HEADS or any(w in ORG_WORDS_EN for w in words) or words[0] == "united":
        return "ORG"
    if words[0] in GPE_HEADS:
        return "GPE"
    return None


@dataclass
class _Prepared:
    text: str
    chunks: list[tuple[int, int]]
    defs: list[Definition] = field(default_factory=list)


class EntityRecognizer:
    """Finds ORG / GPE / LAW entities; a pipeline stage and a text-level call.

    Args:
        model_dir: a tagger folder (a spaCy ``ner`` pipeline or a transformer token tagger, see
            :func:`~claimex.entities.tagger.load_tagger`); default ``models/ner-id``.
        use_tagger: run the learned tagger (spaCy loads on first use).
        use_gazetteer: run the gazetteer, acronym and pattern rules.
        gazetteer: a gazetteer JSONL file instead of the shipped one.
        tagger_adds: types the tagger may add where no rule found a name (default GPE and LAW;
            see ``TAGGER_ADDS``); with ``use_gazetteer=False`` it adds every type.

    Example:
        >>> rec = EntityRecognizer(use_tagger=False)
        >>> [(e.text, e.canonical, e.id) for e in rec.recognize("UNODC bekerja di Laos.")]
        [('UNODC', 'United Nations Office on Drugs and Crime', 'org:unodc'), ('Laos', 'Laos', 'gpe:laos')]
    """

    name = "entities"
    requires = ("clean", "sentences")
    provides = ("entities",)

    def __init__(self, model_dir: str | Path | None = None, use_tagger: bool = True, use_gazetteer: bool = True,
                 gazetteer: str | Path | None = None, tagger_adds: Sequence[str] = TAGGER_ADDS):
        self.gaz = Gazetteer.load(gazetteer)
        self.tagger_adds = tuple(tagger_adds)
        self.use_gazetteer = use_gazetteer
        self.use_tagger = use_tagger
        self._tagger: Any = None
        if use_tagger:
            from claimex.entities.tagger import default_model_dir, load_tagger
            from claimex.errors import ModelNotFoundError

            try:
                self._tagger = load_tagger(model_dir)
            except ModelNotFoundError:
                if model_dir is not None:
                    raise
                warnings.warn(f"no entity tagger at {default_model_dir()}; using the gazetteer and rules only",
                              stacklevel=2)
                self.use_tagger = False

    # ---- public calls -------------------------------------------------------------------
    def recognize(self, text: str) -> list[Entity]:
        """Entities of a plain text, offsets into ``text``."""
        return self.recognize_many([text])[0]

    def recognize_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities of many texts (the tagger sees them in one batch)."""
        preps = [_Prepared(t, _line_chunks(t)) for t in texts]
        return self._run(preps)

    def annotate(self, docs: Sequence[Document]) -> None:
        """Fill ``sentence.entities`` (raw offsets) and ``doc.meta["entity_counts"]``."""
        preps = []
        for d in docs:
            text = d.clean or d.raw
            if d.sentences:  # headings ("5.2 Saran", titles in capitals) are left to the gazetteer and rules
                chunks = [(s.clean_start, s.clean_end) for s in d.sentences if not s.is_heading]
            elif d.blocks:
                chunks = [(b.clean_start, b.clean_end) for b in d.blocks]
            else:
                chunks = _line_chunks(text)
            preps.append(_Prepared(text, chunks))
        results = self._run(preps)
        for d, ents in zip(docs, results):
            _assign(d, ents)
            d.meta["entity_counts"] = [
                {"canonical": k[0], "type": k[1], "id": k[2], "count": c}
                for k, c in sorted(_count(d).items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
            ]

    # ---- internals ----------------------------------------------------------------------
    def _known(self, name: str) -> str | None:
        e = self.gaz.lookup(name)
        return e.id if e else None

    def _run(self, preps: list[_Prepared]) -> list[list[Entity]]:
        for p in preps:
            p.defs = find_definitions(p.text, self._known) if self.use_gazetteer else []
        tagged: list[list[tuple[int, int, str]]] = [[] for _ in preps]
        if self.use_tagger and self._tagger is not None:
            flat, owners = [], []
            for k, p in enumerate(preps):
                for a, b in p.chunks:
                    if p.text[a:b].strip():
                        flat.append(p.text[a:b])
                        owners.append((k, a))
            for (k, a), spans in zip(owners, self._tagger.predict(flat) if flat else []):
                tagged[k] += [(a + s, a + e, lab) for s, e, lab in spans]
        return [self._combine(p, t) for p, t in zip(preps, tagged)]

    def _overlay(self, p: _Prepared, tagged: list[tuple[int, int, str]],
                 ruled: list[Match]) -> tuple[Index, set[str]]:
        """The document's own names: acronym pairs linked to one entry, or blocked. A long form the
        gazetteer lacks takes the type and identifier of a rule's name ending where it ends ("Agreement
        on Port State Measures (PSMA)": the letters fit "Port State Measures")."""
        overlay = Index()
        rule_end = {m.end: m for m in sorted(ruled, key=lambda m: m.end - m.start)}  # the longest name ending there
        blocked: set[str] = set()
        tag_at = {(s, e): lab for s, e, lab in tagged}
        for d in p.defs:
            long_entry = self.gaz.lookup(d.long)
            short_entry = self.gaz.lookup_exact(d.short)
            htype = head_type(d.long)
            entry: Entry | None
            if long_entry is not None:
                entry = long_entry
            elif short_entry is not None and (not d.letters_fit or htype == short_entry.type):
                entry = short_entry
            else:
                typ = htype or tag_at.get((d.long_start, d.long_end))
                canonical, ident = " ".join(d.long.split()), ""
                m = rule_end.get(d.long_end)
                if m is not None and typ in (None, m.type):  # the rule's name (and identifier) for both forms
                    typ, canonical, ident = m.type, m.canonical, m.id or ""
                entry = Entry(id=ident, type=typ, canonical=canonical) if typ else None
            if entry is None:
                blocked.update({d.short, d.long})
                overlay.block(d.short)
                overlay.block(d.long)
                continue
            overlay.add(Alias(_alias_tokens(d.short), entry), front=True)
            overlay.add(Alias(_alias_tokens(d.long), entry), front=True)
        return overlay, blocked

    def _combine(self, p: _Prepared, tagged: list[tuple[int, int, str]]) -> list[Entity]:
        text = p.text
        cands: list[Match] = []
        blocked: set[str] = set()
        if self.use_gazetteer:
            ruled = (find_laws(text, self.gaz) + find_admin_places(text, self.gaz) + find_orgs(text, self.gaz)
                     + find_en_orgs(text, self.gaz))
            overlay, blocked = self._overlay(p, tagged, ruled)
            defined = {norm(d.short) for d in p.defs} | {norm(d.long) for d in p.defs}
            for m in self.gaz.match(text, overlay):
                if norm(m.text) in defined:
                    m.source = "acronym"
                cands.append(m)
            cands = extend_law_titles(text, cands + ruled)
        # longest first; ties: gazetteer/acronym before rules
        rank = {"gazetteer": 0, "acronym": 0}
        cands.sort(key=lambda m: (-(m.end - m.start), rank.get(m.source, 1), m.start))
        kept: list[Match] = []
        for m in cands:
            if not any(m.start < k.end and k.start < m.end for k in kept):
                kept.append(m)
        if tagged:
            kept, extra = self._tagger_entities(text, tagged, kept, blocked)
        else:
            extra = []
        ents = sorted([_entity(m) for m in kept] + extra, key=lambda e: e.start)
        return join_offices(text, ents) if self.use_gazetteer else ents

    def _tagger_entities(self, text: str, tagged: list[tuple[int, int, str]], kept: list[Match],
                         blocked: set[str]) -> tuple[list[Match], list[Entity]]:
        """The tagger's names where no rule found one, or around rule names they extend
        (``Dinas Sosial Kabupaten Lombok Timur`` over ``Kabupaten Lombok Timur``); returns the
        rule matches still kept and the tagger's entities."""
        kept = list(kept)
        taken: list[tuple[int, int]] = []  # the tagger's spans so far
        out: list[Entity] = []
        surfaces: dict[str, str] = {}
        for s, e, lab in tagged:
            s, e = _drop_lower_tail(text, *_trim(text, s, e))
            surface = text[s:e]
            if e <= s or not _plausible(surface) or surface in blocked or _written_lower(text, surface):
                continue
            known = self.gaz.lookup(surface)
            if known is not None and self.use_gazetteer and not any(m.start <= s and e <= m.end for m in kept):
                continue  # a name the gazetteer knows but did not take here ("bahasa Indonesia", a gated "MA")
            if any(s < b and a < e for a, b in taken):
                continue
            inner = [m for m in kept if m.start < e and s < m.end]
            if inner and not _extends(text, s, e, lab, inner):
                continue
            if not inner and self.use_gazetteer and lab not in self.tagger_adds:
                continue  # with the rules on, the tagger's own ORG names are too often wrong (see TAGGER_ADDS)
            kept = [m for m in kept if m not in inner]
            out.append(self._tagged(text, s, e, lab))
            taken.append((s, e))
            surfaces.setdefault(surface, lab)
        # the same surface elsewhere in the document gets the same type
        for surface, lab in surfaces.items():
            for m in re.finditer(re.escape(surface), text):
                s, e = m.span()
                if (s > 0 and (text[s - 1].isalnum())) or (e < len(text) and text[e].isalnum()):
                    continue
                if any(s < b and a < e for a, b in taken + [(k.start, k.end) for k in kept]):
                    continue
                out.append(self._tagged(text, s, e, lab))
                taken.append((s, e))
        return kept, out

    def _tagged(self, text: str, s: int, e: int, lab: str) -> Entity:
        surface = text[s:e]
        entry = self.gaz.lookup(surface)
        if entry is not None and entry.type == lab:
            return Entity(surface, lab, s, e, entry.canonical, entry.id, "tagger")
        return Entity(surface, lab, s, e, " ".join(surface.split()), None, "tagger")


LINK_WORD = re.compile(r"(?:,|[ \t]*\b(?:dan|serta|atau|bersama|dengan))[ \t]")


def _extends(text: str, s: int, e: int, lab: str, inner: list[Match]) -> bool:
    """May the tagger's span ``s:e`` replace the rule names ``inner`` inside it? Only when it
    contains them all, is longer, opens with a head word or an acronym (``Dinas``, ``Badan``,
    ``BAZNAS``, ``Peraturan``) and does not join two names of its own type (``UNODC dan IOM``)."""
    if any(m.start < s or m.end > e for m in inner) or any((m.start, m.end) == (s, e) for m in inner):
        return False
    if sum(m.type == lab for m in inner) > 1:
        return False
    if any(LINK_WORD.search(text[s:m.start]) for m in inner if m.type in ("ORG", "LAW")) or any(
            LINK_WORD.match(text[m.end:e]) for m in inner if m.type == "ORG"):
        return False  # "Pemerintah Indonesia dan International Organization for Migration": two names
    words = text[s:e].split()
    first = norm(words[0])
    if first == "pemerintah" and len(inner) == 1 and inner[0].entry is not None and inner[0].entry.kind in (
            "country", "region"):
        return False  # "Pemerintah Laos": the corpus marks the country only
    if lab == "ORG":
        return first in ORG_HEADS or is_upper_word(words[0]) or first in ORG_WORDS_EN
    if lab == "LAW":
        return first in LAW_HEADS
    return first in GPE_HEADS or norm(words[-1]) in DIRECTION_WORDS


def _entity(m: Match) -> Entity:
    src = m.source if m.source in ("gazetteer", "acronym") else "rule"
    return Entity(text=m.text, type=m.type, start=m.start, end=m.end, canonical=m.canonical,
                  id=m.id or None, source=src)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and not text[s].isalnum():
        s += 1
    m = NUMBERING.match(text[s:e])  # "5.2 Saran", "a. Bagi …": a list or section number is no part of a name
    if m:
        s += m.end()
    while e > s and text[e - 1] in " ,;:.-–—'\"“”’)(":
        if text[e - 1] == "." and e - s <= 6 and text[s:e].count(".") > 1:  # keep "U.S."
            break
        if text[e - 1] == ")" and "(" in text[s:e]:
            break
        e -= 1
    return s, e


def _drop_lower_tail(text: str, s: int, e: int) -> tuple[int, int]:
    """A name ends in a capitalised word or a number: the tagger's "Kementerian Agama dan pemerintah
    daerah alangkah" is "Kementerian Agama"."""
    while True:
        words = list(re.finditer(r"\S+", text[s:e]))
        if len(words) < 2 or not words[-1].group()[:1].islower():
            return s, e
        s, e = _trim(text, s, s + words[-2].end())


NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Za-z][.)]|[IVXLC]+\.)\s+")


def _written_lower(text: str, surface: str) -> bool:
    """The document also writes ``surface`` in lower case (``perdagangan manusia``), so a capitalised
    occurrence is title case, not a name; a phrase with a head word (``Dinas …``) is exempt."""
    first = norm(surface.split()[0]) if surface.split() else ""
    low = surface.lower()
    if low == surface or first in ORG_HEADS or first in GPE_HEADS or first in LAW_HEADS:
        return False
    return re.search(r"(?<!\w)" + re.escape(low) + r"(?!\w)", text) is not None


def _plausible(surface: str) -> bool:
    if not surface or not any(c.isupper() for c in surface):
        return False
    if len(surface) <= 2 or norm(surface) in DIRECTION_WORDS:  # "SD", "TK", "Selatan": kinds and parts, not names
        return False
    if " " not in surface.strip() and norm(surface) in ORG_HEADS | LAW_HEADS | GPE_HEADS:  # "Konvensi", "Dinas"
        return False
    first = next((c for c in surface if c.isalpha()), "")
    if not first or not first.isupper():
        return False
    return norm(surface) not in TAGGER_STOP and len(surface) >= 2


def _line_chunks(text: str, max_len: int = 1200) -> list[tuple[int, int]]:
    """Lines of ``text``; a long line is cut after sentence-final punctuation."""
    out = []
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip():
            continue
        while b - a > max_len:
            cut = max((m.end() for m in re.finditer(r"[.!?]\s", text[a:a + max_len])), default=max_len)
            out.append((a, a + cut))
            a += cut
        out.append((a, b))
    return out


def _assign(doc: Document, ents: list[Entity]) -> None:
    """Put each entity (clean offsets) into its sentence, with raw offsets."""
    for s in doc.sentences:
        s.entities = []
    if not doc.sentences:
        return
    starts = [s.clean_start for s in doc.sentences]
    import bisect

    for e in ents:
        k = bisect.bisect_right(starts, e.start) - 1
        if k < 0:
            continue
        sent = doc.sentences[k]
        if e.end > sent.clean_end:
            continue
        rs, re_ = doc.raw_span(e.start, e.end) if doc.clean else (e.start, e.end)
        sent.entities.append(Entity(e.text, e.type, rs, re_, e.canonical, e.id, e.source))


def _count(doc: Document) -> Counter:
    c: Counter = Counter()
    for s in doc.sentences:
        for e in s.entities:
            c[(e.canonical or e.text, e.type, e.id)] += 1
    return c


def entity_counts(doc: Document) -> dict[tuple[str, str], int]:
    """How often each entity occurs in an annotated document: ``{(canonical or text, type): n}``.

    Example:
        >>> rec = EntityRecognizer(use_tagger=False)                 # doctest: +SKIP
        >>> rec.annotate([doc]); entity_counts(doc)[("Laos", "GPE")]  # doctest: +SKIP
        11
    """
    out: Counter = Counter()
    for (name, typ, _), n in _count(doc).items():
        out[(name, typ)] += n
    return dict(out)
