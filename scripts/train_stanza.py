"""Train claimex's Stanza Indonesian ``tokenize`` + ``mwt`` models from UD CoNLL-U files.

A reproducible recipe; every input is a path. Nothing is downloaded (``--no_charlm``).

Steps (each a sub-command; ``all`` runs them in order):

1. ``prepare``: write a combined treebank ``UD_Indonesian-Claimex`` under ``WORK/ud``:
   train = the ``--train`` files less the last ``--dev-fraction`` of each, dev = those
   tails, test = the ``--test`` file (scored once after training; never used to pick a
   model). Then run Stanza's own ``prepare_tokenizer_treebank`` / ``prepare_mwt_treebank``.
2. ``tokenizer``: Stanza's ``run_tokenizer`` (dev score every ``--eval-steps``; the best
   dev checkpoint is kept; a copy is also saved every ``--checkpoint-every`` steps so
   checkpoints can be compared).
3. ``mwt``: Stanza's ``run_mwt``.
4. ``export``: convert the chosen ``.pt`` files (torch pickles) into safetensors + JSON
   under ``--out`` with ``meta.json``; the curve and scores go to ``WORK/train_report.json``.

Example (the shipped model)::

    OMP_NUM_THREADS=2 .venv/bin/python scripts/train_stanza.py all \\
        --train ../shared/data/ud-id-csui/id_csui-ud-train.conllu \\
                ../shared/data/ud-id-gsd/id_gsd-ud-dev.conllu \\
        --test ../shared/data/ud-id-gsd/id_gsd-ud-test.conllu \\
        --work /work/scratch/stanza --steps 8000 --out models/stanza-id

Licences: ud-id-csui and ud-id-gsd (v2.x) are CC BY-SA 4.0. The legacy r2.1 GSD train
(CC BY-NC-SA) is refused by ``prepare``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from claimex.store import sha256_file

TREEBANK = "UD_Indonesian-Claimex"
SHORT = "id_claimex"


def read_sentences(path: Path) -> list[str]:
    """CoNLL-U sentences (blocks of lines) of a file, comments kept."""
    blocks = [b.strip("\n") for b in path.read_text(encoding="utf-8").split("\n\n")]
    return [b for b in blocks if b.strip()]


def env_for(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        UDBASE=str(work / "ud"),
        DATA_ROOT=str(work / "data"),
        TOKENIZE_DATA_DIR=str(work / "data" / "tokenize"),
        MWT_DATA_DIR=str(work / "data" / "mwt"),
        STANZA_RESOURCES_DIR=str(work / "no_resources"),
        HF_HUB_OFFLINE="1",
        OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "2"),
    )
    return env


def run(cmd: list[str], work: Path) -> None:
    logging.info("running: %s", " ".join(cmd))
    subprocess.run(cmd, check=True, env=env_for(work), cwd=work)


def prepare(args: argparse.Namespace) -> dict:
    work: Path = args.work
    tb = work / "ud" / TREEBANK
    tb.mkdir(parents=True, exist_ok=True)
    train, dev, sources = [], [], []
    for p in args.train:
        p = Path(p).resolve()
        if "legacy" in str(p) or "r2.1" in p.name:
            sys.exit(f"{p}: the legacy r2.1 GSD train is CC BY-NC-SA (non-commercial); "
                     "it must not go into a shipped model")
        sents = read_sentences(p)
        n_dev = round(len(sents) * args.dev_fraction)
        train += sents[: len(sents) - n_dev]
        dev += sents[len(sents) - n_dev:]
        sources.append({"file": p.name, "sha256": sha256_file(p), "sentences": len(sents),
                        "train": len(sents) - n_dev, "dev": n_dev})
    test_p = Path(args.test).resolve()
    test = read_sentences(test_p)
    for name, sents in (("train", train), ("dev", dev), ("test", test)):
        (tb / f"{SHORT}-ud-{name}.conllu").write_text("\n\n".join(sents) + "\n\n", encoding="utf-8")
    info = {"sources": sources, "test": {"file": test_p.name, "sha256": sha256_file(test_p)},
            "dev_fraction": args.dev_fraction, "train_sentences": len(train), "dev_sentences": len(dev)}
    (work / "data_split.json").write_text(json.dumps(info, indent=2))
    py = sys.executable
    run([py, "-m", "stanza.utils.datasets.prepare_tokenizer_treebank", TREEBANK], work)
    run([py, "-m", "stanza.utils.datasets.prepare_mwt_treebank", TREEBANK], work)
    return info


def train_tokenizer(args: argparse.Namespace) -> None:
    """Stanza's run_tokenizer, in-process, saving a checkpoint every ``--checkpoint-every`` steps."""
    work: Path = args.work
    os.environ.update(env_for(work))
    os.chdir(work)
    import torch

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    from stanza.models import tokenizer as tok
    from stanza.utils.training import run_tokenizer

    save_dir = work / "saved_models" / "tokenize"
    ckpt_dir = work / "checkpoints"
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    orig_eval = tok.eval_model
    calls = {"n": 0}

    def eval_and_checkpoint(a, trainer, batches, vocab, mwt_dict):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        step = calls["n"] * args.eval_steps
        score = orig_eval(a, trainer, batches, vocab, mwt_dict)
        with open(work / "tokenizer_curve.tsv", "a") as f:
            f.write(f"{step}\t{score:.5f}\n")
        if step % args.checkpoint_every == 0:
            trainer.save(str(ckpt_dir / f"{SHORT}_tokenizer_step{step}.pt"))
        return score

    tok.eval_model = eval_and_checkpoint
    (work / "tokenizer_curve.tsv").unlink(missing_ok=True)
    sys.argv = [run_tokenizer.__file__, TREEBANK, "--no_charlm", "--force", "--save_dir", str(save_dir),
                "--steps", str(args.steps), "--eval_steps", str(args.eval_steps),
                "--max_steps_before_stop", str(args.steps), "--seed", str(args.seed)]
    run_tokenizer.main()


def train_mwt(args: argparse.Namespace) -> None:
    run([sys.executable, "-m", "stanza.utils.training.run_mwt", TREEBANK, "--force",
         "--save_dir", str(args.work / "saved_models" / "mwt")], args.work)


def find_pt(folder: Path, kind: str) -> Path:
    found = sorted(folder.glob(f"{SHORT}*{kind}*.pt"))
    if not found:
        sys.exit(f"no {kind} model (*.pt) in {folder}; run the '{kind}' step first")
    return found[0]


def export(args: argparse.Namespace) -> None:
    """Write the shipped folder: safetensors + JSON per model, meta.json."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from claimex.segment.stanza import MODEL_FILES, pack_pt

    work: Path = args.work
    tok_pt = Path(args.tokenizer_pt) if args.tokenizer_pt else find_pt(work / "saved_models" / "tokenize", "tokenizer")
    mwt_pt = find_pt(work / "saved_models" / "mwt", "mwt")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pack_pt(tok_pt, out, "tokenizer")
    pack_pt(mwt_pt, out, "mwt")
    for f in out.glob("*.safetensors"):
        f.chmod(0o644)
    verify_round_trip(tok_pt, mwt_pt, out, work)
    split = json.loads((work / "data_split.json").read_text())
    curve = _read_curve(work / "tokenizer_curve.tsv")
    f1s = _read_log_f1(Path(args.log)) if args.log else []
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    import stanza

    meta.update({
        "name": "stanza-id",
        "version": args.version,
        "kind": "stanza tokenize+mwt",
        "language": "id",
        "claimex_version": ">=0.1,<0.2",
        "stanza_version_trained": stanza.__version__,
        "files": {f: sha256_file(out / f) for f in MODEL_FILES},  # claimex.store.read_meta verifies these
        "data": split,
        "training": {"steps": args.steps, "eval_steps": args.eval_steps, "seed": args.seed,
                     "selected_checkpoint": tok_pt.name, "charlm": False,
                     "command": "scripts/train_stanza.py all (see README.md)"},
        "dev_curve": [{"step": int(s), "dev_score": round(v, 5), **(f1s[i] if i < len(f1s) else {})}
                      for i, (s, v) in enumerate(curve)],
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    logging.info("wrote %s", out)


def verify_round_trip(tok_pt: Path, mwt_pt: Path, out: Path, work: Path) -> None:
    """The rebuilt .pt files give the same predictions as the trained ones on the dev text."""
    import tempfile

    import stanza

    from claimex.segment.stanza import built_model_dir

    built = built_model_dir(out, Path(tempfile.mkdtemp(dir=work)))
    text = (work / "data" / "tokenize" / f"{SHORT}.dev.txt").read_text(encoding="utf-8")

    def run_with(tok: Path, mwt: Path) -> str:
        nlp = stanza.Pipeline(lang="id", dir=str(built), processors="tokenize,mwt", tokenize_model_path=str(tok),
                              mwt_model_path=str(mwt), download_method=None, logging_level="ERROR")
        return "{:C}".format(nlp(text))

    if run_with(tok_pt, mwt_pt) != run_with(built / "tokenizer.pt", built / "mwt.pt"):
        sys.exit("round trip changed the predictions on the dev text; the packed model is not shipped as is")
    logging.info("round trip verified: identical predictions on the dev text")


def _read_log_f1(log: Path) -> list[dict[str, float]]:
    """Token / sentence / MWT F1 of each dev evaluation, from the training log."""
    rx = re.compile(r"token F1 = ([\d.]+), sentence F1 = ([\d.]+), mwt F1 = ([\d.]+)")
    return [{"token_f1": float(a), "sentence_f1": float(b), "mwt_f1": float(c)}
            for a, b, c in rx.findall(log.read_text(encoding="utf-8"))]


def _read_curve(path: Path) -> list[tuple[float, float]]:
    if not path.exists():
        return []
    rows = []
    for ln in path.read_text().splitlines():
        if re.fullmatch(r"\d+\t[\d.]+", ln):
            s, v = ln.split("\t")
            rows.append((float(s), float(v)))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["prepare", "tokenizer", "mwt", "export", "all"])
    ap.add_argument("--train", nargs="+", default=[], help="UD CoNLL-U files to train on (their tails become dev)")
    ap.add_argument("--test", help="UD CoNLL-U test file, scored once after training")
    ap.add_argument("--dev-fraction", type=float, default=0.15)
    ap.add_argument("--work", type=Path, default=Path("/work/scratch/stanza"))
    ap.add_argument("--steps", type=int, default=8000)
    ap.add_argument("--eval-steps", type=int, default=200)
    ap.add_argument("--checkpoint-every", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", type=Path, default=Path("models/stanza-id"))
    ap.add_argument("--tokenizer-pt", help="export this tokenizer checkpoint instead of the best-dev one")
    ap.add_argument("--version", default="0.1.0")
    ap.add_argument("--log", help="the tokenizer training log, for per-step token/sentence F1 in meta.json")
    args = ap.parse_args(argv)
    args.work = args.work.resolve()
    args.out = args.out.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.step in ("prepare", "all"):
        if not args.train or not args.test:
            ap.error("prepare needs --train and --test")
        prepare(args)
    if args.step in ("mwt", "all"):
        train_mwt(args)
    if args.step in ("tokenizer", "all"):
        train_tokenizer(args)
    if args.step in ("export", "all"):
        export(args)


if __name__ == "__main__":
    main()
