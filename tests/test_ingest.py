from __future__ import annotations

import io
import zipfile

import pytest

from claimex.errors import DocumentReadError, UnsupportedFormatError
from claimex.ingest import iter_sources, read, read_bytes

TEXT = "BAB V PENUTUP\n5.1 Kesimpulan\nKerja sama dengan Kamboja berjalan baik.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_text_encodings(tmp_path, encoding):
    text = TEXT + "Biaya naik 5% — “signifikan”, kata Dinas Sosial.\n"
    if encoding == "cp1252":
        text = text.replace("“", '"').replace("”", '"')
    f = tmp_path / "bab5.txt"
    f.write_bytes(text.encode(encoding))
    doc = read(f)
    assert doc.raw == text


def test_binary_with_text_extension(tmp_path):
    f = tmp_path / "bab5.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DocumentReadError, match="binary"):
        read(f)


def test_unsupported_extension_names_supported_ones(tmp_path):
    f = tmp_path / "bab5.odt"
    f.write_text("x")
    with pytest.raises(UnsupportedFormatError, match=r"\.pdf.*\.docx"):
        read(f)


def make_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in pages:
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


PDF_PAGES = [
    ["BAB V PENUTUP", "5.1 Kesimpulan", "Program pemberdayaan nelayan di Kabupaten Pati telah mening-",
     "katkan pendapatan rumah tangga sebesar 18 persen.", "87"],
    ["Namun koordinasi antara dinas dan koperasi belum berjalan", "efektif.", "5.2 Saran",
     "Dinas Kelautan perlu menyusun jadwal pendampingan rutin.", "88"],
]


def test_pdf_pages_and_offsets():
    from claimex.pipeline import Pipeline

    doc = read_bytes(make_pdf(PDF_PAGES), "skripsi.pdf")
    assert doc.format == "pdf" and len(doc.page_starts) == 2
    nlp = Pipeline(model="rules", segmenter="rules", entities=False)
    (doc,) = nlp.process([doc])
    sents = [s for s in doc.sentences if not s.is_heading]
    assert sents[0].text == ("Program pemberdayaan nelayan di Kabupaten Pati telah meningkatkan pendapatan rumah "
                             "tangga sebesar 18 persen.")
    assert sents[0].page == 1
    assert sents[1].text == "Namun koordinasi antara dinas dan koperasi belum berjalan efektif."
    assert sents[1].page == 2 and sents[1].section == ("BAB V PENUTUP", "5.1 Kesimpulan")
    assert sents[2].section[-1] == "5.2 Saran" and sents[2].page == 2
    for s in sents:
        assert doc.raw[s.start:s.end].split()[0] == s.text.split()[0]
        assert doc.raw[s.start:s.end].rstrip().endswith(s.text[-6:])
    assert "87" not in doc.clean and "88" not in doc.clean


def test_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for p in PdfReader(io.BytesIO(make_pdf(PDF_PAGES))).pages:
        w.add_page(p)
    w.encrypt(user_password="rahasia", owner_password="pemilik")
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(DocumentReadError, match="encrypted"):
        read_bytes(buf.getvalue(), "terkunci.pdf")


@pytest.mark.parametrize("data,reason", [
    (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF garbage", "not a readable PDF"),
    (b"PK\x03\x04 not a pdf at all", "does not start with %PDF"),
])
def test_corrupt_pdf(data, reason):
    with pytest.raises(DocumentReadError, match=reason):
        read_bytes(data, "rusak.pdf")


def test_image_only_pdf():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(DocumentReadError, match="image-only"):
        read_bytes(buf.getvalue(), "pindaian.pdf")


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("BAB V PENUTUP", level=1)
    d.add_heading("5.1 Kesimpulan", level=2)
    d.add_paragraph("Literasi digital guru meningkat setelah pelatihan. Nilai rata-rata naik menjadi 82,4.")
    d.add_heading("5.2 Saran", level=2)
    d.add_paragraph("Sekolah perlu menjadwalkan pelatihan lanjutan setiap semester.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx(rules_pipeline):
    (doc,) = rules_pipeline.process([read_bytes(make_docx(), "tesis.docx")])
    body = [(s.section_path, s.text) for s in doc.sentences if not s.is_heading]
    assert body == [
        ("BAB V PENUTUP › 5.1 Kesimpulan", "Literasi digital guru meningkat setelah pelatihan."),
        ("BAB V PENUTUP › 5.1 Kesimpulan", "Nilai rata-rata naik menjadi 82,4."),
        ("BAB V PENUTUP › 5.2 Saran", "Sekolah perlu menjadwalkan pelatihan lanjutan setiap semester."),
    ]


def test_corrupt_docx():
    with pytest.raises(DocumentReadError, match="docx"):
        read_bytes(b"PK\x03\x04broken", "rusak.docx")


def test_folders_and_zips(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "satu.txt").write_text(TEXT)
    (tmp_path / "a" / "catatan.odt").write_text("x")
    with zipfile.ZipFile(tmp_path / "arsip.zip", "w") as z:
        z.writestr("dua.md", TEXT)
        z.writestr("../../keluar.txt", TEXT)
        z.writestr("/etc/mutlak.txt", TEXT)
    errors: list = []
    names = [s.name for s in iter_sources([tmp_path], errors)]
    assert names == [str(tmp_path / "a" / "satu.txt"), f"{tmp_path / 'arsip.zip'}!dua.md"]
    assert sorted(e[0].split("!")[1] for e in errors) == ["../../keluar.txt", "/etc/mutlak.txt"]
    assert all("escapes the archive" in e[1] for e in errors)
    with pytest.raises(DocumentReadError, match="escapes"):
        list(iter_sources([tmp_path / "arsip.zip"]))
