"""The learned entity tagger (models/ner-id) and the stage with it switched on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimex.entities import EntityRecognizer
from claimex.entities.nerdata import Example, read_conll
from claimex.entities.tagger import LABELS, Tagger, TaggerConfig, default_model_dir
from claimex.errors import ModelNotFoundError
from conftest import seed_doc

ROOT = Path(__file__).resolve().parents[1]
MODEL = default_model_dir()
needs_model = pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="models/ner-id not trained")
PICKLE_MAGIC = tuple(bytes([0x80, p]) for p in range(2, 6))  # pickle protocols 2-5 start with PROTO


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(MODEL)


@pytest.fixture(scope="module")
def full() -> EntityRecognizer:
    return EntityRecognizer()


@needs_model
def test_model_folder_is_self_describing():
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    c = meta["claimex"]
    assert c["labels"] == list(LABELS) and c["data_hash"] and c["metrics"]["tagger_alone_test"]
    assert c["config"]["width"] > 0 and c["data"]
    assert (MODEL / "README.md").is_file() and (MODEL / "config.cfg").is_file()
    files = [p for p in MODEL.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 15 * 2**20
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".pt", ".bin", ".joblib") and p.name != "lookups.bin"]


@needs_model
def test_model_folder_holds_no_pickles():
    for p in MODEL.rglob("*"):
        if not p.is_file():
            continue
        head = p.read_bytes()[:128]
        assert not head.startswith(PICKLE_MAGIC), p
        if head.startswith(b"\x93NUMPY"):  # numpy arrays: a plain dtype, never objects
            assert b"'|O'" not in head, p


@needs_model
def test_tagger_loads_offline():
    """Loading and tagging open no network connection (sockets refuse to connect)."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse\n"
        "from claimex.entities.tagger import Tagger\n"
        f"t = Tagger({str(MODEL)!r})\n"
        "print(len(t.predict(['Kerja sama dengan Yayasan Pulih di Kabupaten Banyumas.'])))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "1"


@needs_model
def test_predict_contract(tagger):
    texts = ["Yayasan Pulih Sejahtera di Kabupaten Banyumas bekerja sama dengan PT Sinar Mas Tbk.", "", "tidak ada nama"]
    out = tagger.predict(texts)
    assert len(out) == 3 and out[1] == []
    for t, spans in zip(texts, out):
        for s, e, lab in spans:
            assert 0 <= s < e <= len(t) and lab in LABELS and t[s:e] == t[s:e].strip()
    assert any(lab == "ORG" for _, _, lab in out[0])
    assert tagger.predict_words([["Kantor", "Imigrasi", "Batam"], []])[1] == []


@needs_model
def test_stage_with_tagger_keeps_gazetteer_names_and_adds_others(full):
    text = ("Penelitian ini menemukan bahwa UNODC dan Yayasan Pulih Sejahtera membantu korban di Laos. "
            "Yayasan Pulih Sejahtera juga membuka posko.")
    ents = full.recognize(text)
    by_text = {(e.text, e.type): e for e in ents}
    assert by_text[("UNODC", "ORG")].source == "gazetteer"
    assert by_text[("Laos", "GPE")].id == "gpe:laos"
    tagged = [e for e in ents if e.source == "tagger"]
    for e in tagged:
        assert text[e.start:e.end] == e.text
        assert e.id is None or e.id.startswith(("org:", "gpe:", "law:"))
    # the same surface is tagged the same way wherever it recurs
    for s in {e.text for e in tagged}:
        assert sum(e.text == s for e in ents) == text.count(s)


# ---- the seeds with the shipped stage (gazetteer + rules + tagger) -------------------------------
@needs_model
def test_seed_facts_with_tagger(seeds, rules_pipeline, full):
    from test_entities import SEED_FACTS

    for name, surface, typ, canonical in SEED_FACTS:
        d = seed_doc(seeds, name, rules_pipeline, full)
        ents = [e for s in d.sentences for e in s.entities if " ".join(e.text.split()) == surface]
        assert ents, f"{surface} not found in {name}"
        assert all(e.type == typ and e.canonical == canonical for e in ents), ents
    d = seed_doc(seeds, "004_1a9651c621a4b1d7.txt", rules_pipeline, full)
    ents = [e for s in d.sentences for e in s.entities]
    k = next(i for i, e in enumerate(ents) if e.text == "United Nations Office on Drugs and Crime")
    assert ents[k + 1].text == "UNODC" and ents[k].id == ents[k + 1].id == "org:unodc"


@needs_model
def test_extract_returns_entity_counts(seeds):
    import claimex

    claims, counts = claimex.extract(str(seeds / "004_1a9651c621a4b1d7.txt"), model="rules", segmenter="rules",
                                     entity_counts=True)
    assert claims and counts[0]["count"] >= counts[-1]["count"]
    by = {(c["canonical"], c["type"]): c for c in counts}
    assert by[("United Nations Office on Drugs and Crime", "ORG")]["id"] == "org:unodc"
    assert by[("Pakistan", "GPE")]["count"] > 5
    many = claimex.extract(["UNODC bekerja di Laos.", "Tidak ada nama."], model="rules", segmenter="rules",
                           entity_counts=True)
    assert [[(c["canonical"], c["count"]) for c in cs] for _, cs in many] == [
        [("Laos", 1), ("United Nations Office on Drugs and Crime", 1)], []]


# ---- no model, data reading, training --------------------------------------------------------
def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="train one with"):
        Tagger(tmp_path / "nothing-here")
    with pytest.raises(ModelNotFoundError):
        EntityRecognizer(model_dir=tmp_path / "nothing-here")


def test_read_conll_maps_labels(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Anis PROPN B-PER\r\ndi ADP O\r\nBadan PROPN B-ORG\r\nPusat PROPN I-ORG\r\nJakarta PROPN B-LOC\r\n\r\n",
                 encoding="utf-8")
    ex = read_conll(f, "idner")[0]
    assert ex.text == "Anis di Badan Pusat Jakarta"
    assert [(ex.text[s:e], t) for s, e, t in ex.spans] == [("Badan Pusat", "ORG"), ("Jakarta", "GPE")]


def test_read_conll_repairs_iob1(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("pt\tI-IND\nkai\tI-IND\ndi\tO\nbandung\tI-PLC\n", encoding="utf-8")
    ex = read_conll(f, "nerp")[0]
    assert [(ex.text[s:e], t) for s, e, t in ex.spans] == [("pt kai", "ORG"), ("bandung", "GPE")]


@pytest.mark.slow
def test_overfit_save_reload(tmp_path):
    from claimex.entities.tagger import train

    exs = [Example("Yayasan Kasih Bunda membantu warga Kota Kendari .",
                   [(0, 19, "ORG"), (35, 47, "GPE")], "Yayasan Kasih Bunda membantu warga Kota Kendari .".split()),
           Example("Menurut UU Nomor 5 Tahun 2010 , Dinas Sosial bertugas .",
                   [(8, 29, "LAW"), (32, 44, "ORG")], "Menurut UU Nomor 5 Tahun 2010 , Dinas Sosial bertugas .".split())]
    cfg = TaggerConfig(max_epochs=40, patience=40, embed_size=500, width=32, depth=2, dropout=0.0)
    rep = train(exs * 4, exs, tmp_path / "m", cfg, log=lambda m: None)
    assert rep["dev_f"] == 1.0
    t = Tagger(tmp_path / "m")
    pred = t.predict([e.text for e in exs])
    assert [sorted(p) for p in pred] == [sorted(e.spans) for e in exs]
    assert Tagger(tmp_path / "m").predict([exs[0].text]) == pred[:1]


# ---- how the stage combines the tagger with the rules (a stub tagger, no model needed) ---------------------
class _StubTagger:
    """Returns fixed spans ``(surface, label)`` wherever the surface occurs in a chunk."""

    def __init__(self, names: list[tuple[str, str]]):
        self.names = names
        self.seen: list[str] = []

    def predict(self, texts):
        import re

        self.seen += list(texts)
        return [[(m.start(), m.end(), lab) for name, lab in self.names for m in re.finditer(re.escape(name), t)]
                for t in texts]


def _stub_rec(names, **kw) -> EntityRecognizer:
    rec = EntityRecognizer(use_tagger=False, **kw)
    rec._tagger, rec.use_tagger = _StubTagger(names), True
    return rec


def test_tagger_places_are_added_and_its_own_organisations_only_on_request():
    text = "Nelayan Sendangrejo bekerja untuk Koperasi Nelayan Mina Jaya memakai SonarQube."
    names = [("Sendangrejo", "GPE"), ("SonarQube", "ORG")]
    got = [(e.text, e.type, e.source) for e in _stub_rec(names).recognize(text)]
    assert got == [("Sendangrejo", "GPE", "tagger"), ("Koperasi Nelayan Mina Jaya", "ORG", "rule")]
    got = [(e.text, e.type) for e in _stub_rec(names, tagger_adds=("ORG", "GPE")).recognize(text)]
    assert ("SonarQube", "ORG") in got


def test_tagger_may_extend_a_rule_name_but_not_join_two():
    rec = _stub_rec([("HIPMIKA Kabupaten Pekalongan", "ORG"), ("UNODC dan IOM", "ORG")])
    got = [(e.text, e.type, e.source) for e in rec.recognize("HIPMIKA Kabupaten Pekalongan, UNODC dan IOM.")]
    assert got == [("HIPMIKA Kabupaten Pekalongan", "ORG", "tagger"), ("UNODC", "ORG", "gazetteer"),
                   ("IOM", "ORG", "gazetteer")]


def test_tagger_may_not_join_a_name_to_the_next_after_bersama():
    rec = _stub_rec([("Kementerian Pertanian bersama Pemerintah Aceh", "ORG")])
    got = [(e.text, e.type) for e in rec.recognize("Kementerian Pertanian bersama Pemerintah Aceh mendaftarkannya.")]
    assert got == [("Kementerian Pertanian", "ORG"), ("Pemerintah Aceh", "ORG")]


def test_social_media_are_no_entities():
    rec = _stub_rec([("Facebook", "GPE"), ("Instagram", "ORG")], tagger_adds=("ORG", "GPE"))
    assert rec.recognize("Informasi menyebar lewat Facebook dan Instagram.") == []


def test_tagger_spans_filtered():
    text = ("Perdagangan Manusia meningkat; perdagangan manusia lintas negara. Anak TK di Selatan. "
            "Dokumen dalam bahasa Indonesia.")
    rec = _stub_rec([("Perdagangan Manusia", "GPE"), ("TK", "GPE"), ("Selatan", "GPE"), ("Indonesia", "GPE")])
    assert rec.recognize(text) == []  # lower case elsewhere, too short, a compass word, a language


def test_tagger_skips_headings_and_recurs_across_the_document(seeds, rules_pipeline):
    from claimex.clean import clean_document
    from claimex.doc import Document

    d = Document.from_text("5.1 Kesimpulan\n\nWarga Sendangrejo menolak. Kepala dusun Sendangrejo setuju.")
    clean_document(d)
    rules_pipeline.segment([d])
    assert d.sentences[0].is_heading
    rec = _stub_rec([("Kesimpulan", "GPE"), ("Sendangrejo", "GPE")])
    rec.annotate([d])
    assert not any("Kesimpulan" in t for t in rec._tagger.seen)
    ents = [e for s in d.sentences for e in s.entities]
    assert [(e.text, e.type) for e in ents] == [("Sendangrejo", "GPE"), ("Sendangrejo", "GPE")]
    assert d.meta["entity_counts"] == [{"canonical": "Sendangrejo", "type": "GPE", "id": None, "count": 2}]


def test_version_range_is_checked(tmp_path):
    (tmp_path / "config.cfg").write_text("", encoding="utf-8")
    (tmp_path / "meta.json").write_text(json.dumps({"claimex": {"claimex_version": ">=9.0,<10"}}), encoding="utf-8")
    with pytest.warns(UserWarning, match="made for claimex >=9.0,<10"):
        Tagger(tmp_path)
    (tmp_path / "meta.json").write_text(json.dumps({"claimex": {"claimex_version": ">=0.1,<1"}}), encoding="utf-8")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Tagger(tmp_path)  # loads nothing yet: spaCy is imported on first use


@pytest.mark.parametrize("text,expected", [
    # the tagger's "organisation" holding Agreement is a law
    ("Indonesia meratifikasi ASEAN Agreement on Transboundary Haze Pollution pada 2014.",
     [("Indonesia", "GPE"), ("ASEAN Agreement on Transboundary Haze Pollution", "LAW")]),
    # the tagger may not join two names across "dan"
    ("Program itu kerja sama antara Pemerintah Indonesia dan International Organization for Migration di Batam.",
     [("Indonesia", "GPE"), ("International Organization for Migration", "ORG"), ("Batam", "GPE")]),
    # an opening bracket after the tagger's name is no part of it
    ("Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi (Kementerian PANRB) dapat menyusun aturan.",
     [("Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "ORG"), ("Kementerian PANRB", "ORG")]),
    # the tagger's name ends in a name word, not in "dan pemerintah daerah alangkah"
    ("Koordinasi dilakukan Kementerian Agama dan pemerintah daerah alangkah baiknya diperkuat.",
     [("Kementerian Agama", "ORG")]),
])
def test_stage_mends_tagger_names(full, text, expected):
    assert [(e.text, e.type) for e in full.recognize(text)] == expected
