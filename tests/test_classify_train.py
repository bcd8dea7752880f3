"""The training path end to end on a tiny randomly initialised BERT whose WordPiece tokenizer
is trained in the test: overfit, save, reload, same predictions; config validation; reports."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("datasets")

from claimex.classify.base import inputs_from_annotated  # noqa: E402
from claimex.errors import ClaimexError  # noqa: E402

# Project-written sentences, one list per label (not taken from any thesis).
SENTENCES = {
    "finding": [
        "Hasil penelitian menunjukkan bahwa program pelatihan meningkatkan pendapatan peserta.",
        "Dapat disimpulkan bahwa koordinasi antarlembaga belum berjalan efektif.",
        "Uji regresi membuktikan bahwa motivasi berpengaruh signifikan terhadap kinerja.",
        "Kebijakan subsidi terbukti menurunkan angka putus sekolah di daerah tersebut.",
    ],
    "recommendation": [
        "Pemerintah daerah perlu menambah anggaran untuk pengawasan pasar.",
        "Peneliti selanjutnya disarankan menggunakan sampel yang lebih besar.",
        "Sekolah sebaiknya melibatkan orang tua dalam kegiatan literasi.",
        "Dinas terkait hendaknya menyusun pedoman teknis yang lebih jelas.",
    ],
    "limitation": [
        "Penelitian ini memiliki keterbatasan pada jumlah responden yang sedikit.",
        "Penulis menyadari bahwa data yang diperoleh masih jauh dari sempurna.",
        "Peneliti mengalami kesulitan dalam mendapatkan dokumen resmi dari instansi.",
        "Cakupan wilayah penelitian hanya terbatas pada satu kecamatan.",
    ],
    "other": [
        "Penelitian ini bertujuan mengkaji pelaksanaan program bantuan sosial.",
        "Adapun saran yang dapat diberikan adalah sebagai berikut:",
        "Bab ini memuat kesimpulan dan saran dari penelitian.",
        "Data dikumpulkan melalui wawancara dan studi dokumen.",
    ],
}
HEADINGS = ["BAB V PENUTUP", "5.1 Kesimpulan", "5.2 Saran", "5.3 Keterbatasan Penelitian"]


def _doc(doc_id: str, rotate: int) -> str:
    lines = [{"schema": "claimex-annotations/1", "doc_id": doc_id, "discipline": "uji", "level": "skripsi"},
             {"kind": "heading", "level": 1, "text": HEADINGS[0], "label": "other", "para": 1}]
    para = 1
    plan = [("5.1 Kesimpulan", ["other", "finding"]), ("5.2 Saran", ["other", "recommendation"]),
            ("5.3 Keterbatasan Penelitian", ["limitation"])]
    for heading, labels in plan:
        para += 1
        lines.append({"kind": "heading", "level": 2, "text": heading, "label": "other", "para": para})
        para += 1
        for label in labels:
            sents = SENTENCES[label]
            for k in range(2):
                text = sents[(rotate + k) % len(sents)]
                lines.append({"kind": "sentence", "text": text, "label": label, "para": para})
    return "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    (root / "docs").mkdir()
    for i, doc_id in enumerate(["uji-01", "uji-02", "uji-03"]):
        (root / "docs" / f"{doc_id}.jsonl").write_text(_doc(doc_id, 2 * i if i < 2 else 0), encoding="utf-8")
    (root / "splits.json").write_text(json.dumps({"train": ["uji-01", "uji-02"], "dev": ["uji-03"], "test": []}))
    return root


@pytest.fixture(scope="module")
def tiny_backbone(tmp_path_factory) -> Path:
    """A 2-layer BERT (hidden 32) with a WordPiece tokenizer trained here on the test sentences."""
    from conftest import build_tiny_bert

    texts = [s for v in SENTENCES.values() for s in v] + HEADINGS + ["sebelumnya berikutnya"]
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), texts)


def _no_network(*args, **kwargs):
    raise AssertionError("a network call was attempted")


@pytest.mark.parametrize("train_layers,context", [(1, "full"), (0, "none")])
def test_overfit_save_reload(corpus, tiny_backbone, tmp_path, monkeypatch, train_layers, context):
    from claimex.annotations.corpus import load_corpus
    from claimex.classify.evaluate import evaluate, write_report
    from claimex.classify.train import TrainConfig, train
    from claimex.classify.transformer import TransformerClassifier

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    cfg = TrainConfig(data=corpus, out=tmp_path / "model", backbone=str(tiny_backbone), context=context,
                      train_layers=train_layers, epochs=40, patience=40, batch_size=8, lr=1e-2, head_lr=3e-2,
                      lora_r=4, lora_alpha=8, lora_dropout=0.0, dropout=0.0, warmup=0.0, progress=False, seed=3)
    folder = train(cfg)

    names = sorted(p.name for p in folder.iterdir())
    assert names == ["README.md", "classifier.safetensors", "meta.json"]
    assert not list(folder.glob("*.bin")) and not list(folder.glob("*.pt"))
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["backbone"]["kind"] == "local" and meta["input"]["context"] == context
    assert meta["lora"]["layers"] == ([1] if train_layers == 1 else None)
    assert meta["metrics"]["dev"]["macro_f1"] == 1.0  # overfit: dev repeats training sentences

    docs = load_corpus(corpus, split="train")
    items, gold = inputs_from_annotated(docs[0])
    clf = TransformerClassifier.load(folder)
    again = TransformerClassifier.load(folder)
    p1, p2 = clf.predict_proba(items), again.predict_proba(items)
    for a, b, x, g in zip(p1, p2, items, gold):
        assert max(a, key=a.get) == g, x.text
        assert all(abs(a[k] - b[k]) < 1e-6 for k in a)
        assert abs(sum(a.values()) - 1) < 1e-5

    report = evaluate(clf, docs[:1])
    assert report["macro_f1"] == 1.0 and report["n"] == sum(1 for x in items if not x.is_heading)
    paths = write_report(report, tmp_path / "report")
    assert paths["png"].read_bytes()[:4] == b"\x89PNG"
    assert "| limitation |" in paths["markdown"].read_text()


def test_training_is_seeded(corpus, tiny_backbone, tmp_path):
    from safetensors.torch import load_file

    from claimex.classify.train import TrainConfig, train

    outs = []
    for run in ("a", "b"):
        cfg = TrainConfig(data=corpus, out=tmp_path / run, backbone=str(tiny_backbone), context="section",
                          train_layers=1, epochs=2, batch_size=4, progress=False, seed=7, evaluate_test=False)
        outs.append(load_file(str(train(cfg) / "classifier.safetensors")))
    assert outs[0].keys() == outs[1].keys()
    assert all(torch.equal(outs[0][k], outs[1][k]) for k in outs[0])


@pytest.mark.parametrize("bad,message", [
    ({"epochs": 0}, "epochs must be at least 1"),
    ({"context": "page"}, "context must be one of none, section, full"),
    ({"max_length": 4}, "max_length must be within 16..512"),
    ({"class_weighting": "inverse"}, "class_weighting must be none, sqrt or balanced"),
])
def test_config_is_validated(bad, message):
    from claimex.classify.train import TrainConfig

    with pytest.raises(ClaimexError, match=message):
        TrainConfig(**bad)


def test_config_from_dict_names_unknown_keys():
    from claimex.classify.train import TrainConfig

    assert TrainConfig.from_dict({"epochs": 3}).epochs == 3
    with pytest.raises(ClaimexError, match="unknown training setting.*epoch.*known:.*epochs"):
        TrainConfig.from_dict({"epoch": 3})


def test_missing_local_backbone_says_what_to_do(tmp_path):
    from claimex.classify.backbone import resolve_backbone
    from claimex.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="config.json.*Nothing is downloaded"):
        resolve_backbone(tmp_path / "indobert-base-p1")


def test_scores_table():
    from claimex.classify.evaluate import scores

    r = scores(["finding", "finding", "limitation", "other"], ["finding", "other", "limitation", "other"])
    assert r["per_label"]["finding"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert r["per_label"]["recommendation"]["support"] == 0
    assert r["macro_f1"] == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)  # labels without support are left out
    assert r["confusion"][0] == [1, 0, 0, 1]


def test_cli_train_evaluate_extract(corpus, tiny_backbone, tmp_path):
    """`claimex train` → `claimex evaluate` → `claimex extract --model OUT` on the tiny backbone."""
    from typer.testing import CliRunner

    from claimex.cli import app

    run = CliRunner().invoke
    cfg = tmp_path / "train.toml"
    cfg.write_text('context = "section"\ntrain_layers = 1\nepochs = 3\nbatch_size = 8\nlora_r = 4\nlora_alpha = 8\n',
                   encoding="utf-8")
    out = tmp_path / "model"
    res = run(app, ["train", str(corpus), "--out", str(out), "--config", str(cfg), "--backbone", str(tiny_backbone),
                    "--epochs", "2", "--quiet"])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "meta.json").read_text())
    assert meta["training"]["config"]["epochs"] == 2 and meta["input"]["context"] == "section"

    res = run(app, ["train", str(corpus), "--out", str(out), "--backbone", str(tiny_backbone), "--quiet"])
    assert res.exit_code == 2 and "--force" in res.output

    res = run(app, ["evaluate", str(out), str(corpus), "--split", "dev", "--out", str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    assert "macro-F1" in res.output and "| recommendation |" in res.output
    assert (tmp_path / "rep" / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["split"] == "dev" and 0 <= report["ece"] <= 1

    text = tmp_path / "bab5.txt"
    text.write_text("5.2 Saran\n\nPemerintah daerah perlu menambah anggaran untuk pengawasan pasar.\n", encoding="utf-8")
    res = run(app, ["extract", str(text), "--model", str(out), "--segmenter", "rules", "--no-entities",
                    "--format", "jsonl", "--all-sentences"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.splitlines() if x.startswith("{")]
    assert rows and set(rows[-1]["scores"]) == {"finding", "recommendation", "limitation", "other"}


@pytest.mark.parametrize("args,message", [
    (["train", "{missing}", "--out", "{tmp}/m"], "expected an annotated corpus folder"),
    (["train", "{corpus}", "--out", "{tmp}/m", "--context", "page"], "context must be one of"),
    (["train", "{corpus}", "--out", "{tmp}/m", "--config", "{tmp}/bad.json"], "unknown training setting"),
    (["train", "{corpus}", "--out", "{tmp}/m", "--config", "{tmp}/none.toml"], "no such config file"),
    (["evaluate", "rules", "{corpus}", "--split", "val"], "--split must be train, dev, test or all"),
    (["evaluate", "{tmp}/no-model", "{corpus}"], "neither a folder nor a known name"),
    (["evaluate", "rules", "{missing}"], "no such corpus"),
])
def test_cli_user_errors_are_one_line(corpus, tmp_path, args, message):
    from typer.testing import CliRunner

    from claimex.cli import app

    (tmp_path / "bad.json").write_text('{"epoch": 3}')
    argv = [a.format(corpus=corpus, tmp=tmp_path, missing=tmp_path / "nothing") for a in args]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 2, res.output
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("claimex: error:") and message in lines[0], res.output


def test_cli_evaluate_rules_whole_corpus(corpus):
    from typer.testing import CliRunner

    from claimex.cli import app

    res = CliRunner().invoke(app, ["evaluate", "rules", str(corpus), "--split", "all"])
    assert res.exit_code == 0, res.output
    assert "classifier `rules`" in res.output
