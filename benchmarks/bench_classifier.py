"""Sentence classifier benchmark: every system on the same annotated sentences and the seeds.

Systems (all scored on the gold sentences of the annotated corpus, headings left out):

1. ``rules``: the transparent rule baseline (section + cue phrases).
2. ``tfidf+lr``: TF-IDF of word 1–2-grams and character 2–5-grams of the sentence,
   logistic regression (scikit-learn); C chosen on dev.
3. ``e5-frozen+lr``: mean-pooled multilingual-e5-small embeddings (``"passage: "`` prefix,
   the backbone frozen, no context), logistic regression; C chosen on dev.
4. fine-tuned models given with ``--model NAME=FOLDER`` (e.g. the shipped model, which reads
   its context, and one trained with ``--context none``).

Per-label F1 and macro-F1 on dev and test, and macro-F1 on the two seed chapters
(``benchmarks/data/seed_labels.json``: hand labels as character offsets into the seed files,
which are read from ``../shared/seeds`` and never copied). Seed sentences go through the
claimex pipeline (cleaning, sections) with the gold sentence boundaries, so a classifier
sees the section path and neighbours it would see in ``claimex extract``.

Usage::

    .venv/bin/python benchmarks/bench_classifier.py --data data/annotations \\
        --model "fine-tuned, context=claimex-sentence-e5" --model "fine-tuned, no context=/tmp/nocontext" \\
        --write-docs

``--write-docs`` replaces the table part of the ``classifier`` block of docs/benchmarks.md
(the speed sub-table written by ``bench_classifier_speed.py`` is kept); results also go to
``benchmarks/results/classifier.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimex.classify.base import SentenceInput  # noqa: E402
from claimex.classify.evaluate import collect, decide, scores  # noqa: E402
from claimex.doc import LABELS  # noqa: E402

SHARED = Path(os.environ.get("CLAIMEX_SHARED", ROOT.parent / "shared"))
SEED_LABELS = ROOT / "benchmarks/data/seed_labels.json"
RESULTS = ROOT / "benchmarks/results/classifier.json"
DOCS = ROOT / "docs/benchmarks.md"
BEGIN, END = "<!-- BEGIN classifier -->", "<!-- END classifier -->"
SPEED_MARK = "<!-- classifier speed -->"


# ---- seeds ----------------------------------------------------------------------------------
class GoldSegmenter:
    """Returns given sentence spans (block offsets) for the blocks of one document, in order."""

    name = "gold"

    def __init__(self, per_block: list[list[tuple[int, int]]]):
        self.per_block = per_block

    def segment(self, blocks: list[str]) -> list[list[Any]]:
        from claimex.segment.base import SentSpan

        if len(blocks) != len(self.per_block):
            raise SystemExit(f"gold segmenter: {len(blocks)} blocks, expected {len(self.per_block)}")
        return [[SentSpan(s, e, b[s:e]) for s, e in spans] for b, spans in zip(blocks, self.per_block)]


def seed_sets() -> list[tuple[str, list[SentenceInput], list[str]]]:
    """Per seed: its name, classifier inputs of its gold sentences (with section path and
    neighbours from the claimex pipeline) and their hand labels."""
    from claimex.classify.base import inputs_from_document
    from claimex.clean import clean_document
    from claimex.doc import Document
    from claimex.pipeline import Pipeline

    gold = json.loads(SEED_LABELS.read_text(encoding="utf-8"))
    out = []
    for f in gold["files"]:
        path = SHARED / "seeds" / f["name"]
        if not path.is_file():
            print(f"seed {path} not found; seeds left out", file=sys.stderr)
            return []
        raw_bytes = path.read_bytes()
        if hashlib.sha256(raw_bytes).hexdigest() != f["sha256"]:
            raise SystemExit(f"{path}: sha256 differs from {SEED_LABELS}; re-check the hand labels")
        doc = clean_document(Document.from_text(raw_bytes.decode("utf-8"), doc_id=f["name"]))
        first = {}  # raw offset -> first clean index at it
        for i, r in enumerate(doc.clean_to_raw or range(len(doc.clean))):
            first.setdefault(r, i)
        last = {}
        for i, r in enumerate(doc.clean_to_raw or range(len(doc.clean))):
            last[r] = i
        body = [b for b in doc.blocks if b.kind != "heading"]
        per_block: list[list[tuple[int, int]]] = [[] for _ in body]
        labels_at: dict[tuple[int, int], str] = {}
        for s, e, label in f["sentences"]:
            cs, ce = first.get(s), last.get(e - 1)
            if cs is None or ce is None:
                raise SystemExit(f"{f['name']}: gold span {s}-{e} does not fall on clean characters")
            k = next((k for k, b in enumerate(body) if b.clean_start <= cs < b.clean_end), None)
            if k is None:
                raise SystemExit(f"{f['name']}: gold span {s}-{e} lies in no body block")
            per_block[k].append((cs - body[k].clean_start, ce + 1 - body[k].clean_start))
            labels_at[(cs, ce + 1)] = label
        nlp = Pipeline(model="rules", segmenter=GoldSegmenter(per_block), entities=False)
        nlp.segment([doc])
        inputs = inputs_from_document(doc)
        items, labels = [], []
        for sent, x in zip(doc.sentences, inputs):
            if not sent.is_heading:
                items.append(x)
                labels.append(labels_at[(sent.clean_start, sent.clean_end)])
        if len(items) != len(f["sentences"]):
            raise SystemExit(f"{f['name']}: {len(items)} sentences after segmentation, expected {len(f['sentences'])}")
        out.append((f["name"], items, labels))
    return out


# ---- systems --------------------------------------------------------------------------------
class SklearnSystem:
    """A scikit-learn classifier over features of the sentence text, behind the claimex interface."""

    labels = LABELS

    def __init__(self, name: str, featurize: Any, clf: Any):
        self.name, self.featurize, self.clf = name, featurize, clf

    def predict_proba(self, items: Sequence[SentenceInput]) -> list[dict[str, float]]:
        p = self.clf.predict_proba(self.featurize(items))
        cols = [LABELS[int(c)] for c in self.clf.classes_]
        return [{**{k: 0.0 for k in LABELS}, **dict(zip(cols, map(float, row)))} for row in p]


def fit_lr(name: str, featurize: Any, train: tuple, dev: tuple) -> tuple[SklearnSystem, float]:
    """Logistic regression (balanced class weights), C picked by dev macro-F1."""
    from sklearn.linear_model import LogisticRegression

    xtr, xdev = featurize(train[0]), featurize(dev[0])
    ytr = [LABELS.index(g) for g in train[1]]
    best = None
    for c in (0.3, 1.0, 3.0, 10.0, 30.0):
        clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(xtr, ytr)
        pred = [LABELS[int(i)] for i in clf.predict(xdev)]
        f1 = scores(dev[1], pred)["macro_f1"]
        if best is None or f1 > best[0]:
            best = (f1, c, clf)
    return SklearnSystem(name, featurize, best[2]), best[1]


def tfidf_system(train: tuple, dev: tuple) -> tuple[SklearnSystem, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    union = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
    ]).fit([x.text for x in train[0]])
    return fit_lr("tfidf+lr", lambda items: union.transform([x.text for x in items]), train, dev)


def e5_embedder(threads: int) -> Any:
    """Mean-pooled, L2-normalised e5 embeddings (``"passage: "``), memoised per text."""
    import numpy as np
    import torch

    from claimex.classify.backbone import load_backbone

    torch.set_num_threads(threads)
    model, tok = load_backbone("e5")
    model.eval()
    memo: dict[str, Any] = {}

    def embed(items: Sequence[SentenceInput]) -> Any:
        todo = sorted({x.text for x in items if x.text not in memo}, key=len)
        with torch.inference_mode():
            for i in range(0, len(todo), 64):
                chunk = todo[i:i + 64]
                enc = tok(["passage: " + t for t in chunk], padding=True, truncation=True, max_length=256,
                          return_tensors="pt")
                h = model(**enc).last_hidden_state
                m = enc["attention_mask"].unsqueeze(-1).float()
                e = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy()
                memo.update(zip(chunk, e))
        return np.stack([memo[x.text] for x in items])

    return embed


# ---- scoring --------------------------------------------------------------------------------
def score(system: Any, items: list[SentenceInput], gold: list[str]) -> dict[str, Any]:
    t = time.time()
    probs = system.predict_proba(items)
    pred = decide(probs, getattr(system, "abstain_threshold", 0.0))
    r = scores(gold, pred)
    return {"macro_f1": r["macro_f1"], "accuracy": r["accuracy"], "n": r["n"],
            "f1": {k: r["per_label"][k]["f1"] for k in LABELS}, "confusion": r["confusion"],
            "seconds": round(time.time() - t, 2)}


def table(results: dict[str, dict[str, Any]], split: str) -> list[str]:
    lines = ["| system | macro-F1 | finding | recommendation | limitation | other |", "|---|---:|---:|---:|---:|---:|"]
    best = max(r[split]["macro_f1"] for r in results.values() if split in r)
    for name, r in results.items():
        if split not in r:
            continue
        m = r[split]
        mf = f"**{m['macro_f1']:.3f}**" if m["macro_f1"] == best else f"{m['macro_f1']:.3f}"
        lines.append(f"| {name} | {mf} | " + " | ".join(f"{m['f1'][k]:.3f}" for k in LABELS) + " |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data/annotations"), help="annotated corpus with splits.json")
    ap.add_argument("--model", action="append", default=[], metavar="NAME=FOLDER",
                    help="a fine-tuned model folder (or known name) to include; repeatable")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("CLAIMEX_THREADS", "2")))
    ap.add_argument("--no-e5", action="store_true", help="skip the frozen-e5 baseline")
    ap.add_argument("--write-docs", action="store_true", help="replace the classifier table in docs/benchmarks.md")
    ap.add_argument("--json", default=str(RESULTS), help="where the JSON results go")
    args = ap.parse_args()

    from claimex.annotations.corpus import load_corpus
    from claimex.classify import load_classifier
    from claimex.classify.rules import RuleClassifier
    from claimex.classify.train import corpus_hash

    data = Path(args.data)
    if not (data / "splits.json").is_file():
        raise SystemExit(f"{data}: no splits.json; the benchmark needs fixed train/dev/test splits")
    sets = {}
    for split in ("train", "dev", "test"):
        items, gold, _ = collect(load_corpus(data, split))
        sets[split] = (items, gold)
    seeds = seed_sets()
    seed_all = ([x for _, xs, _ in seeds for x in xs], [g for _, _, gs in seeds for g in gs])

    systems: dict[str, Any] = {"rules (baseline)": RuleClassifier()}
    notes: dict[str, str] = {}
    sysobj, c = tfidf_system(sets["train"], sets["dev"])
    systems["TF-IDF + logistic regression"] = sysobj
    notes["TF-IDF + logistic regression"] = f"C={c}"
    if not args.no_e5:
        embed = e5_embedder(args.threads)
        sysobj, c = fit_lr("e5-frozen+lr", embed, sets["train"], sets["dev"])
        systems["frozen e5 (mean-pooled) + logistic regression"] = sysobj
        notes["frozen e5 (mean-pooled) + logistic regression"] = f"C={c}"
    for spec in args.model:
        name, _, folder = spec.rpartition("=")
        clf = load_classifier(folder)
        name = name or folder
        systems[name] = clf
        meta = getattr(clf, "meta", {})
        ctx = meta.get("input", {}).get("context")
        notes[name] = (f"`{folder}`, context `{ctx}`, abstain {meta.get('abstain_threshold', 0)}" if meta else f"`{folder}`")

    results: dict[str, dict[str, Any]] = {}
    for name, system in systems.items():
        print(f"scoring {name} ...", file=sys.stderr, flush=True)
        results[name] = {"dev": score(system, *sets["dev"]), "test": score(system, *sets["test"])}
        if seeds:
            results[name]["seeds"] = score(system, *seed_all)
            for seed_name, xs, gs in seeds:
                results[name][f"seed {seed_name}"] = score(system, xs, gs)

    n = {k: len(v[1]) for k, v in sets.items()}
    lines = ["## Sentence classifier", "",
             f"Script: `benchmarks/bench_classifier.py` · run {dt.date.today().isoformat()} · "
             f"{os.cpu_count()} CPU cores ({platform.machine()}) · corpus `{data.name}` "
             f"(sha256 `{corpus_hash(data)[:12]}…`): train {n['train']}, dev {n['dev']}, test {n['test']} gold "
             "sentences (headings left out), split by document. Scores: F1 per label and macro-F1 over the four "
             "labels; models apply their own abstain threshold.", ""]
    for split in ("test", "dev"):
        lines += [f"**{split.capitalize()} split** ({n[split]} sentences):", ""] + table(results, split) + [""]
    if seeds:
        cells = [f"{name} ({len(xs)} sent.)" for name, xs, _ in seeds]
        lines += [f"**Seeds** (the two real closing chapters in `shared/seeds/`, {len(seed_all[1])} sentences labelled by "
                  "hand in `benchmarks/data/seed_labels.json`; gold boundaries, cleaning and sections from claimex):", "",
                  "| system | seeds macro-F1 | " + " | ".join(cells) + " | accuracy (both) |",
                  "|---|---:|" + "---:|" * len(cells) + "---:|"]
        for name, r in results.items():
            lines.append(f"| {name} | {r['seeds']['macro_f1']:.3f} | "
                         + " | ".join(f"{r[f'seed {s}']['macro_f1']:.3f}" for s, _, _ in seeds)
                         + f" | {r['seeds']['accuracy']:.3f} |")
        lines.append("")
        lines.append("Seed macro-F1 averages only the labels present in a seed (one limitation and one recommendation "
                     "sentence in the first seed), so one sentence moves it a lot.")
        lines.append("")
    lines += ["Notes: " + "; ".join(f"{k}: {v}" for k, v in notes.items()) + "."]
    for name, system in systems.items():
        meta = getattr(system, "meta", None)
        if not meta:
            continue
        tr = meta["training"]
        lines.append(f"Training of {name}: {tr['seconds'] / 60:.0f} min wall-clock on {tr.get('threads', '?')} CPU "
                     f"thread(s) (the 2 cores shared with other jobs), best epoch {tr['best_epoch']} of "
                     f"{len(tr['history'])} (dev macro-F1 per epoch: "
                     + ", ".join(f"{h['dev_macro_f1']:.3f}" for h in tr["history"])
                     + f"); {tr['trainable_parameters']:,} trained parameters; LoRA r={meta['lora']['r']} on "
                     f"{', '.join(meta['lora']['targets'])} of the top {len(meta['lora'].get('layers') or [])} layers, "
                     "the lower layers' outputs computed once and cached.")
    lines.append("")
    lines.append("Context: the shipped model reads each sentence with its section path (sentence first, the path as "
                 "the second segment, only the sentence's tokens pooled). On dev it beats sentence-only input, so it "
                 "ships. Adding the neighbouring sentences (`--context full`) doubles the input length (≈100 tokens "
                 "against ≈50) and so the training time; on the provisional corpus (126 documents) one epoch of each "
                 "gave the same dev macro-F1 (0.873 full, 0.874 section), so it was not trained on the final corpus.")
    md = "\n".join(lines)
    print(md)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"date": dt.date.today().isoformat(), "data": str(data), "data_sha256": corpus_hash(data),
                               "sizes": n, "notes": notes, "results": results}, indent=1) + "\n", encoding="utf-8")
    if args.write_docs:
        write_block(md, speed=False)


def write_block(md: str, speed: bool) -> None:
    """Put ``md`` into docs/benchmarks.md's classifier block: the accuracy part (``speed=False``)
    or the speed sub-table after ``<!-- classifier speed -->`` (``speed=True``); the other part
    stays, and nothing outside the block is touched."""
    s = DOCS.read_text(encoding="utf-8")
    i, j = s.index(BEGIN) + len(BEGIN), s.index(END)
    acc, _, spd = s[i:j].partition(SPEED_MARK)
    acc, spd = acc.strip("\n"), spd.strip("\n")
    if speed:
        spd = md.strip("\n")
    else:
        acc = md.strip("\n")
    new = acc + (f"\n\n{SPEED_MARK}\n{spd}" if spd else "")
    DOCS.write_text(s[:i] + "\n" + new + "\n" + s[j:], encoding="utf-8")


if __name__ == "__main__":
    main()
