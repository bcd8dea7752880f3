"""Pattern rules: numbered Indonesian regulations (LAW) and their titles, named treaties,
administrative places (``Kabupaten Sleman``, ``Kota Bandung``, ``Provinsi Jawa Barat``) and
organisations opened by a head word (``Dinas Sosial Kabupaten Garut``, ``Puskesmas Sakra``).

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
_LONG_HEAD = (r"(?:Undang[- ]Undang|Peraturan|Keputusan|Putusan|Instruksi|Surat\s+Edaran|Qanun|Fatwa|Resolusi"
              rf"|{_ABBR_PREFIXED}|\b(?:{_ABBR}))"
              r"(?:,?\s+(?:[A-Z][\w/-]*|dan|RI|\d+))*?")
_ACR = r"(?:\s*\([A-Z][\w./-]{1,15}\))?"
_RI = r"(?:\s+(?:Republik\s+Indonesia|RI|Negara\s+Republik\s+Indonesia))?"
_NUM = r"(?P<num>\d+[A-Z]?(?:/[\w.-]+)*?|[A-Z][\w.]*(?:/[\w.-]+)+)"
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
    # UN resolutions without a number word: "Resolusi Majelis Umum PBB 77/276", "Resolusi 1325"
    "resolution": (re.compile(r"\b(?P<head>Resolusi(?:[ \t]+[A-Z][\w-]*)*)[ \t]+"
                              r"(?P<num>\d{1,3}/\d{1,4}|\d{3,4})\b(?![/.]\d)"), "Resolusi Majelis Umum PBB 77/276"),
}

# Named instruments not in the gazetteer: "Konvensi Den Haag 1954", "Protocol on X"
_CONNECT = r"(?:tentang|mengenai|menentang|terhadap|untuk|dan|on|of|the|against|for|and|to|in)"
_TREATY_HEADS = r"(?:Konvensi|Protokol|Kovenan|Statuta|Traktat|Convention|Protocol|Covenant|Statute|Treaty|Agreement)"
TREATY_RULE = re.compile(
    rf"\b{_TREATY_HEADS}"
    r"(?:\s+(?:tentang|mengenai|menentang|terhadap|untuk|on|of|the|against|for|to|in|relating)){0,2}"
    r"\s+(?:[A-Z][\w'’-]*|ILO|PBB)"
    rf"(?:\s+(?:[A-Z][\w'’-]*|\d{{1,4}}\b|{_CONNECT}(?=(?:\s+{_CONNECT})*\s+(?!{_TREATY_HEADS}\b)[A-Z])))*")

# "… Nomor 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang": the title is part of the name.
# It runs over capitalised words, numbers and "2/2022"-like tokens; a small lower-case word or a comma is kept only
# when a capitalised word (or a number) follows it.
_TITLE_WORD = r"(?:[A-Z][\w'’-]*|\d[\w–-]*)(?:[./]\w[\w'’-]*)*"
_TITLE_HEADS_ORG = r"(?:Badan|Kementerian|Dinas|Lembaga|Komisi|Pemerintah|Kantor|Direktorat)\b"
_TITLE_HEADS_LAW = (r"(?:Undang|UU|Peraturan|Keputusan|Putusan|Instruksi|Surat|Perpres|Perppu|PP|Permen\w*|Perda"
                    r"|Qanun|Konvensi|Protokol|Kovenan|Deklarasi|Piagam|Statuta)\b")
# "dan" / "," / "serta" end the title when another regulation or a body follows ("… tentang Wakaf dan Peraturan
# Pemerintah …"); other small words ("atas", "yang", "oleh") only when a body follows
_TITLE_AND = rf"(?:,?[ \t]+(?:dan|serta|atau)[ \t]+|,[ \t]*)(?!{_TITLE_HEADS_ORG}|{_TITLE_HEADS_LAW})"
# "… tentang Bantuan Hukum di Kota Kendari", "… oleh Indonesia": a place after "di" and anything after "oleh" are the
# sentence's, not the title's
_TITLE_LINKS = (rf"[ \t]+(?:(?:atas|di(?![ \t]+(?:Kota|Kabupaten|Provinsi|Kecamatan|Desa)\b)|dari|untuk|pada|yang|bagi|"
                rf"dalam(?:[ \t]+rangka)?|ke|sebagai|tentang|menjadi|antara|terhadap|melalui|dengan|"
                rf"the|of|and|on|for|in|to)"
                rf"[ \t]+(?!{_TITLE_HEADS_ORG}))*")
_TITLE_MORE = rf"(?:(?:{_TITLE_AND}|{_TITLE_LINKS}){_TITLE_WORD})*"
TITLE_RULE = re.compile(rf"[ \t]+tentang[ \t]+{_TITLE_WORD}{_TITLE_MORE}")
TITLE_MORE = re.compile(_TITLE_MORE)
LAW_TITLE_HEADS = ("Undang", "UU", "Peraturan", "Keputusan", "Putusan", "Instruksi", "Surat Edaran", "Qanun", "Perpres",
                   "Perppu", "PP", "Permen", "Kepmen", "Perda", "Pergub", "Perbup", "Perwal", "Perma", "POJK", "Fatwa",
                   "Konvensi",
                   "Protokol")

ADMIN_RULE = re.compile(
    r"\b(?P<prefix>Provinsi|Kabupaten|Kab\.|Kota|Kotamadya|Kecamatan|Kelurahan|Kalurahan|Desa|Distrik|Nagari|Gampong"
    r"|Dusun|Pekon|Negara[ \t]+Bagian)"
    r"[ \t]+(?P<name>[A-Z][\w'’-]*(?:[ \t]+(?!(?:Nomor|No|Tahun|Pasal|Dinas|Badan|Kantor|Pemerintah|Provinsi|"
    r"Kabupaten|Kota|Kecamatan|Kelurahan|Desa|Distrik|Dusun)\b)[A-Z][\w'’-]*){0,3})")  # one line: never across a break
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
            if not year and num.endswith(".") and (e == len(text) or text[e].isspace()):
                num, e = num[:-1], e - 1  # "… Nomor P.59/Menlhk/Setjen/Kum.1/7/2016." ends a sentence
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
        canonical = re.split(r" tentang ", " ".join(words))[0] if re.search(r"\d", m.group()) else " ".join(words)
        entry = gaz.lookup(canonical) if gaz is not None else None
        out.append(Match(s, e, text[s:e], "LAW", entry, entry.canonical if entry else canonical,
                         entry.id if entry else f"law:{slug(canonical)}", source="rule:treaty"))
    return sorted(out + _named_instruments(text, gaz), key=lambda m: m.start)


def extend_law_titles(text: str, matches: list[Match]) -> list[Match]:
    """Numbered regulations with the title that follows: ``UU No. 21 Tahun 2007 tentang …``.

    The canonical name and identifier stay those of the number (the title is how the text
    wrote it); a title never crosses a line break.
    """
    out = []
    for m in matches:
        t = None
        if m.type == "LAW" and m.text.startswith(LAW_TITLE_HEADS) and re.search(r"\d", m.text):
            # a treaty rule may already have read "… Nomor 188 tentang Pekerjaan": go on with the title
            t = (TITLE_MORE if " tentang " in m.text else TITLE_RULE).match(text, m.end)
        if t is None or t.end() == m.end:
            out.append(m)
            continue
        end = t.end()
        while end > m.end and text[end - 1] in ".,;:":  # sentence punctuation is no part of the title
            end -= 1
        out.append(Match(m.start, end, text[m.start:end], "LAW", m.entry, m.canonical, m.id, source=m.source,
                         gated=m.gated, base_id=m.base_id))
    return out


# Heads that name a unit and are never a common word, so they may follow another capitalised word ("Bidang
# Keperawatan RSUD …", "… Informasi Diskominfo Banyuwangi"); with the all-capital heads below.
UNIT_WORD_HEADS = {
    "Diskominfo", "Dinkes", "Disdik", "Disdukcapil", "Dispendukcapil", "Disnaker", "Disperindag", "Dishub", "Dinsos",
    "Samsat", "Kanwil", "Satker", "Poltekkes", "Posbakum", "Lapas", "Rutan", "Rudenim", "Lantamal", "Lanal", "Lanud",
    "Koramil", "Kodim", "Korem", "Kodam", "Gapoktan", "Posyandu", "Posbindu", "Pokdarwis", "BUMDes", "MTs", "MTsN",
}
# Organisations named by a head word and a capitalised run: "Dinas Lingkungan Hidup dan Kebersihan Kota
# Palembang", "Badan Wakaf Indonesia Perwakilan Provinsi Riau", "SMP Negeri 12 Padang", "RSUD dr. Soedirman Kebumen",
# and named programmes, which ANNOTATION.md counts as ORG ("Program Keluarga Harapan").
ORG_RULE_HEADS = UNIT_WORD_HEADS | {
    "Badan", "Dinas", "Kantor", "Balai", "Direktorat", "Inspektorat", "Sekretariat", "Lembaga", "Komisi", "Dewan",
    "Klinik", "Poliklinik", "RSJ",
    "Majelis", "Mahkamah", "Pengadilan", "Kejaksaan", "Kepolisian", "Kedutaan", "Konsulat", "Kementerian",
    "Universitas", "Institut", "Politeknik", "Akademi", "Sekolah", "Fakultas", "Yayasan", "Koperasi", "Perkumpulan",
    "Perhimpunan", "Himpunan", "Ikatan", "Asosiasi", "Persatuan", "Serikat", "Federasi", "Konfederasi", "Forum",
    "Jaringan", "Aliansi", "Koalisi", "Bank", "Perusahaan", "Perum", "Perumda", "Puskesmas", "Rumah Sakit", "Tim",
    "Satuan", "Satgas", "Gugus Tugas", "Unit", "Program", "Gerakan", "Otoritas", "Pusat", "Laboratorium",
    "Kelompok Tani", "Paguyuban", "Rumah Detensi Imigrasi", "Komando", "Pondok Pesantren", "Radio",
    "Stasiun Karantina", "Stasiun Karantina Ikan", "Kelompok Wanita Tani", "Karang Taruna", "Stasiun Meteorologi",
    "Stasiun Klimatologi", "Stasiun Geofisika", "Harian", "Majalah", "Koran", "Tribun", "Radar",
    "Komite", "Markas Besar", "Perpustakaan", "Perutusan Tetap", "Mal Pelayanan Publik", "Kelompok Sadar Wisata",
    "Kerapatan Adat Nagari", "Rumah Baca", "Taman Bacaan Masyarakat", "Taman Baca Masyarakat", "Taman Baca",
    "Otorita", "Kelompok Nelayan", "Kelompok Usaha Bersama", "Gabungan Kelompok Tani", "Takmir", "Organisasi",
    "Madrasah", "Taman Pendidikan Al-Qur'an", "Taman Pendidikan Alquran", "TPQ", "MI",
    "STIKes", "STMIK", "STIA", "STISIP", "STAI", "STIT", "STT", "STIKOM",
    "UIN", "IAIN", "STAIN", "STIE", "STIKES", "STKIP", "STIH", "KPH", "KKG", "MGMP", "KUA", "DPMPTSP",
    "PT", "CV", "UD", "RSUD", "RSUP", "RSU", "RSIA", "RS", "SMP", "SMA", "SMK", "SD", "SDN", "SMPN", "SMAN", "SMKN",
    "MAN", "MIN", "TK", "KSPPS", "KSP", "KUD", "BPR", "BPRS", "UPT", "UPTD", "KPP", "BAZNAS", "LAZ",
}
UNIT_HEADS = UNIT_WORD_HEADS | {h for h in ORG_RULE_HEADS if h.isupper()}
# words of a unit or office written before an organisation's head ("Cabang Dinas Kehutanan …")
UNIT_BEFORE = frozenset({"Cabang", "Perwakilan", "Kantor", "Bidang", "Bagian", "Seksi", "Sekretariat", "Unit", "Divisi",
                         "Biro", "Pengurus", "Pimpinan", "Takmir", "Komite"})
_ORG_HEAD_RX = "|".join(sorted((re.escape(h).replace(r"\ ", r"\s+") for h in ORG_RULE_HEADS), key=len, reverse=True))
_ORG_WORD = (r"(?!(?:Nomor|No|Tahun|Pasal|Ayat|Bab)\b)(?:(?:Prof|Dr|dr|drg|Drs|Hj|Ir|KH|[A-Z]{1,2})\.(?=[ \t]+[A-Z])"
             r"|[A-Z][\w'’&-]*(?:\.(?=\w)[\w'’-]+)*|\d{1,4}/[A-Z][\w'’-]*|\d{1,4}\b)")  # "Kodim 0313/Kampar"
# a link word joins two parts of one name unless a new name starts after it ("… Sosial dan Dinas Kesehatan")
_NEW_NAME = "|".join(sorted(ORG_RULE_HEADS - {"Koperasi"} | {"Pemerintah", "Kementerian", "Provinsi", "Kabupaten",
                                                                "Kota", "Kecamatan"}, key=len, reverse=True))
_NEW_NAME += r"|Desa(?![ \t]+(?:Kabupaten|Kota|Provinsi)\b)"  # "… Masyarakat dan Desa Kabupaten X" is one name
_NEW_NAME += r"|Koperasi(?![ \t]+(?:UKM|UMKM|Usaha)\b)"  # "Dinas Tenaga Kerja dan Koperasi UKM …" is one name
ORG_RULE = re.compile(
    rf"\b(?P<head>{_ORG_HEAD_RX})(?:[ \t]+{_ORG_WORD}"
    rf"|,?[ \t]+(?:dan|and|&)[ \t]+(?!(?:{_NEW_NAME})\b){_ORG_WORD}|,[ \t]+(?!(?:{_NEW_NAME})\b)(?=[A-Z]){_ORG_WORD}"
    rf"|[ \t]+pada[ \t]+(?=Pengadilan\b){_ORG_WORD})+")  # "Pengadilan Tindak Pidana Korupsi pada Pengadilan Negeri …"


# Kinds of body written with capitals, which name no particular one unless a name follows ("Kantor Akuntan Publik
# Budiman dan Rekan" is one; "auditor pada Kantor Akuntan Publik" is not)
GENERIC_KINDS = frozenset({
    "Kantor Akuntan Publik", "Satuan Pengawasan Intern", "Badan Usaha Milik Desa", "Badan Usaha Milik Negara",
    "Badan Usaha Milik Daerah", "Balai Latihan Kerja", "Dewan Pengawas Syariah", "Lembaga Keuangan Syariah",
    "Lembaga Keuangan Mikro", "Lembaga Swadaya Masyarakat", "Lembaga Amil Zakat", "Unit Pengumpul Zakat",
    "Bank Perkreditan Rakyat", "Bank Pembiayaan Rakyat Syariah", "Bank Umum Syariah", "Unit Usaha Syariah",
    "Koperasi Unit Desa", "Pusat Kesehatan Masyarakat", "Unit Pelaksana Teknis", "Unit Pelaksana Teknis Daerah",
    "Organisasi Perangkat Daerah", "Badan Permusyawaratan Desa", "Kantor Urusan Agama", "Rumah Sakit Umum Daerah",
    "Sekolah Dasar", "Sekolah Menengah Pertama", "Sekolah Menengah Atas", "Sekolah Menengah Kejuruan",
    "Komite Sekolah", "Perpustakaan Daerah", "Perpustakaan Desa", "Perpustakaan Sekolah", "Organisasi Masyarakat Sipil",
    "Organisasi Kemasyarakatan", "Organisasi Kemahasiswaan", "Organisasi Non-Pemerintah", "Organisasi Internasional",
    "Organisasi Profesi", "Organisasi Keagamaan",
})


def find_orgs(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """Organisations with a head word: ``Dinas Koperasi dan UKM Kabupaten Pati``, ``Puskesmas Sakra``.

    The head must open the name (``Serikat`` in ``Amerika Serikat`` does not); the name needs at
    least one capitalised word after its head; it stops before ``dan`` / a comma when what follows
    is a name of its own (``Kementerian Sosial dan Kemenkes``); with a comma, the list inside the name
    must end in ``dan …`` (``Dinas Pendidikan, Pemuda, dan Olahraga``). A name the gazetteer knows
    keeps its entry; others get no identifier.
    """
    out = []
    for m in ORG_RULE.finditer(text):
        s, e = m.span()
        before = text[:s].rstrip(" \t")
        prev = before.split()[-1] if before.split() and not before.endswith("\n") else ""
        ahead = before[:len(before) - len(prev)].rstrip(" \t")
        if m.group("head") not in UNIT_HEADS and prev[:1].isupper() and prev[-1:].isalnum() and \
                ahead[-1:].isalnum() | (ahead[-1:] == ",") and prev not in UNIT_BEFORE:
            continue  # "Amerika Serikat": the head word inside another name (a sentence's first word is fine)
        e = _cut_links(text, s, e, gaz)
        words = text[s:e].split()
        if len(words) <= len(m.group("head").split()) or words[:2] == ["Program", "Studi"] \
                or " ".join(words) in GENERIC_KINDS:
            continue
        out.append(_org(text, s, e, gaz))
    return out


def _org(text: str, s: int, e: int, gaz: Gazetteer | None) -> Match:
    """A rule's organisation; a name the gazetteer knows keeps its entry, others get no identifier."""
    surface = text[s:e]
    entry = gaz.lookup(surface) if gaz is not None else None
    if entry is not None and entry.type != "ORG":
        entry = None
    canonical = entry.canonical if entry else " ".join(surface.split())
    return Match(s, e, surface, "ORG", entry, canonical, entry.id if entry else None, source="rule:org")


_LINK = re.compile(r",?[ \t]+(?:dan|and|&)[ \t]+|,[ \t]+")


def _cut_links(text: str, s: int, e: int, gaz: Gazetteer | None) -> int:
    links = list(_LINK.finditer(text, s, e))
    if not links:
        return e
    if any("," in k.group() for k in links) and not re.search(r"[ \t](?:dan|and|&)[ \t]+", text[links[0].end():e]):
        return links[0].start()
    # a name of its own after the link: a body or law the gazetteer knows, or an English name ("… dan Australian
    # Cyber Security Centre"); a place may end a name ("Direktorat Asia Timur dan Pasifik")
    starts = {mm.start for mm in gaz.match(text[s:e], gate=False) if mm.type != "GPE"} if gaz is not None else set()
    starts |= {mm.start(1) for mm in EN_ORG_RULE.finditer(text[s:e])}
    for k in links:
        if k.end() - s in starts or ENDS_IN_PLACE.search(text, s, k.start()):
            return k.start()  # "Dinas Perdagangan Kota Makassar dan BPSK …": the place closed the first name
    return e


ENDS_IN_PLACE = re.compile(r"\b(?:Provinsi|Kabupaten|Kota|Kecamatan|Desa|Cabang|Perwakilan|Wilayah)"
                           r"[ \t]+[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)?$")


def find_admin_places(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """``Kabupaten Sleman``, ``Kota Bandung``, ``Provinsi Jawa Barat``, ``Desa Sukamaju``.

    A province keeps its gazetteer entry (``Provinsi Jawa Barat`` → ``gpe:jawa-barat``);
    a regency or city gets its own identifier (``gpe:kabupaten-bogor`` ≠ ``gpe:kota-bogor``).
    """
    out = []
    for m in ADMIN_RULE.finditer(text):
        prefix = ADMIN_FULL.get(m.group("prefix"), " ".join(m.group("prefix").split()))
        name = m.group("name")
        s, e = m.span()
        entry = gaz.lookup_exact(name) if gaz is not None else None
        if prefix == "Provinsi" and entry is not None and entry.type == "GPE":
            out.append(Match(s, e, text[s:e], "GPE", entry, entry.canonical, entry.id, source="rule:admin"))
            continue
        canonical = f"{prefix} {entry.canonical if entry is not None and entry.type == 'GPE' else name}"
        out.append(Match(s, e, text[s:e], "GPE", None, canonical, f"gpe:{slug(canonical)}", source="rule:admin"))
    return out


# English names of bodies, by their last word: "Tanoto Foundation", "Australian Border Force", "The Nature
# Conservancy", "Human Rights Watch". Indonesian words that open a sentence are not part of them.
EN_ORG_LAST = (
    "Foundation", "International", "Conservancy", "Force", "Institute", "Organization", "Organisation", "Agency",
    "Association", "Council", "Commission", "Fund", "Watch", "Alliance", "Coalition", "Society", "Centre",
    "Center", "Authority", "Service", "Union", "Federation", "Initiative", "Partnership", "Trust", "Corporation",
    "Committee", "Secretariat", "Mission", "Programme", "Bureau", "Office", "Department", "Ministry", "University",
    "College", "Bank", "Company", "Body", "Forces", "Group", "Post", "TV", "Times",  # media: "Pontianak Post"
    "Ltd", "Limited", "Inc", "Bhd",  # companies: "… Plantations Sdn Bhd"
)
# English names of instruments, by their last word: "… Economic Partnership Agreement" is a law, not a body
EN_LAW_LAST = ("Agreement", "Convention", "Protocol", "Act", "Declaration", "Charter", "Treaty", "Regulation",
               "Directive")
# "Manajemen Bank Nagari": a capitalised word after "Bank" makes it the head of an Indonesian name
_EN_LAST = "|".join(w + r"(?![ \t]+[A-Z])" if w == "Bank" else w for w in EN_ORG_LAST)
_EN_WORD = r"[A-Z][\w'’&–-]*(?:\.[\w'’&-]+)*"
_EN_FIRST = rf"(?<![\w.&'’-])((?:{_EN_WORD}[ \t]+(?:(?:of|for|and|on|the)[ \t]+)*){{1,6}}"
# "… Centre for Law Enforcement Cooperation", "… Alliance for Net Zero"
_EN_TAIL = rf"(?:[ \t]+(?:of|for|on|in)(?:[ \t]+the)?(?:[ \t]+{_EN_WORD})+(?:[ \t]+and(?:[ \t]+{_EN_WORD})+)?)?"
EN_ORG_RULE = re.compile(rf"{_EN_FIRST}(?:{_EN_LAST}){_EN_TAIL})\b(?![.-]\w)"
                         rf"(?![ \t]+(?:{_EN_WORD}[ \t]+)*(?:{'|'.join(EN_LAW_LAST)})\b)")
# "Indonesia–Australia Comprehensive Economic Partnership Agreement", "Transboundary Haze Pollution Act 2014"
EN_LAW_RULE = re.compile(rf"{_EN_FIRST}(?:{'|'.join(EN_LAW_LAST)}){_EN_TAIL}(?:[ \t]+(?:19|20)\d\d)?)\b(?![.-]\w)")
# "Perjanjian Lombok", "Perjanjian Perth 1997": an agreement named by a place (not "Perjanjian Kerja …")
PLACE_TREATY_RULE = re.compile(r"\bPerjanjian[ \t]+(?P<place>[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)?)"
                               r"(?:[ \t]+(?:19|20)\d\d)?\b")
NOT_IN_EN_NAME = frozenset("""
menurut bagi oleh selain dalam pada untuk dengan melalui bersama sementara namun kemudian hal peran pihak bantuan
dukungan kerja sama program lembaga organisasi dan atau serta yaitu yakni adapun sedangkan tetapi karena sejak
hingga sampai dari ke di laporan data hasil temuan penelitian selanjutnya berdasarkan terhadap antara
berita media situs portal kanal akun sumber misi pasukan kontingen operasi pekerja karyawan staf pegawai
manajemen perusahaan anggota pengurus sesuai mengacu merujuk sebagai setelah sebelum meskipun walaupun apabila jika
ketika saat sejalan seiring mengenai tentang kepada
""".split())


def find_en_orgs(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """Bodies with an English name ending in a body word: ``Tanoto Foundation``, ``Australian Border Force``."""
    return [_org(text, s, e, gaz) for s, e in _en_names(EN_ORG_RULE, text)]


def _named_instruments(text: str, gaz: Gazetteer | None) -> list[Match]:
    """English instruments by their last word (``… Economic Partnership Agreement``) and agreements
    named by a place (``Perjanjian Perth 1997``)."""
    spans = _en_names(EN_LAW_RULE, text)
    for m in PLACE_TREATY_RULE.finditer(text):
        place = gaz.lookup_exact(m.group("place")) if gaz is not None else None
        if place is not None and place.type == "GPE":
            spans.append(m.span())
    out = []
    for s, e in spans:
        name = " ".join(text[s:e].split())
        entry = gaz.lookup(name) if gaz is not None else None
        out.append(Match(s, e, text[s:e], "LAW", entry, entry.canonical if entry else name,
                         entry.id if entry else f"law:{slug(name)}", source="rule:treaty"))
    return out


def _en_names(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    out = []
    for m in rx.finditer(text):
        s, e = m.span(1)
        words = text[s:e].split()
        while words and words[0].lower() in NOT_IN_EN_NAME:  # "Menurut Tanoto Foundation"
            s = text.index(words[1], s + len(words[0])) if len(words) > 1 else e
            words = words[1:]
        if len(words) >= 2 and words[0].lower() not in ("of", "for", "and", "on"):
            out.append((s, e))
    return out
