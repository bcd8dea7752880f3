"""The learned entity tagger: a small spaCy ``id`` pipeline with one ``ner`` component.

spaCy is imported only when a tagger is loaded or trained (``import spacy`` pulls in
thinc and, through it, torch).

Example:
    >>> tagger = Tagger("models/ner-id")                         # doctest: +SKIP
    >>> tagger.predict(["Pemerintah bekerja sama dengan Yayasan Kita Peduli di Sleman."])  # doctest: +SKIP
    [[(31, 50, 'ORG'), (54, 60, 'GPE')]]
"""

from __future__ import annotations

import json
import random
import time
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from claimex.errors import ModelNotFoundError

LABELS = ("ORG", "GPE", "LAW")
MODEL_NAME = "ner-id"


def default_model_dir() -> Path:
    """``models/ner-id`` of the source checkout, the shipped tagger."""
    return Path(__file__).resolve().parents[2] / "models" / MODEL_NAME


@dataclass
class TaggerConfig:
    """Training settings, recorded in the model's ``meta.json``."""

    width: int = 96
    depth: int = 4
    embed_size: int = 3000
    hidden_width: int = 64
    dropout: float = 0.25
    max_epochs: int = 25
    patience: int = 5
    batch_start: float = 4.0
    batch_end: float = 32.0
    learn_rate: float = 0.001
    seed: int = 0
    max_minutes: float = 14.0
    extra: dict[str, Any] = field(default_factory=dict)

    def model_config(self) -> dict[str, Any]:
        rows = [self.embed_size, self.embed_size // 2, self.embed_size // 2, self.embed_size // 2]
        return {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": self.hidden_width,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "spacy.MultiHashEmbed.v2",
                    "width": self.width,
                    "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                    "rows": rows,
                    "include_static_vectors": False,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": self.width,
                    "depth": self.depth,
                    "window_size": 1,
                    "maxout_pieces": 3,
                },
            },
        }


class Tagger:
    """Loads a spaCy NER folder by path (never downloads) and tags many texts at once."""

    def __init__(self, model_dir: str | Path | None = None, batch_size: int = 64):
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.batch_size = batch_size
        self._nlp: Any = None
        if not (self.model_dir / "meta.json").is_file() or not (self.model_dir / "config.cfg").is_file():
            raise ModelNotFoundError(
                f"expected a spaCy NER folder with meta.json and config.cfg at {self.model_dir}, found none; "
                "train one with `python scripts/train_ner.py --out models/ner-id` or pass use_tagger=False"
            )
        self.meta: dict[str, Any] = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        _check_version(self.meta, self.model_dir)

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use and shared by every Tagger of the same folder."""
        if self._nlp is None:
            self._nlp = _load(str(self.model_dir.resolve()))
        return self._nlp

    def predict(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """Spans ``(start, end, label)`` per text, offsets into that text."""
        out = []
        for doc in self.nlp.pipe(list(texts), batch_size=self.batch_size):
            out.append([(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS])
        return out

    def predict_words(self, words: Sequence[Sequence[str]]) -> list[list[tuple[int, int, str]]]:
        """Like :meth:`predict` for pre-tokenised texts (joined by single spaces)."""
        from spacy.tokens import Doc

        nlp = self.nlp
        docs = [Doc(nlp.vocab, words=list(w), spaces=[True] * (len(w) - 1) + [False]) for w in words if w]
        out_iter = iter(nlp.pipe(docs, batch_size=self.batch_size))
        out = []
        for w in words:
            if not w:
                out.append([])
                continue
            doc = next(out_iter)
            out.append([(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS])
        return out


def load_tagger(model_dir: str | Path | None = None) -> Any:
    """The tagger in a folder, by its ``meta.json``: a spaCy :class:`Tagger` or a
    :class:`~claimex.entities.transformer_tagger.TransformerTagger` (``"kind": "transformer-token"``).

    Example:
        >>> load_tagger("models/ner-id").predict(["Ia bekerja di Jakarta."])   # doctest: +SKIP
        [[(14, 21, 'GPE')]]
    """
    from claimex.entities.transformer_tagger import KIND, TransformerTagger

    folder = Path(model_dir) if model_dir else default_model_dir()
    meta = folder / "meta.json"
    if meta.is_file() and json.loads(meta.read_text(encoding="utf-8")).get("kind") == KIND:
        return TransformerTagger(folder)
    return Tagger(folder)


@lru_cache(maxsize=4)
def _load(path: str) -> Any:
    """``spacy.load`` without re-reading the saved tokenizer.

    The tagger keeps spaCy's Indonesian tokenizer unchanged (``spacy.blank("id")``), which
    the pipeline builds anyway; reading the saved copy too (its ~16,000 special cases) doubled
    the load time. Predictions are identical (checked on 3,000 news sentences).
    """
    import spacy

    return spacy.load(path, exclude=["tokenizer"])


def _check_version(meta: dict[str, Any], where: Path) -> None:
    """Warn when the model was made for other claimex versions (``">=0.1,<0.2"``)."""
    import claimex
    from claimex.store import _version_ok

    spec = meta.get("claimex", {}).get("claimex_version", "")
    if spec and _version_ok(spec, claimex.__version__) is False:
        warnings.warn(f"{where}: made for claimex {spec}, this is claimex {claimex.__version__}; "
                      "results may differ (retrain with scripts/train_ner.py)", stacklevel=3)


def _to_spacy(nlp: Any, examples: Sequence[Any]) -> list[Any]:
    """claimex ``Example`` objects as spaCy ``Example`` objects (spans snapped to tokens)."""
    from spacy.tokens import Doc
    from spacy.training import Example as SpExample

    out = []
    for ex in examples:
        if ex.words:
            doc = Doc(nlp.vocab, words=list(ex.words), spaces=[True] * (len(ex.words) - 1) + [False])
        else:
            doc = nlp.make_doc(ex.text)
        ents = []
        for s, e, lab in ex.spans:
            span = doc.char_span(s, e, label=lab, alignment_mode="expand")
            if span is not None:
                ents.append(span)
        ents = _drop_overlaps(ents)
        ref = doc.copy()
        ref.ents = ents
        out.append(SpExample(doc, ref))
    return out


def _drop_overlaps(spans: list[Any]) -> list[Any]:
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    kept, last = [], -1
    for s in spans:
        if s.start >= last:
            kept.append(s)
            last = s.end
    return kept


def train(train_examples: Sequence[Any], dev_examples: Sequence[Any], out_dir: str | Path,
          cfg: TaggerConfig | None = None, meta: dict[str, Any] | None = None,
          log: Callable[[str], None] = print) -> dict[str, Any]:
    """Train a tagger, keep the epoch with the best dev F1, write it to ``out_dir``.

    Returns a report (epochs, dev scores, seconds). ``meta`` is merged into ``meta.json``.
    """
    import spacy
    from spacy.util import compounding, minibatch

    cfg = cfg or TaggerConfig()
    random.seed(cfg.seed)
    spacy.util.fix_random_seed(cfg.seed)
    nlp = spacy.blank("id")
    ner = nlp.add_pipe("ner", config={"model": cfg.model_config()})
    for lab in LABELS:
        ner.add_label(lab)
    train_sp = _to_spacy(nlp, train_examples)
    dev_sp = _to_spacy(nlp, dev_examples)
    optimizer = nlp.initialize(lambda: train_sp)
    optimizer.learn_rate = cfg.learn_rate
    best: tuple[float, int] = (-1.0, -1)
    best_bytes = None
    history = []
    t0 = time.time()
    bad = 0
    for epoch in range(cfg.max_epochs):
        random.shuffle(train_sp)
        losses: dict[str, float] = {}
        for batch in minibatch(train_sp, size=compounding(cfg.batch_start, cfg.batch_end, 1.001)):
            nlp.update(batch, drop=cfg.dropout, sgd=optimizer, losses=losses)
        scores = nlp.evaluate(dev_sp)
        f = float(scores.get("ents_f") or 0.0)
        per_type = {k: {m: round(float(v[m]), 4) for m in ("p", "r", "f")}
                    for k, v in (scores.get("ents_per_type") or {}).items()}
        history.append({"epoch": epoch + 1, "loss": round(losses.get("ner", 0.0), 2), "dev_f": round(f, 4),
                        "dev_per_type": per_type, "seconds": round(time.time() - t0, 1)})
        log(f"epoch {epoch + 1}: loss {losses.get('ner', 0.0):.1f} dev F1 {f:.4f} {per_type} ({time.time() - t0:.0f}s)")
        if f > best[0]:
            best, bad = (f, epoch + 1), 0
            best_bytes = nlp.to_bytes()
        else:
            bad += 1
        elapsed = time.time() - t0
        if bad >= cfg.patience or (elapsed + elapsed / (epoch + 1)) / 60 > cfg.max_minutes:
            break  # another epoch would overrun the time budget
    if best_bytes is not None:
        nlp.from_bytes(best_bytes)
    report = {"best_epoch": best[1], "dev_f": round(best[0], 4), "history": history,
              "seconds": round(time.time() - t0, 1), "config": asdict(cfg)}
    nlp.meta.update({"name": MODEL_NAME.replace("-", "_"), "version": "0.1.0",
                     "description": "claimex Indonesian entity tagger (ORG, GPE, LAW)",
                     "license": "Apache-2.0",
                     "labels_claimex": list(LABELS)})
    nlp.meta.update(meta or {})
    nlp.meta["training_report"] = {k: v for k, v in report.items() if k != "history"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return report
