"""Organisations composed from the names around them, after the other rules and the tagger.

An office named by its place joins its organisation (``Walhi Riau``, ``Kadin Kabupaten
Garut``, ``IDI Cabang Bantul``); so does a sub-unit or a board written before it (``Bidang
Humas Polda Riau``, ``DPW PPNI Kalimantan Barat``), but not a post (``Kepala Seksi Humas …``:
the corpus marks the organisation only), and ``Pemerintah`` + a country stays a country. An
"organisation" holding Agreement, Convention, Treaty … is a law.

Example:
    >>> from claimex.doc import Entity
    >>> text = "Data Walhi Riau."
    >>> [e.text for e in join_offices(text, [Entity("Walhi", "ORG", 5, 10, "Walhi", "org:walhi"),
    ...                                       Entity("Riau", "GPE", 11, 15, "Riau", "gpe:riau")])]
    ['Walhi Riau']
"""

from __future__ import annotations

import re

from claimex.doc import Entity
from claimex.entities.rules import EN_LAW_LAST
from claimex.entities.text import norm, slug

OFFICE_GAP = re.compile(
    r"[ \t]+(?:(?:Cabang|Perwakilan|Wilayah|Daerah(?:[ \t]+Operasi)?|Daops?(?:[ \t]+\d{1,2})?|Regional"
    r"|(?!(?:DI|DKI)\b)[A-Z][A-Z0-9]{1,5})[ \t]+)?")  # "PLN UP3 Kupang": a unit's code between them
# A sub-unit written before its organisation: the head opens a capitalised run that reaches the organisation.
SUBUNIT_HEADS = (
    "Bidang", "Bagian", "Seksi", "Subbagian", "Subbidang", "Subdirektorat", "Subdit", "Direktorat", "Kanwil",
    "Kantor Wilayah", "Divisi", "Unit", "Satuan", "Sekretariat", "Biro", "Pusat", "Komite", "Humas", "Pangkalan",
    "Satker", "Stasiun", "Posbakum", "Poltekkes", "Regional Office", "Regional Support Office", "Pengurus Besar",
    "Pengurus Pusat", "Pengurus Wilayah", "Pengurus Cabang", "Pengurus Daerah", "Pimpinan Pusat", "Pimpinan Wilayah",
    "Pimpinan Daerah", "Pimpinan Cabang", "Dewan Pimpinan", "Perwakilan", "Cabang", "Kantor Perwakilan",
    "Kantor Cabang", "Pusdalops",
    # police units
    "Ditreskrimum", "Ditreskrimsus", "Ditresnarkoba", "Ditlantas", "Ditpolairud", "Ditintelkam", "Ditbinmas",
    "Ditsamapta", "Dittipidum", "Dittipidsus", "Dittipidnarkoba", "Dittipidter", "Dittipidsiber", "Satreskrim",
    "Satresnarkoba", "Satlantas", "Satintelkam", "Satbinmas", "Satpolairud", "Korpolairud", "Baharkam",
    "Baintelkam", "Bareskrim",
)
# A unit of a local government, written before the place: "Seksi Kesejahteraan Sosial Kecamatan Leksono".
LOCAL_UNIT_HEADS = ("Bidang", "Bagian", "Seksi", "Subbagian", "Subbidang", "Kanwil", "Kantor Wilayah", "Satker",
                    "Posbakum")


def _unit_run(heads: tuple[str, ...], words: str) -> re.Pattern[str]:
    """A head, then capitalised words (``words``: ``*`` any, ``+`` at least one), ending right before a name."""
    alts = "|".join(sorted((h.replace(" ", r"[ \t]+") for h in heads), key=len, reverse=True))
    return re.compile(r"(?:(?<=[\s(\"“])|^)(?:" + alts + r")(?:(?:[ \t]+|,[ \t]+|[ \t]+dan[ \t]+)"
                      r"(?:[A-Z][\w&'’./-]*|[IVX]+|\d{1,4}))" + words + r"[ \t]+$")


_SUBUNIT = _unit_run(SUBUNIT_HEADS, "*")
_LOCAL_UNIT = _unit_run(LOCAL_UNIT_HEADS, "+")
# the head of a unit is a post: "Kepala Seksi Humas Polresta Banyuwangi"
ROLE_BEFORE = re.compile(r"\b(?:Kepala|Ketua|Wakil|Sekretaris|Direktur|Kasubdit|Kasat|Kasi|Kabid|Kabag)[ \t]+$",
                         re.IGNORECASE)
# an unknown acronym of a unit right before its organisation ("RMI PCNU Jombang"); not "kelas XI", not "ASN Dinas …"
UNIT_ACRONYM = re.compile(r"(?:(?<=\s)|^)(?![IVXLCDM]+\b)([A-Z]{2,8})[ \t]+$")
NOT_UNITS = frozenset("""
ASN PNS CPNS PPPK SDM SOP CSR APBD APBN APBDes UMKM UKM PDRB RPJMD RPJMN RKPD IPM KTP NIK TKI PMI ODGJ DBD TBC HIV AIDS
COVID ISPA BBM LPG BLT DAK DAU PAD SPM IKM OPD SKPD UMK UMR UMP RTRW RDTR KLB PSBB PPKM WNI WNA
""".split())
# a name of its own with a branch after it: "Persadia Cabang Palangka Raya"
BRANCH_BEFORE = re.compile(r"(?:(?<=\s)|^)[A-Z][\w&'’-]+[ \t]+(?:Cabang|Perwakilan)[ \t]+$")
ADMIN_PLACE = re.compile(r"(?:Provinsi|Kabupaten|Kota|Kecamatan)\b")
BOARDS = frozenset({"DPP", "DPW", "DPD", "DPC"})  # Dewan Pimpinan Pusat / Wilayah / Daerah / Cabang, not the Senate
LAW_WORD = re.compile(rf"\b(?:{'|'.join(EN_LAW_LAST)})\b")


def join_offices(text: str, ents: list[Entity]) -> list[Entity]:
    """Entities of one text, sorted by start, with organisations joined to their offices and units."""
    out: list[Entity] = []
    for e in ents:
        if e.type == "ORG" and LAW_WORD.search(e.text):  # "ASEAN Agreement on Disaster Management …"
            e = Entity(e.text, "LAW", e.start, e.end, e.canonical, e.id, e.source)
        prev = out[-1] if out else None
        gap = text[prev.end:e.start] if prev is not None else ""
        if (prev is not None and prev.type == "ORG" and e.type == "GPE" and OFFICE_GAP.fullmatch(gap)
                and norm(prev.text.split()[0]) != "pemerintah"):
            ident = f"{prev.id}:{slug(e.canonical or e.text)}" if prev.id else None
            canonical = " ".join([prev.canonical or prev.text, *gap.split(), e.canonical or e.text])
            out[-1] = Entity(text[prev.start:e.end], "ORG", prev.start, e.end, canonical, ident, prev.source)
        elif prev is not None and prev.type == "ORG" and prev.text in BOARDS and e.type == "ORG" and gap == " ":
            out[-1] = _prefixed(text, prev.start, e)
        else:
            out.append(e)
    for k, e in enumerate(out):
        lo = out[k - 1].end if k else 0
        if e.type == "GPE":
            start = _unit_before(_LOCAL_UNIT, text, lo, e.start)
            if start is None:
                start = _unit_before(BRANCH_BEFORE, text, lo, e.start)
            if start is None and ADMIN_PLACE.match(e.text):  # "BKPSDM Kota Bitung"
                start = _acronym_before(text, lo, e.start)
        elif e.type == "ORG":
            start = _acronym_before(text, lo, e.start)
            if start is not None:
                e = out[k] = _prefixed(text, start, e)
            start = _unit_before(_SUBUNIT, text, lo, e.start)
        else:
            continue
        if start is not None:
            out[k] = _prefixed(text, start, e)
    return out


def _unit_before(rx: re.Pattern[str], text: str, lo: int, start: int) -> int | None:
    """Where a unit written right before ``start`` (after ``lo``, on the same line) begins, unless it
    follows a post such as ``Kepala``."""
    m = rx.search(text, max(lo, start - 120), start)
    if m and "\n" not in m.group() and not ROLE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
        return m.start()
    return None


def _acronym_before(text: str, lo: int, start: int) -> int | None:
    """Where an unknown unit acronym right before ``start`` begins (not one of ``NOT_UNITS``)."""
    a = UNIT_ACRONYM.search(text, max(lo, start - 12), start)
    return a.start() if a and a.group(1) not in NOT_UNITS else None


def _prefixed(text: str, start: int, e: Entity) -> Entity:
    """``e`` with the words from ``start`` before it: a new organisation, without an identifier."""
    canonical = " ".join(text[start:e.start].split() + [e.canonical or e.text])
    return Entity(text[start:e.end], "ORG", start, e.end, canonical, None, e.source)
