"""The transformer token tagger: BIO encoding and decoding, and the training path end to end
on a tiny randomly initialised BERT (overfit, save, reload by path, same spans, used by the
entity stage)."""

from __future__ import annotations

import json
import socket

import pytest

from claimex.entities.transformer_tagger import TAGS, bio_labels, decode

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from conftest import build_tiny_bert  # noqa: E402

# Project-written sentences with their names.
TEXTS = [
    ("Kerja sama dengan Yayasan Peduli Desa berjalan baik di Sleman.", [("Yayasan Peduli Desa", "ORG"), ("Sleman", "GPE")]),
    ("Dinas Kesehatan menyusun pedoman bersama Bappeda.", [("Dinas Kesehatan", "ORG"), ("Bappeda", "ORG")]),
    ("Aturan itu mengikuti Undang-Undang Nomor 6 Tahun 2014 di Bantul.", [("Undang-Undang Nomor 6 Tahun 2014", "LAW"),
                                                                       ("Bantul", "GPE")]),
    ("Pelatihan kader dilaksanakan di Kulon Progo oleh Puskesmas Wates.", [("Kulon Progo", "GPE"),
                                                                          ("Puskesmas Wates", "ORG")]),
]


def _examples():
    from claimex.entities.nerdata import Example

    out = []
    for text, names in TEXTS:
        spans = []
        for name, typ in names:
            s = text.index(name)
            spans.append((s, s + len(name), typ))
        out.append(Example(text=text, spans=spans))
    return out


def test_bio_round_trip_widens_to_words():
    text = "di Kabupaten Lombok Timur."
    offsets = [(0, 0), (0, 2), (3, 12), (13, 16), (16, 19), (20, 25), (25, 26), (0, 0)]
    tags = bio_labels(offsets, [(3, 25, "GPE")])
    assert [TAGS[t] if t >= 0 else None for t in tags] == [None, "O", "B-GPE", "I-GPE", "I-GPE", "I-GPE", "O", None]
    assert decode(text, offsets, tags) == [(3, 25, "GPE")]
    # a name cut inside a word is widened to the word's end
    assert decode(text, offsets, [0, 0, 3, 4, 0, 0, 0, 0]) == [(3, 19, "GPE")]
    # two names of one type side by side stay two when the second opens with B-
    assert decode("UNODC IOM", [(0, 5), (6, 9)], [1, 1]) == [(0, 5, "ORG"), (6, 9, "ORG")]


def _no_network(*args, **kwargs):
    raise AssertionError("a network call was attempted")


def test_overfit_save_reload(tmp_path, monkeypatch):
    from claimex.entities import EntityRecognizer
    from claimex.entities.tagger import load_tagger
    from claimex.entities.transformer_tagger import TokenTaggerConfig, TransformerTagger, train

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    ex = _examples()
    tiny = build_tiny_bert(tmp_path / "tiny-bert", [x.text for x in ex])
    cfg = TokenTaggerConfig(backbone=str(tiny), epochs=60, patience=60, batch_size=4, lr=3e-2, head_lr=5e-2,
                            lora_r=4, lora_alpha=8, lora_dropout=0.0, dropout=0.0, warmup=0.0, train_layers=1,
                            max_length=64)
    report = train(ex, ex, tmp_path / "ner", cfg, log=lambda m: None)
    assert report["dev_f"] == 1.0, report["history"][-1]
    folder = tmp_path / "ner"
    assert sorted(p.name for p in folder.iterdir()) == ["adapter.safetensors", "meta.json"]
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["kind"] == "transformer-token" and meta["backbone"]["kind"] == "local"

    tagger = load_tagger(folder)
    assert isinstance(tagger, TransformerTagger)
    pred = tagger.predict([x.text for x in ex])
    assert pred == [sorted(x.spans) for x in ex]
    assert tagger.predict_words([x.text.split(" ") for x in ex[:1]]) == pred[:1]

    rec = EntityRecognizer(model_dir=folder, use_gazetteer=False)
    ents = rec.recognize(ex[1].text)
    assert [(e.text, e.type) for e in ents] == [("Dinas Kesehatan", "ORG"), ("Bappeda", "ORG")]


def test_missing_weights_is_a_clear_error(tmp_path):
    from claimex.entities.transformer_tagger import TransformerTagger
    from claimex.errors import ModelNotFoundError

    (tmp_path / "meta.json").write_text(json.dumps({"kind": "transformer-token"}))
    with pytest.raises(ModelNotFoundError, match="adapter.safetensors"):
        TransformerTagger(tmp_path)
