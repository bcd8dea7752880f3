"""Entities: gazetteer matching, acronym definitions, rules, the seeds, offsets and counts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimex.entities import EntityRecognizer, Gazetteer, entity_counts, find_definitions, find_laws, head_type
from claimex.entities.gazetteer import DATA
from conftest import seed_doc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rec() -> EntityRecognizer:
    return EntityRecognizer(use_tagger=False)


def spans(rec: EntityRecognizer, text: str) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.type, e.id) for e in rec.recognize(text)]


# ---- the seeds ------------------------------------------------------------------------------
SEED_FACTS = [
    ("000_aa302228cb1b8149.txt", "UNODC", "ORG", "United Nations Office on Drugs and Crime"),
    ("000_aa302228cb1b8149.txt", "International Organization for Migration", "ORG",
     "International Organization for Migration"),
    ("000_aa302228cb1b8149.txt", "IOM", "ORG", "International Organization for Migration"),
    ("000_aa302228cb1b8149.txt", "ICAT", "ORG", "Inter-Agency Coordination Group against Trafficking in Persons"),
    ("000_aa302228cb1b8149.txt", "UN.GIFT", "ORG", "United Nations Global Initiative to Fight Human Trafficking"),
    ("000_aa302228cb1b8149.txt", "GMG", "ORG", "Global Migration Group"),
    ("000_aa302228cb1b8149.txt", "Laos", "GPE", "Laos"),
    ("000_aa302228cb1b8149.txt", "Asia Tenggara", "GPE", "Asia Tenggara"),
    ("004_1a9651c621a4b1d7.txt", "United Nations Office on Drugs and Crime", "ORG",
     "United Nations Office on Drugs and Crime"),
    ("004_1a9651c621a4b1d7.txt", "UNODC", "ORG", "United Nations Office on Drugs and Crime"),
    ("004_1a9651c621a4b1d7.txt", "Pakistan", "GPE", "Pakistan"),
    ("004_1a9651c621a4b1d7.txt", "Kanada", "GPE", "Kanada"),
]


@pytest.mark.parametrize("name,surface,typ,canonical", SEED_FACTS)
def test_seed_facts(seeds, rules_pipeline, rec, name, surface, typ, canonical):
    d = seed_doc(seeds, name, rules_pipeline, rec)
    ents = [e for s in d.sentences for e in s.entities if " ".join(e.text.split()) == surface]
    assert ents, f"{surface} not found in {name}"
    assert all(e.type == typ and e.canonical == canonical for e in ents), ents


def test_seed_unodc_defined_as_one_organisation(seeds, rules_pipeline, rec):
    d = seed_doc(seeds, "004_1a9651c621a4b1d7.txt", rules_pipeline, rec)
    ents = [e for s in d.sentences for e in s.entities]
    k = next(i for i, e in enumerate(ents) if e.text == "United Nations Office on Drugs and Crime")
    long, short = ents[k], ents[k + 1]
    assert short.text == "UNODC" and long.id == short.id == "org:unodc"
    assert d.raw[long.end:short.start] == " ("  # the definition, side by side
    assert long.source == short.source == "acronym"


@pytest.mark.parametrize("name", ["000_aa302228cb1b8149.txt", "004_1a9651c621a4b1d7.txt"])
def test_seed_raw_offsets_slice_back(seeds, rules_pipeline, rec, name):
    d = seed_doc(seeds, name, rules_pipeline, rec)
    ents = [e for s in d.sentences for e in s.entities]
    assert len(ents) > 10
    for s in d.sentences:
        for e in s.entities:
            assert s.start <= e.start < e.end <= s.end
            # the PDF text wraps lines inside names ("International \n\nOrganization ...")
            assert " ".join(d.raw[e.start:e.end].split()) == " ".join(e.text.split())


def test_seed_entity_counts(seeds, rules_pipeline, rec):
    d = seed_doc(seeds, "000_aa302228cb1b8149.txt", rules_pipeline, rec)
    counts = entity_counts(d)
    assert counts[("Laos", "GPE")] == sum(1 for s in d.sentences for e in s.entities if e.id == "gpe:laos") > 5
    assert counts[("United Nations Office on Drugs and Crime", "ORG")] >= 10
    meta = d.meta["entity_counts"]
    assert meta[0]["count"] >= meta[-1]["count"] and {"canonical", "type", "id", "count"} <= set(meta[0])


# ---- token boundaries and case -------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Kode KIOMX berjalan.", []),
    ("Data IOM menunjukkan.", [("IOM", "ORG", "org:iom")]),
    ("badan naungan PBB dalam", [("PBB", "ORG", "org:un")]),
    ("seperti UN.GIFT dan GLO.ACT.", [("UN.GIFT", "ORG", "org:un-gift"), ("GLO.ACT", "ORG", "org:glo-act")]),
    ("di laos dan malang", []),  # lower case: not names
    ("menguasai bahasa Inggris", []),  # a language
    ("di Inggris", [("Inggris", "GPE", "gpe:uk")]),
    ("PERDAGANGAN MANUSIA DI LAOS", [("LAOS", "GPE", "gpe:laos")]),  # a heading in capitals
    ("Dinas kesehatan dan lembaga bantuan hukum", []),  # kinds of body, not names
    ("Perserikatan Bangsa Bangsa", [("Perserikatan Bangsa Bangsa", "ORG", "org:un")]),  # hyphen optional
    ("Laos.Kamboja", [("Laos.Kamboja", None, None)] and []),  # glued by a dot: one token, no name
    ("Kamboja, Amerika Serikat, Tiongkok", [("Kamboja", "GPE", "gpe:cambodia"),
                                           ("Amerika Serikat", "GPE", "gpe:usa"), ("Tiongkok", "GPE", "gpe:china")]),
])
def test_boundaries_and_case(rec, text, expected):
    assert spans(rec, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Putusan MA menyatakan", []),  # ambiguous short form alone
    ("Mahkamah Agung menolak; MA kemudian", [("Mahkamah Agung", "ORG", "org:ma"), ("MA", "ORG", "org:ma")]),
])
def test_gated_aliases(rec, text, expected):
    assert spans(rec, text) == expected


@pytest.mark.parametrize("surface,canonical,typ", [
    ("UNODC", "United Nations Office on Drugs and Crime", "ORG"),
    ("Organisasi Internasional untuk Migrasi", "International Organization for Migration", "ORG"),
    ("Kemenlu", "Kementerian Luar Negeri", "ORG"),
    ("BP2MI", "Badan Pelindungan Pekerja Migran Indonesia", "ORG"),
    ("Bareskrim Polri", "Badan Reserse Kriminal Kepolisian Negara Republik Indonesia", "ORG"),
    ("Interpol", "Interpol", "ORG"),
    ("Cina", "Tiongkok", "GPE"),
    ("United States", "Amerika Serikat", "GPE"),
    ("Southeast Asia", "Asia Tenggara", "GPE"),
    ("Protokol Palermo", "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children",
     "LAW"),
    ("UU TPPO", "Undang-Undang Nomor 21 Tahun 2007", "LAW"),
])
def test_canonical_names(rec, surface, canonical, typ):
    ents = rec.recognize(f"Menurut {surface} tahun lalu.")
    assert [(e.text, e.canonical, e.type) for e in ents] == [(surface, canonical, typ)]


def test_place_suffix_and_admin_places(rec):
    got = spans(rec, "KBRI Kuala Lumpur, Dinas Kesehatan Kota Bandung dan Pemerintah Kabupaten Sleman di Kabupaten Bogor.")
    assert got == [("KBRI Kuala Lumpur", "ORG", "org:kbri:kuala-lumpur"),
                   ("Dinas Kesehatan Kota Bandung", "ORG", "org:dinkes:kota-bandung"),
                   ("Pemerintah Kabupaten Sleman", "ORG", "org:pemkab:sleman"),
                   ("Kabupaten Bogor", "GPE", "gpe:kabupaten-bogor")]
    assert spans(rec, "Pemerintah Kabupaten perlu") == []  # no place: generic


# ---- acronyms -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text,short,long", [
    ("kerja sama dengan United Nations Office on Drugs and Crime (UNODC) dalam", "UNODC",
     "United Nations Office on Drugs and Crime"),
    ("Data dari International Organization for Migration (IOM) menunjukkan", "IOM",
     "International Organization for Migration"),
    ("ICAT (Inter-Agency Coordination Group against Trafficking in Persons) dan", "ICAT",
     "Inter-Agency Coordination Group against Trafficking in Persons"),
    ("Kementerian Luar Negeri (Kemenlu) menyatakan", "Kemenlu", "Kementerian Luar Negeri"),
    ("Badan Pelindungan Pekerja Migran Indonesia yang selanjutnya disingkat BP2MI adalah", "BP2MI",
     "Badan Pelindungan Pekerja Migran Indonesia"),
])
def test_definitions(text, short, long):
    defs = find_definitions(text)
    assert [(d.short, d.long) for d in defs] == [(short, long)]
    d = defs[0]
    assert text[d.short_start:d.short_end] == short and text[d.long_start:d.long_end] == long


def test_translated_long_form_links_through_gazetteer(rec):
    text = "Organisasi Internasional untuk Migrasi (IOM) mencatat. Selanjutnya IOM membantu."
    got = spans(rec, text)
    assert got == [("Organisasi Internasional untuk Migrasi", "ORG", "org:iom"), ("IOM", "ORG", "org:iom"),
                   ("IOM", "ORG", "org:iom")]


def test_unknown_definition_carries_through_document(rec):
    text = ("Yayasan Kasih Sesama Nusantara (YKSN) mendampingi korban.\n"
            "Pada tahun 2020 YKSN membuka rumah aman.")
    got = [(e.text, e.type, e.canonical) for e in rec.recognize(text)]
    assert got == [("Yayasan Kasih Sesama Nusantara", "ORG", "Yayasan Kasih Sesama Nusantara"),
                   ("YKSN", "ORG", "Yayasan Kasih Sesama Nusantara"),
                   ("YKSN", "ORG", "Yayasan Kasih Sesama Nusantara")]


def test_local_definition_overrides_gazetteer(rec):
    # PBB is the land tax here, PMI the migrant workers: neither is an organisation
    text = "Pajak Bumi dan Bangunan (PBB) naik. Pekerja Migran Indonesia (PMI) pulang. PBB dibayar oleh PMI."
    assert spans(rec, text) == []


@pytest.mark.parametrize("long,typ", [
    ("Badan Narkotika Nasional", "ORG"), ("United Nations Global Initiative to Fight Human Trafficking", "ORG"),
    ("Peraturan Menteri Sosial", "LAW"), ("Trafficking Victims Protection Act", "LAW"),
    ("Tindak Pidana Perdagangan Orang", None), ("Sumber Daya Manusia", None),
])
def test_head_type(long, typ):
    assert head_type(long) == typ


# ---- laws -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text,surface,canonical,ident", [
    ("sesuai UU No. 21 Tahun 2007 tentang PTPPO", "UU No. 21 Tahun 2007", "Undang-Undang Nomor 21 Tahun 2007",
     "law:uu-21-2007"),
    ("Undang-Undang Republik Indonesia Nomor 18 Tahun 2017 tentang", "Undang-Undang Republik Indonesia Nomor 18 Tahun 2017",
     "Undang-Undang Nomor 18 Tahun 2017", "law:uu-18-2017"),
    ("menurut UU 21/2007.", "UU 21/2007", "Undang-Undang Nomor 21 Tahun 2007", "law:uu-21-2007"),
    ("Peraturan Pemerintah (PP) Nomor 35 Tahun 2020 mengatur", "Peraturan Pemerintah (PP) Nomor 35 Tahun 2020",
     "Peraturan Pemerintah Nomor 35 Tahun 2020", "law:pp-35-2020"),
    ("Permenkes No. 75 Tahun 2014 dan", "Permenkes No. 75 Tahun 2014", "Peraturan Menteri Kesehatan Nomor 75 Tahun 2014",
     "law:permenkes-75-2014"),
    ("Peraturan Menteri Kesehatan Nomor 75 Tahun 2014 dan", "Peraturan Menteri Kesehatan Nomor 75 Tahun 2014",
     "Peraturan Menteri Kesehatan Nomor 75 Tahun 2014", "law:permenkes-75-2014"),
    ("lewat Resolusi Majelis Umum PBB 77/276 itu", "Resolusi Majelis Umum PBB 77/276",
     "Resolusi Majelis Umum PBB Nomor 77/276", "law:resolusi-majelis-umum-pbb-77-276"),
    ("Resolusi Dewan Keamanan PBB Nomor 2149 memberi", "Resolusi Dewan Keamanan PBB Nomor 2149",
     "Resolusi Dewan Keamanan PBB Nomor 2149", "law:resolusi-dewan-keamanan-pbb-2149"),
])
def test_numbered_regulations(text, surface, canonical, ident):
    got = find_laws(text)
    assert [(m.text, m.canonical, m.id) for m in got] == [(surface, canonical, ident)]


def test_law_entry_title(rec):
    e = rec.gaz.entries["law:uu-21-2007"]
    assert e.title == "Pemberantasan Tindak Pidana Perdagangan Orang"
    got = spans(rec, "Pasal 2 UU No. 21 Tahun 2007 dan Konvensi ILO Nomor 189 serta Protokol Palermo.")
    assert got == [("UU No. 21 Tahun 2007", "LAW", "law:uu-21-2007"), ("Konvensi ILO Nomor 189", "LAW", "law:ilo-c189"),
                   ("Protokol Palermo", "LAW", "law:palermo-protocol")]


# ---- data and packaging ------------------------------------------------------------------------
def test_gazetteer_data_is_well_formed():
    ids, names = set(), {}
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 500
    for no, line in enumerate(lines, 1):
        d = json.loads(line)
        assert re.fullmatch(r"(org|gpe|law):[a-z0-9-]+", d["id"]), (no, d["id"])
        assert d["type"] == {"org": "ORG", "gpe": "GPE", "law": "LAW"}[d["id"].split(":")[0]]
        assert d["id"] not in ids
        ids.add(d["id"])
        assert "wikidata" not in d or re.fullmatch(r"Q\d+", d["wikidata"])
        for n in [d["canonical"], *d.get("aliases", [])]:
            assert names.setdefault(n, d["id"]) == d["id"], f"{n!r} names both {names[n]} and {d['id']}"
    assert {"org:unodc", "org:iom", "org:icat", "org:un-gift", "org:gmg", "org:asean", "org:interpol", "org:kbri",
            "org:bareskrim", "gpe:laos", "gpe:pakistan", "gpe:cambodia", "gpe:usa", "gpe:china"} <= ids


def test_import_is_light():
    code = "import claimex.entities, sys; from claimex.entities import EntityRecognizer; " \
           "EntityRecognizer(use_tagger=False).recognize('UNODC di Laos'); " \
           "print(any(m in sys.modules for m in ('spacy', 'torch', 'thinc')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_len_and_lookup():
    gaz = Gazetteer.load()
    assert len(gaz) >= 500
    assert gaz.lookup("organisasi internasional untuk migrasi").id == "org:iom"
    assert gaz.lookup_exact("pbb") is None and gaz.lookup_exact("PBB").id == "org:un"


# ---- names with a head word, law titles, compass suffixes, words that are not places ------------------
@pytest.mark.parametrize("text,expected", [
    ("Bagi Dinas Pertanian dan Perikanan Kabupaten Kerinci, data perlu diperbarui.",
     [("Dinas Pertanian dan Perikanan Kabupaten Kerinci", "ORG", None)]),
    ("Pasien dirujuk dari Puskesmas Sukamaju ke RSUD dr. Slamet Garut.",
     [("Puskesmas Sukamaju", "ORG", None), ("RSUD dr. Slamet Garut", "ORG", None)]),
    ("Siswa SMP Negeri 4 Kendari mengikuti lomba.", [("SMP Negeri 4 Kendari", "ORG", None)]),
    ("Dinas Koperasi, Usaha Kecil, dan Menengah Kota Cimahi menyatakan", [
        ("Dinas Koperasi, Usaha Kecil, dan Menengah Kota Cimahi", "ORG", None)]),
    ("Kementerian Sosial dan Kemenkes bekerja sama.", [("Kementerian Sosial", "ORG", "org:kemensos"),
                                                      ("Kemenkes", "ORG", "org:kemenkes")]),
    ("Program Keluarga Harapan diperluas.", [("Program Keluarga Harapan", "ORG", "org:pkh")]),
    ("Program Bantuan Bibit Unggul diperluas.", [("Program Bantuan Bibit Unggul", "ORG", None)]),
    ("Mahasiswa Program Studi Ilmu Hukum", []),
    ("Auditor Kantor Akuntan Publik dan Satuan Pengawasan Intern", []),  # kinds of body, no name follows
    ("Data PT Indah Kiat Pulp and Paper dan Markas Besar TNI.",
     [("PT Indah Kiat Pulp and Paper", "ORG", None), ("Markas Besar TNI", "ORG", None)]),
    ("Kementerian Luar Negeri dan Komite Nasional Pemuda Indonesia Kota Bitung",
     [("Kementerian Luar Negeri", "ORG", "org:kemenlu"), ("Komite Nasional Pemuda Indonesia Kota Bitung", "ORG", None)]),
    ("Sampel diuji BBPOM di Pekanbaru.", [("BBPOM di Pekanbaru", "ORG", "org:bbpom:pekanbaru")]),
    ("Data PLN UP3 Kupang.", [("PLN UP3 Kupang", "ORG", "org:pln:kupang")]),
    ("Anggota Persadia Cabang Palangka Raya dan Perwakilan BPKP Provinsi Lampung hadir.",
     [("Persadia Cabang Palangka Raya", "ORG", None), ("Perwakilan BPKP Provinsi Lampung", "ORG", None)]),
    ("Dispute Settlement Body (DSB) menolak; DSB lalu", [("Dispute Settlement Body", "ORG", None),
                                                         ("DSB", "ORG", None), ("DSB", "ORG", None)]),
    ("Armed Forces of the Philippines dan Abu Sayyaf Group", [("Armed Forces of the Philippines", "ORG", None),
                                                             ("Abu Sayyaf Group", "ORG", None)]),
    # a known long form whose letters do not fit is not the acronym's ("… Central African Republic (MINUSCA)")
    ("Stabilization Mission in the Central African Republic (MINUSCA)",
     [("Stabilization Mission in the Central African Republic", "ORG", None)]),
    ("Laporan Dinas Perdagangan Kota Makassar dan BPSK Kota Makassar.",  # the place closes the first name
     [("Dinas Perdagangan Kota Makassar", "ORG", None), ("BPSK Kota Makassar", "ORG", None)]),
    ("Staf Direktorat Asia Timur dan Pasifik hadir.", [("Direktorat Asia Timur dan Pasifik", "ORG", None)]),
    ("Manajemen Bank Nagari dan World Bank", [("Bank Nagari", "ORG", None), ("World Bank", "ORG", "org:world-bank")]),
    ("Otorita Ibu Kota Nusantara, Kelompok Nelayan Mina Sejahtera, STIKes Eka Harap",
     [("Otorita Ibu Kota Nusantara", "ORG", None), ("Kelompok Nelayan Mina Sejahtera", "ORG", None),
      ("STIKes Eka Harap", "ORG", None)]),
    # an English regulation is a law, and so is its acronym; a long form whose letters fit only its tail
    ("European Union Deforestation Regulation (EUDR) berlaku; EUDR", [
        ("European Union Deforestation Regulation", "LAW", "law:european-union-deforestation-regulation"),
        ("EUDR", "LAW", "law:european-union-deforestation-regulation"),
        ("EUDR", "LAW", "law:european-union-deforestation-regulation")]),
    ("Agreement on Port State Measures (PSMA) berlaku; PSMA", [
        ("Agreement on Port State Measures", "LAW", "law:agreement-on-port-state-measures"),
        ("PSMA", "LAW", "law:agreement-on-port-state-measures"),
        ("PSMA", "LAW", "law:agreement-on-port-state-measures")]),
    ("Data Cabang Dinas Kehutanan Wilayah Probolinggo dan Dinas Tenaga Kerja dan Koperasi UKM Kabupaten Kebumen",
     [("Cabang Dinas Kehutanan Wilayah Probolinggo", "ORG", None),
      ("Dinas Tenaga Kerja dan Koperasi UKM Kabupaten Kebumen", "ORG", None)]),
    ("Guru SD Negeri 2 Tayu Wetan dan MI Salafiyah Tayu Kulon", [("SD Negeri 2 Tayu Wetan", "ORG", None),
                                                               ("MI Salafiyah Tayu Kulon", "ORG", None)]),
    ("Pekerja Borneo Sawit Plantations Sdn Bhd", [("Borneo Sawit Plantations Sdn Bhd", "ORG", None)]),
    # an office's short form that repeats its place: "… Kelas II Baubau (Bapas Baubau)"
    ("Petugas Balai Pemasyarakatan Kelas II Baubau (Bapas Baubau) datang; Bapas Baubau", [
        ("Balai Pemasyarakatan Kelas II Baubau", "ORG", None), ("Bapas Baubau", "ORG", None),
        ("Bapas Baubau", "ORG", None)]),
    # English instruments by their last word, agreements named by a place; not "Perjanjian Kerja …"
    ("Sesuai Indonesia–Australia Comprehensive Economic Partnership Agreement (IA-CEPA), Perjanjian Perth 1997 dan "
     "Perjanjian Kerja Bersama", [
        ("Indonesia–Australia Comprehensive Economic Partnership Agreement", "LAW",
         "law:indonesia-australia-comprehensive-economic-partnership-agreement"),
        ("IA-CEPA", "LAW", "law:indonesia-australia-comprehensive-economic-partnership-agreement"),
        ("Perjanjian Perth 1997", "LAW", "law:perjanjian-perth-1997")]),
    ("Data Gerakan Mahasiswa Nasional Indonesia Cabang Sintang dan Pemuda Katolik hadir.",  # a branch closes it
     [("Gerakan Mahasiswa Nasional Indonesia Cabang Sintang", "ORG", None)]),
    ("Perpustakaan Nasional Republik Indonesia dan Mal Pelayanan Publik Kota Batam",
     [("Perpustakaan Nasional Republik Indonesia", "ORG", None), ("Mal Pelayanan Publik Kota Batam", "ORG", None)]),
    # an acronym takes the longest rule name ending where its long form ends, not the treaty rule's shorter one
    ("Indonesia meratifikasi ASEAN Agreement on Transboundary Haze Pollution (AATHP); AATHP", [
        ("Indonesia", "GPE", "gpe:indonesia"),
        ("ASEAN Agreement on Transboundary Haze Pollution", "LAW", "law:asean-agreement-on-transboundary-haze-pollution"),
        ("AATHP", "LAW", "law:asean-agreement-on-transboundary-haze-pollution"),
        ("AATHP", "LAW", "law:asean-agreement-on-transboundary-haze-pollution")]),
    ("Perjanjian Kerja Waktu Tertentu dan Perjanjian Lombok", [("Perjanjian Lombok", "LAW", "law:perjanjian-lombok")]),
    ("Warga Negara Bagian Rakhine dan Kalurahan Banyusoca", [("Negara Bagian Rakhine", "GPE", "gpe:negara-bagian-rakhine"),
                                                           ("Kalurahan Banyusoca", "GPE", "gpe:kalurahan-banyusoca")]),
    ("Kantor Akuntan Publik Budi Santoso dan Rekan", [("Kantor Akuntan Publik Budi Santoso dan Rekan", "ORG", None)]),
    # an office named by its place, a sub-unit before its organisation, English names by their last word
    ("Data dari Walhi Jambi dan Kadin Kabupaten Garut.", [("Walhi Jambi", "ORG", "org:walhi:jambi"),
                                                         ("Kadin Kabupaten Garut", "ORG", "org:kadin:kabupaten-garut")]),
    ("Laporan Bidang Humas Polda Bali dirilis.", [("Bidang Humas Polda Bali", "ORG", None)]),
    ("Kepala Seksi Humas Polda Bali hadir.", [("Polda Bali", "ORG", "org:polda:bali")]),
    ("Pemerintah Laos menolak.", [("Laos", "GPE", "gpe:laos")]),
    ("Menurut Tanoto Foundation dan Australian Border Force, hal itu benar.",
     [("Tanoto Foundation", "ORG", None), ("Australian Border Force", "ORG", None)]),
    ("Teknologi Software Defined Network dipakai.", []),
    ("Rapat DPW PPNI Jawa Tengah dan Bidang Keperawatan RSUD dr. Kariadi.",
     [("DPW PPNI Jawa Tengah", "ORG", None), ("Bidang Keperawatan RSUD dr. Kariadi", "ORG", None)]),
    ("Siswa kelas XI SMA Negeri 2 Bima ikut.", [("SMA Negeri 2 Bima", "ORG", None)]),
    ("Ia merujuk Undang-Undang Nomor 16 Tahun 2011 tentang Bantuan Hukum di Kota Kendari.",
     [("Undang-Undang Nomor 16 Tahun 2011 tentang Bantuan Hukum", "LAW", "law:uu-16-2011"),
      ("Kota Kendari", "GPE", "gpe:kota-kendari")]),
    ("Berita Manado Post dan BKPSDM Kota Bitung.", [("Manado Post", "ORG", None), ("BKPSDM Kota Bitung", "ORG", None)]),
    ("Anggaran APBD Kota Bitung naik.", [("Kota Bitung", "GPE", "gpe:kota-bitung")]),
    ("Rapat DPD Persatuan Perawat Nasional Indonesia Kabupaten Banyumas digelar.",
     [("DPD Persatuan Perawat Nasional Indonesia Kabupaten Banyumas", "ORG", None)]),
    ("Data dari IDI Cabang Bantul dan Humas KAI Daop 8 Surabaya.",
     [("IDI Cabang Bantul", "ORG", "org:idi:bantul"), ("Humas KAI Daop 8 Surabaya", "ORG", None)]),
    ("Kerja sama Badan Siber dan Sandi Negara dan Australian Cyber Security Centre berlanjut.",
     [("Badan Siber dan Sandi Negara", "ORG", "org:bssn"), ("Australian Cyber Security Centre", "ORG", None)]),
    ("Ratifikasi Konvensi ILO Nomor 189 tentang Pekerjaan yang Layak bagi Pekerja Rumah Tangga oleh Indonesia tertunda.",
     [("Konvensi ILO Nomor 189 tentang Pekerjaan yang Layak bagi Pekerja Rumah Tangga", "LAW", "law:ilo-c189"),
      ("Indonesia", "GPE", "gpe:indonesia")]),
    ("Baku mutu diatur Peraturan Menteri Lingkungan Hidup dan Kehutanan Nomor P.59/Menlhk/Setjen/Kum.1/7/2016. Data ada.",
     [("Peraturan Menteri Lingkungan Hidup dan Kehutanan Nomor P.59/Menlhk/Setjen/Kum.1/7/2016", "LAW",
       "law:peraturan-menteri-lingkungan-hidup-dan-kehutanan-p-59-menlhk-setjen-kum-1-7-2016")]),
    ("Kajian LKHT Undang-Undang Nomor 16 Tahun 2011 tentang Bantuan Hukum terbit.",
     [("Undang-Undang Nomor 16 Tahun 2011 tentang Bantuan Hukum", "LAW", "law:uu-16-2011")]),
    ("Data dari Seksi Pelayanan Sosial Kecamatan Cibadak dan Kodim 0607/Sukabumi.",
     [("Seksi Pelayanan Sosial Kecamatan Cibadak", "ORG", None), ("Kodim 0607/Sukabumi", "ORG", None)]),
    ("Kamboja, Amerika Serikat, Tiongkok", [("Kamboja", "GPE", "gpe:cambodia"), ("Amerika Serikat", "GPE", "gpe:usa"),
                                           ("Tiongkok", "GPE", "gpe:china")]),
])
def test_head_word_organisations(rec, text, expected):
    assert spans(rec, text) == expected


@pytest.mark.parametrize("text,surface,ident", [
    ("sesuai Undang-Undang Nomor 16 Tahun 2019 tentang Perubahan atas Undang-Undang Nomor 1 Tahun 1974 tentang "
     "Perkawinan. Hal itu", "Undang-Undang Nomor 16 Tahun 2019 tentang Perubahan atas Undang-Undang Nomor 1 Tahun 1974 "
     "tentang Perkawinan", "law:uu-16-2019"),
    ("Permenkes No. 75 Tahun 2014 tentang Pusat Kesehatan Masyarakat belum", "Permenkes No. 75 Tahun 2014 tentang Pusat "
     "Kesehatan Masyarakat", "law:permenkes-75-2014"),
    ("PP Nomor 22 Tahun 2021 tentang Penyelenggaraan Perlindungan dan Pengelolaan Lingkungan Hidup, yaitu",
     "PP Nomor 22 Tahun 2021 tentang Penyelenggaraan Perlindungan dan Pengelolaan Lingkungan Hidup", "law:pp-22-2021"),
    ("Perda Nomor 7 Tahun 2020 tentang Rencana Tata Ruang Wilayah Tahun 2020–2040 berlaku",
     "Perda Nomor 7 Tahun 2020 tentang Rencana Tata Ruang Wilayah Tahun 2020–2040", "law:perda-7-2020"),
    ("PP Nomor 5 Tahun 2022 tentang Pedoman Kurikulum dalam rangka Pemulihan Pembelajaran.",
     "PP Nomor 5 Tahun 2022 tentang Pedoman Kurikulum dalam rangka Pemulihan Pembelajaran", "law:pp-5-2022"),
])
def test_law_titles_are_part_of_the_name(rec, text, surface, ident):
    ents = rec.recognize(text)
    assert [(e.text, e.type, e.id) for e in ents] == [(surface, "LAW", ident)]
    assert ents[0].canonical.endswith(ident.split("-")[-1]) and "tentang" not in ents[0].canonical


def test_law_title_stops_at_the_next_regulation_or_body(rec):
    text = ("UU Nomor 41 Tahun 2004 tentang Wakaf dan Peraturan Pemerintah Nomor 42 Tahun 2006 diterapkan "
            "melalui Badan Wakaf Indonesia.")
    assert [e.text for e in rec.recognize(text)] == [
        "UU Nomor 41 Tahun 2004 tentang Wakaf", "Peraturan Pemerintah Nomor 42 Tahun 2006", "Badan Wakaf Indonesia"]


@pytest.mark.parametrize("text,expected", [
    ("Nelayan di Lombok Timur dan Aceh Utara", [("Lombok Timur", "GPE", "gpe:lombok-timur"),
                                                ("Aceh Utara", "GPE", "gpe:aceh-utara")]),
    ("Dinas Sosial Kabupaten Lombok Timur", [("Dinas Sosial Kabupaten Lombok Timur", "ORG",
                                              "org:dinsos:kabupaten-lombok-timur")]),
    ("KBRI di Phnom Penh mencatat", [("KBRI di Phnom Penh", "ORG", "org:kbri:phnom-penh")]),
    ("ditulis dalam bahasa Indonesia, berbahasa Jawa, senilai 20 miliar dolar AS, skala versi Indonesia", []),
    ("DPRD menyetujui; BUMDes merugi; DPRD Kabupaten Sleman menolak",
     [("DPRD Kabupaten Sleman", "ORG", "org:dprd:kabupaten-sleman")]),
])
def test_places_and_not_places(rec, text, expected):
    assert spans(rec, text) == expected


def test_tagger_names_end_in_a_name_word():
    from claimex.entities.recognizer import _drop_lower_tail

    text = "Kementerian Agama dan pemerintah daerah alangkah baiknya"
    assert text[slice(*_drop_lower_tail(text, 0, len("Kementerian Agama dan pemerintah daerah alangkah")))] == \
        "Kementerian Agama"
    assert _drop_lower_tail("Bank Indonesia", 0, 14) == (0, 14)
