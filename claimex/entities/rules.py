"""Pattern rules: numbered Indonesian regulations (LAW), named treaties, and administrative
places (``Kabupaten Sleman``, ``Kota Bandung``, ``Provinsi Jawa Barat``).

Each rule is a named regular expression with a sample (the samples are test cases).

Example:
    >>> [(m.text, m.canonical, m.id) for m in find_laws("sesuai UU No. 21 Tahun 2007 tentang PTPPO")]
    [('UU No. 21 Tahun 2007', 'Undang-Undang Nomor 21 Tahun 2007', 'law:uu-21-2007')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimex.entities.gazetteer import Gazetteer, Match
from claimex.entities.text import slug

# Short heads of regulations → (full name, identifier code)
SHORT_HEADS: dict[str, tuple[str, str]] = {
    "UU": ("Undang-Undang", "uu"),
    "Undang-Undang": ("Undang-Undang", "uu"),
    "Undang Undang": ("Undang-Undang", "uu"),
    "PP": ("Peraturan Pemerintah", "pp"),
    "Peraturan Pemerintah": ("Peraturan Pemerintah", "pp"),
    "Perppu": ("Peraturan Pemerintah Pengganti Undang-Undang", "perppu"),
    "Perpu": ("Peraturan Pemerintah Pengganti Undang-Undang", "perppu"),
    "Peraturan Pemerintah Pengganti Undang-Undang": ("Peraturan Pemerintah Pengganti Undang-Undang", "perppu"),
    "Perpres": ("Peraturan Presiden", "perpres"),
    "Peraturan Presiden": ("Peraturan Presiden", "perpres"),
    "Keppres": ("Keputusan Presiden", "keppres"),
    "Kepres": ("Keputusan Presiden", "keppres"),
    "Keputusan Presiden": ("Keputusan Presiden", "keppres"),
    "Inpres": ("Instruksi Presiden", "inpres"),
    "Instruksi Presiden": ("Instruksi Presiden", "inpres"),
    "Permenaker": ("Peraturan Menteri Ketenagakerjaan", "permenaker"),
    "Permennaker": ("Peraturan Menteri Ketenagakerjaan", "permenaker"),
    "Permenkes": ("Peraturan Menteri Kesehatan", "permenkes"),
    "Permendagri": ("Peraturan Menteri Dalam Negeri", "permendagri"),
    "Permendikbud": ("Peraturan Menteri Pendidikan dan Kebudayaan", "permendikbud"),
    "Permensos": ("Peraturan Menteri Sosial", "permensos"),
    "Permenkeu": ("Peraturan Menteri Keuangan", "pmk"),
    "PMK": ("Peraturan Menteri Keuangan", "pmk"),
    "Permenlu": ("Peraturan Menteri Luar Negeri", "permenlu"),
    "Permenkumham": ("Peraturan Menteri Hukum dan Hak Asasi Manusia", "permenkumham"),
    "Permen PPPA": ("Peraturan Menteri Pemberdayaan Perempuan dan Perlindungan Anak", "permenpppa"),
    "Perda": ("Peraturan Daerah", "perda"),
    "Pergub": ("Peraturan Gubernur", "pergub"),
    "Perbup": ("Peraturan Bupati", "perbup"),
    "Perwali": ("Peraturan Wali Kota", "perwali"),
    "Perwal": ("Peraturan Wali Kota", "perwali"),
    "Perkap": ("Peraturan Kepala Kepolisian Negara Republik Indonesia", "perkap"),
    "Perkapolri": ("Peraturan Kepala Kepolisian Negara Republik Indonesia", "perkap"),
    "Perpol": ("Peraturan Kepolisian Negara Republik Indonesia", "perpol"),
    "Perma": ("Peraturan Mahkamah Agung", "perma"),
    "PERMA": ("Peraturan Mahkamah Agung", "perma"),
    "SEMA": ("Surat Edaran Mahkamah Agung", "sema"),
    "POJK": ("Peraturan Otoritas Jasa Keuangan", "pojk"),
    "SEOJK": ("Surat Edaran Otoritas Jasa Keuangan", "seojk"),
    "PBI": ("Peraturan Bank Indonesia", "pbi"),
    "Qanun": ("Qanun", "qanun"),
    "Perdes": ("Peraturan Desa", "perdes"),
}

_ABBR = "|".join(sorted((re.escape(k) for k in SHORT_HEADS if " " not in k and "-" not in k), key=len, reverse=True))
_ABBR_PREFIXED = r"Permen\w+|Kepmen\w+"
# A long head: "Peraturan Menteri Kesehatan", "Peraturan Daerah Provinsi Jawa Barat", "Keputusan Bersama ..."
_LONG_HEAD = (r"(?:Undang[- ]Undang|Peraturan|Keputusan|Instruksi|Surat\s+Edaran|Qanun"
              rf"|{_ABBR_PREFIXED}|\b(?:{_ABBR}))"
              r"(?:\s+(?:[A-Z][\w/-]*|dan|RI|\d+))*?")
_ACR = r"(?:\s*\([A-Z][\w./-]{1,15}\))?"
_RI = r"(?:\s+(?:Republik\s+Indonesia|RI|Negara\s+Republik\s+Indonesia))?"
_NUM = r"(?P<num>\d+[A-Z]?(?:/[\w.]+)*?|[A-Z][\w.]*(?:/[\w.]+)+)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

LAW_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    # "UU No. 21 Tahun 2007", "Peraturan Menteri Kesehatan Nomor 75 Tahun 2014"
    "numbered": (re.compile(
        rf"(?P<head>{_LONG_HEAD}){_ACR}{_RI}\s+(?:Nomor|Nomer|No\.?|Nr\.?)\s*{_NUM}"
        rf"(?:\s*(?:Tahun|Th\.?|/)\s*{_YEAR})?(?![\w/])"), "Peraturan Pemerintah (PP) Nomor 35 Tahun 2020"),
    # "UU 21/2007", "PP 35/2020"
    "slashed": (re.compile(rf"\b(?P<head>UU|PP|Perpres|Perppu|Permenaker|Permenkes|POJK|Perda)\s+(?P<num>\d+)/{_YEAR}\b"),
                "UU 21/2007"),
    # "UU Nomor 21 Tahun 2007" written without a number word: "UU 21 Tahun 2007"
    "bare": (re.compile(rf"\b(?P<head>UU|Undang-Undang|PP|Perpres)\s+(?P<num>\d+)\s+Tahun\s+{_YEAR}\b"),
             "UU 21 Tahun 2007"),
}

# Named instruments not in the gazetteer: "Konvensi Den Haag 1954", "Protocol on X"
_CONNECT = r"(?:tentang|mengenai|menentang|terhadap|untuk|dan|on|of|the|against|for|and|to|in)"
_TREATY_HEADS = r"(?:Konvensi|Protokol|Kovenan|Statuta|Traktat|Convention|Protocol|Covenant|Statute|Treaty)"
TREATY_RULE = re.compile(
    rf"\b{_TREATY_HEADS}"
    r"(?:\s+(?:tentang|mengenai|menentang|terhadap|untuk|on|of|the|against|for|to|in|relating)){0,2}"
    r"\s+(?:[A-Z][\w'’-]*|ILO|PBB)"
    rf"(?:\s+(?:[A-Z][\w'’-]*|\d{{4}}|{_CONNECT}(?=(?:\s+{_CONNECT})*\s+(?!{_TREATY_HEADS}\b)[A-Z])))*")

ADMIN_RULE = re.compile(
    r"\b(?P<prefix>Provinsi|Kabupaten|Kab\.|Kota|Kotamadya|Kecamatan|Kelurahan|Desa|Distrik|Nagari|Gampong|Dusun)"
    r"\s+(?P<name>[A-Z][\w'’-]*(?:\s+(?!(?:Nomor|No|Tahun|Pasal|Dinas|Badan|Kantor|Pemerintah|Provinsi|Kabupaten|Kota|"
    r"Kecamatan|Kelurahan|Desa|Distrik|Dusun)\b)[A-Z][\w'’-]*){0,3})")
ADMIN_STOP = {"Nomor", "Tahun", "Pasal"}
ADMIN_FULL = {"Kab.": "Kabupaten", "Kotamadya": "Kota"}


@dataclass
class LawName:
    head: str
    code: str


FULL_CODES = {full: code for full, code in SHORT_HEADS.values()}


def _head(head: str) -> LawName:
    h = re.sub(r"\s+", " ", head.strip())
    h = re.sub(r"^Undang Undang", "Undang-Undang", h)
    first, _, rest = h.partition(" ")
    if h in SHORT_HEADS:
        full, code = SHORT_HEADS[h]
    elif first in SHORT_HEADS and first not in FULL_CODES:  # "Perda Provinsi Jawa Barat"
        full, code = SHORT_HEADS[first][0] + " " + rest, slug(SHORT_HEADS[first][0] + " " + rest)
    else:
        full, code = h, slug(h)
    return LawName(full, FULL_CODES.get(full, code))


def find_laws(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """Numbered regulations in ``text``; canonical ``<Full head> Nomor N Tahun YYYY``."""
    out: list[Match] = []
    taken: list[tuple[int, int]] = []
    for name, (rx, _) in LAW_RULES.items():
        for m in rx.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            head = _head(m.group("head"))
            num, year = m.group("num"), m.groupdict().get("year")
            canonical = f"{head.head} Nomor {num}" + (f" Tahun {year}" if year else "")
            ident = f"law:{head.code}-{slug(num)}" + (f"-{year}" if year else "")
            entry = gaz.entries.get(ident) if gaz is not None else None
            out.append(Match(s, e, text[s:e], "LAW", entry, canonical, ident, source=f"rule:{name}"))
            taken.append((s, e))
    for m in TREATY_RULE.finditer(text):
        s, e = m.span()
        words = m.group().split()
        if len(words) < 2 or any(a < e and s < b for a, b in taken):
            continue
        canonical = " ".join(words)
        entry = gaz.lookup(canonical) if gaz is not None else None
        out.append(Match(s, e, text[s:e], "LAW", entry, entry.canonical if entry else canonical,
                         entry.id if entry else f"law:{slug(canonical)}", source="rule:treaty"))
    return sorted(out, key=lambda m: m.start)


def find_admin_places(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """``Kabupaten Sleman``, ``Kota Bandung``, ``Provinsi Jawa Barat``, ``Desa Sukamaju``.

    A province keeps its gazetteer entry (``Provinsi Jawa Barat`` → ``gpe:jawa-barat``);
    a regency or city gets its own identifier (``gpe:kabupaten-bogor`` ≠ ``gpe:kota-bogor``).
    """
    out = []
    for m in ADMIN_RULE.finditer(text):
        prefix = ADMIN_FULL.get(m.group("prefix"), m.group("prefix"))
        name = m.group("name")
        s, e = m.span()
        entry = gaz.lookup_exact(name) if gaz is not None else None
        if prefix == "Provinsi" and entry is not None and entry.type == "GPE":
            out.append(Match(s, e, text[s:e], "GPE", entry, entry.canonical, entry.id, source="rule:admin"))
            continue
        canonical = f"{prefix} {entry.canonical if entry is not None and entry.type == 'GPE' else name}"
        out.append(Match(s, e, text[s:e], "GPE", None, canonical, f"gpe:{slug(canonical)}", source="rule:admin"))
    return out
