from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimex.clean import RULES, clean_document
from claimex.clean.text import MappedText
from claimex.doc import Document


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_sample(rule):
    before, after = rule.sample
    out = rule.fn(MappedText.from_raw(before))
    assert out.text == after
    assert len(out.map) == len(out.text)


def clean(text: str, fmt: str = "text") -> Document:
    d = Document.from_text(text)
    d.format = fmt
    return clean_document(d)


def blocks(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, doc.clean[b.clean_start:b.clean_end]) for b in doc.blocks]


@pytest.mark.parametrize("raw,expected", [
    # PDF wrapping with a blank line after every wrapped line
    ("Paragraf ini cukup panjang sehingga dibungkus oleh pdf \n\nmenjadi beberapa baris yang panjangnya hampir \n\n"
     "sama. Baris terakhir sebuah paragraf lebih pendek. \n\nAkhirnya selesai juga. \n\n"
     "Paragraf kedua mulai di sini dan juga masih cukup \n\npanjang untuk dibungkus oleh pdf.\n",
     [("paragraph", "Paragraf ini cukup panjang sehingga dibungkus oleh pdf menjadi beberapa baris yang panjangnya "
                    "hampir sama. Baris terakhir sebuah paragraf lebih pendek. Akhirnya selesai juga."),
      ("paragraph", "Paragraf kedua mulai di sini dan juga masih cukup panjang untuk dibungkus oleh pdf.")]),
    # a word hyphenated at a line end is joined; reduplication keeps its hyphen
    ("Upaya penegak-\nan hukum di negara-\nnegara tetangga dan anak-\nanak korban.\n",
     [("paragraph", "Upaya penegakan hukum di negara-negara tetangga dan anak-anak korban.")]),
    # a page break in the middle of a sentence
    ("kalimat ini berlanjut ke halaman\n\f\n berikutnya tanpa putus.\n",
     [("paragraph", "kalimat ini berlanjut ke halaman berikutnya tanpa putus.")]),
    # page numbers go, list numbering stays as structure
    ("Saran sebagai berikut:\n1. Pemerintah perlu bertindak.\n2. Sekolah perlu berbenah.\n87\n",
     [("paragraph", "Saran sebagai berikut:"), ("item", "Pemerintah perlu bertindak."),
      ("item", "Sekolah perlu berbenah.")]),
    # a page break with page number and a one-off running header in mid-sentence, and in mid-word
    ("Kasus ini memperlihatkan bahwa warga negara Indonesia termasuk kelompok korban terbesar,\n124\n"
     "\fUniversitas Nusantara Raya\nMaret dan April 2024 menjadi puncak dokumen dan pember-\n125\n"
     "\fUniversitas Nusantara Raya\nitaan media lokal.\n",
     [("paragraph", "Kasus ini memperlihatkan bahwa warga negara Indonesia termasuk kelompok korban terbesar, "
                    "Maret dan April 2024 menjadi puncak dokumen dan pemberitaan media lokal.")]),
    # wrapped lines that look like headings carry on the sentence; a three-letter overlap is no reduplication
    ("Usaha yang tutup tidak termasuk dalam kerangka sampel, padahal pengalaman mereka penting\n"
     "untuk memahami kegagalan membangun ketahanan. Studi kasus hanya\n"
     "mencakup perajin batik cap dan batik tulis, serta dibahas pada\n"
     "Bab IV dan Bab V, terdapat definisi perdagan-\ngan orang.\n",
     [("paragraph", "Usaha yang tutup tidak termasuk dalam kerangka sampel, padahal pengalaman mereka penting "
                    "untuk memahami kegagalan membangun ketahanan. Studi kasus hanya mencakup perajin batik cap dan "
                    "batik tulis, serta dibahas pada Bab IV dan Bab V, terdapat definisi perdagangan orang.")]),
    # front matter and short numbered titles followed by a paragraph are headings
    ("ABSTRAK\nProgram ini efektif.\n1. Isi Kebijakan\nAspek isi kebijakan mencakup kepentingan.\n"
     "1. Bagi Dinas Pendidikan, Pemuda, dan Olahraga\nDinas perlu menyusun program.\n",
     [("heading", "ABSTRAK"), ("paragraph", "Program ini efektif."), ("heading", "1. Isi Kebijakan"),
      ("paragraph", "Aspek isi kebijakan mencakup kepentingan."),
      ("heading", "1. Bagi Dinas Pendidikan, Pemuda, dan Olahraga"), ("paragraph", "Dinas perlu menyusun program.")]),
    # a list of short items stays a list
    ("Kriteria berikut:\n1. Efektivitas\n2. Efisiensi\n5.2 Saran\n",
     [("paragraph", "Kriteria berikut:"), ("item", "Efektivitas"), ("item", "Efisiensi"), ("heading", "5.2 Saran")]),
])
def test_structure(raw, expected):
    assert blocks(clean(raw)) == expected


def test_markdown_marks_are_stripped():
    d = clean("## **BAB V**\n\n### **PENUTUP**\n\nIsu *Human Trafficking* di **Pakistan** meningkat.\n", "markdown")
    assert blocks(d) == [("heading", "BAB V PENUTUP"), ("paragraph", "Isu Human Trafficking di Pakistan meningkat.")]


def test_txt_holding_markdown_is_detected():
    d = clean("## **BAB V**\n\n#### **5.1 KESIMPULAN**\n\nIsu *Human Trafficking* meningkat.\n")
    assert [s.path for s in d.sections][-1] == ("BAB V", "5.1 Kesimpulan")
    assert "*" not in d.clean


def test_markdown_with_one_heading_is_detected():
    d = clean("## **ABSTRAK**\n\nProgram *Keluarga Harapan* meningkat.\n")
    assert blocks(d) == [("heading", "ABSTRAK"), ("paragraph", "Program Keluarga Harapan meningkat.")]


def test_running_headers_are_dropped():
    pages = [f"Universitas Nusantara Jaya\nTeks halaman {i} berlanjut tanpa henti.\n{i + 80}" for i in range(4)]
    d = clean("\f".join(pages), "pdf")
    assert "Universitas" not in d.clean
    assert "80" not in d.clean


@pytest.mark.parametrize("heading,path", [
    ("BAB V\nPENUTUP", ("BAB V PENUTUP",)),
    ("BAB VI KESIMPULAN DAN SARAN", ("BAB VI KESIMPULAN DAN SARAN",)),
    ("BAB 5 PENUTUP\n5.2 SARAN", ("BAB 5 PENUTUP", "5.2 Saran")),
    ("BAB V PENUTUP\nA. Kesimpulan", ("BAB V PENUTUP", "A. Kesimpulan")),
    ("BAB V PENUTUP\nB. Saran\n1. Bagi Pemerintah Daerah", ("BAB V PENUTUP", "B. Saran", "1. Bagi Pemerintah Daerah")),
    ("BAB V PENUTUP\n5.2 Saran\na. Bagi Guru\nb. Bagi Sekolah", ("BAB V PENUTUP", "5.2 Saran", "b. Bagi Sekolah")),
    ("KESIMPULAN", ("Kesimpulan",)),
    ("BAB V PENUTUP\n5.3 Keterbatasan Penelitian", ("BAB V PENUTUP", "5.3 Keterbatasan Penelitian")),
    ("BAB V PENUTUP\n5.2 Saran\n5.2.1 Saran Praktis", ("BAB V PENUTUP", "5.2 Saran", "5.2.1 Saran Praktis")),
    ("BAB V\nKESIMPULAN DAN REKOMENDASI", ("BAB V KESIMPULAN DAN REKOMENDASI",)),
    ("BAB VI\nSIMPULAN, KETERBATASAN, DAN SARAN", ("BAB VI SIMPULAN, KETERBATASAN, DAN SARAN",)),
])
def test_section_paths(heading, path):
    d = clean(heading + "\nProgram ini berjalan dengan baik.\n")
    assert d.sections[-1].path == path
    assert d.blocks[-1].kind == "paragraph"


def test_sentence_that_looks_like_a_heading_is_not_one():
    d = clean("1. Bagi peneliti selanjutnya, disarankan menambah sampel.\n")
    assert [b.kind for b in d.blocks] == ["item"]


def test_closing_chapter_is_found():
    from claimex.clean import closing_span

    text = ("BAB IV HASIL DAN PEMBAHASAN\nData menunjukkan kenaikan.\n"
            "BAB V PENUTUP\n5.1 Kesimpulan\nProgram ini efektif.\n")
    d = clean(text)
    lo, hi = closing_span(d.sections, len(d.clean))
    assert d.clean[lo:hi].startswith("BAB V PENUTUP") and "kenaikan" not in d.clean[lo:hi]


alphabet = st.sampled_from(list("abc XYZ-.,\n\f*#_1\t") + ["anak-\nanak", "\n\n", "**", "## ", "ﬁ", "\u00ad", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(alphabet, max_size=60).map("".join), st.sampled_from(["text", "markdown", "pdf"]))
def test_clean_offsets_map_back_to_raw(raw, fmt):
    d = clean(raw, fmt)
    assert len(d.clean_to_raw) == len(d.clean)
    assert all(0 <= r < max(len(raw), 1) for r in d.clean_to_raw)
    for i, ch in enumerate(d.clean):
        if ch.isalnum():
            src = raw[d.clean_to_raw[i]]
            assert src == ch or ch in __import__("unicodedata").normalize("NFKC", src)
    # sentence order is kept: the map never runs backwards between blocks
    starts = [d.clean_to_raw[b.clean_start] for b in d.blocks if b.clean_end > b.clean_start]
    assert starts == sorted(starts)
