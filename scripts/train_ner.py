"""Train claimex's entity tagger (``models/ner-id``) from local files only.

Data (by path, never copied): the public NER sets under ``--data`` (labels mapped to
ORG/GPE, persons dropped; see ``claimex/entities/nerdata.py``) and, when given, the
claimex annotated corpus (``--corpus``: its train split for training, its dev split
joins the dev set that picks the best epoch; its test split is never read here).

Example (the shipped model)::

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_ner.py \\
        --data ../shared/data --corpus data/annotations --out models/ner-id

The held-out test splits are scored by ``benchmarks/bench_entities.py``, not here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from claimex.entities.nerdata import PUBLIC_SETS, Example, from_corpus, load_public  # noqa: E402
from claimex.entities.tagger import TaggerConfig, train  # noqa: E402


def files_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data", help="folder holding the public NER sets")
    ap.add_argument("--sets", nargs="+", default=["idner-news-2k", "indonlu-nergrit"], choices=sorted(PUBLIC_SETS))
    ap.add_argument("--corpus", default=None, help="claimex annotation folder (docs/*.jsonl + splits.json)")
    ap.add_argument("--corpus-weight", type=int, default=3, help="repeat the corpus train examples this many times")
    ap.add_argument("--out", default="models/ner-id")
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--max-minutes", type=float, default=14.0)
    ap.add_argument("--embed-size", type=int, default=3000)
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    data = Path(args.data)
    train_ex: list[Example] = []
    dev_ex: list[Example] = []
    used: list[Path] = []
    counts: dict[str, dict[str, int]] = {}
    for name in args.sets:
        folder, _, files = PUBLIC_SETS[name]
        tr, dv = load_public(data, name, "train"), load_public(data, name, "dev")
        train_ex += tr
        dev_ex += dv
        used += [data / folder / files["train"], data / folder / files["dev"]]
        counts[name] = {"train": len(tr), "dev": len(dv)}
    if args.corpus:
        from claimex.annotations.corpus import iter_files, load_corpus

        tr = from_corpus(load_corpus(args.corpus, "train"))
        dv = from_corpus(load_corpus(args.corpus, "dev"))
        train_ex += tr * args.corpus_weight
        dev_ex += dv
        used += [Path(args.corpus) / "splits.json"] + list(iter_files(args.corpus))
        counts["claimex-corpus"] = {"train": len(tr), "dev": len(dv), "train_weight": args.corpus_weight}
    cfg = TaggerConfig(max_epochs=args.epochs, patience=args.patience, max_minutes=args.max_minutes,
                       embed_size=args.embed_size, width=args.width, seed=args.seed)
    print(f"train {len(train_ex)} examples, dev {len(dev_ex)}: {counts}", flush=True)
    import claimex

    meta = {
        "claimex": {
            "name": "ner-id",
            "version": "0.1.0",
            "task": "entities",
            "labels": ["ORG", "GPE", "LAW"],
            "claimex_version": ">=0.1,<0.2",
            "backbone": "spaCy HashEmbedCNN tok2vec + transition-based NER (no pretrained vectors)",
            "data": counts,
            "data_hash": files_hash(used),
            "label_maps": {"idner-news-2k": "ORG→ORG, LOC→GPE, PER dropped",
                           "indonlu-nergrit": "ORGANISATION→ORG, PLACE→GPE, PERSON dropped",
                           "claimex-corpus": "ORG, GPE, LAW as annotated"},
            "trained_with": f"claimex {claimex.__version__}, {time.strftime('%Y-%m-%d')}",
        },
        "license": "Apache-2.0 (trained on MIT-licensed NER sets and claimex's own annotations)",
    }
    report = train(train_ex, dev_ex, args.out, cfg, meta=meta, log=lambda m: print(m, flush=True))
    print(json.dumps({k: v for k, v in report.items() if k != "history"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
