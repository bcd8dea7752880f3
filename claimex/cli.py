"""The command line: a thin typer app over importable functions.

User errors print one line to stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from claimex.errors import ClaimexError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Extract findings, recommendations and limitations from Indonesian theses.")
annotations_app = typer.Typer(no_args_is_help=True, help="Check, summarise and convert annotation corpora.")
app.add_typer(annotations_app, name="annotations")

CSV_FIELDS = ["doc_id", "source", "page", "line", "section", "sentence_index", "start", "end", "label", "score",
              "addressee", "entities", "text"]


def fail(msg: str, code: int = 2) -> None:
    typer.echo(f"claimex: error: {msg}", err=True)
    raise typer.Exit(code)


def _claim_rows(claims) -> list[dict]:
    return [c.to_dict() for c in claims]


def write_claims(rows: list[dict], fmt: str, out) -> None:
    """Write claim dicts as jsonl, csv or a plain table."""
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "entities": "; ".join(f"{e['text']}/{e['type']}" for e in r["entities"])})
    else:
        for r in rows:
            where = f"p.{r['page']} l.{r['line']}" if r["page"] else f"l.{r['line']}"
            ents = ", ".join(sorted({e.get("canonical") or e["text"] for e in r["entities"]}))
            to = f" → {r['addressee']}" if r.get("addressee") else ""
            out.write(f"[{r['label']:<14} {r['score']:.2f}] {r['section']} ({where}){to}\n    {r['text']}\n")
            if ents:
                out.write(f"    entities: {ents}\n")


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help="Thesis files (.pdf .docx .md .txt), folders or .zip archives."),
    fmt: str = typer.Option("table", "--format", "-f", help="jsonl, csv or table."),
    all_sentences: bool = typer.Option(False, "--all-sentences", help="Every sentence and heading, not only claims."),
    model: str = typer.Option("default", "--model", "-m", help="'default', 'rules', or a model folder."),
    sections: str = typer.Option("all", "--sections", help="'all', or 'closing' for the closing chapter only."),
    segmenter: str = typer.Option("auto", "--segmenter", help="'auto', 'stanza' or 'rules'."),
    no_entities: bool = typer.Option(False, "--no-entities", help="Skip entity tagging."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Print the claims of one or more thesis files."""
    if fmt not in ("jsonl", "csv", "table"):
        fail(f"--format must be jsonl, csv or table, found {fmt!r}")
    try:
        from claimex.ingest import iter_sources, read_bytes
        from claimex.pipeline import Pipeline

        sources = list(iter_sources([str(f) for f in files]))
        if not sources:
            fail("no readable files found in " + ", ".join(map(str, files)))
        docs = [read_bytes(s.read_bytes(), s.name) for s in sources]
        nlp = Pipeline(model=model, segmenter=segmenter, entities=not no_entities)
        rows = [r for d in nlp.process(docs, sections=sections) for r in _claim_rows(nlp.claims(d, all_sentences))]
    except ClaimexError as exc:
        fail(str(exc))
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        write_claims(rows, fmt, out)
    finally:
        if output:
            out.close()


@app.command()
def batch(
    paths: List[Path] = typer.Argument(..., help="Folders, .zip archives or files of theses."),
    out: Path = typer.Option(..., "--out", "-o", help="claims.jsonl, claims.csv or claims.parquet"),
    sections: str = typer.Option("closing", "--sections", help="'closing' (the closing chapter) or 'all'."),
    model: str = typer.Option("default", "--model", "-m", help="'default', 'rules', or a model folder."),
    segmenter: str = typer.Option("auto", "--segmenter", help="'auto', 'stanza' or 'rules'."),
    engine: str = typer.Option("local", "--engine", help="'local' (process pool) or 'ray'."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (with --engine ray)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes (default: cores, at most 4)."),
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds allowed to read one document."),
    max_memory_mb: int = typer.Option(4096, "--max-memory-mb", help="Memory a worker process may add to what it starts with (MB)."),
    max_mb: float = typer.Option(200.0, "--max-mb", help="Skip files larger than this (MB)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output and start afresh."),
    no_entities: bool = typer.Option(False, "--no-entities", help="Skip entity tagging."),
    int8: bool = typer.Option(False, "--int8", help="int8 classifier: faster, a few percent of labels differ."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Label a whole thesis archive into one table; resumable, and bad files are logged and skipped.

    Exit status: 0 when every document succeeded, 1 when some failed (see OUT.errors.jsonl), 2 on usage errors.
    """
    from claimex.archive import batch as run

    try:
        summary = run(paths, out, sections=sections, model=model, segmenter=segmenter, entities=not no_entities,
                      workers=workers, force=force, timeout_s=timeout, max_memory_mb=max_memory_mb, max_mb=max_mb,
                      engine=engine, address=address, progress=not quiet, int8=int8)
    except ClaimexError as exc:
        fail(str(exc))
    typer.echo(summary.line())
    if summary.failed:
        typer.echo(f"{summary.failed} document(s) failed; reasons in {summary.errors_path}", err=True)
        raise typer.Exit(1)


@app.command()
def info() -> None:
    """Versions, and the models claimex can find."""
    import importlib.metadata as md

    import claimex

    typer.echo(f"claimex {claimex.__version__}  (python {sys.version.split()[0]})")
    for pkg in ("torch", "transformers", "peft", "stanza", "spacy", "pypdfium2", "python-docx"):
        try:
            typer.echo(f"  {pkg:<13} {md.version(pkg)}")
        except md.PackageNotFoundError:
            typer.echo(f"  {pkg:<13} not installed")
    try:
        from claimex import store

        models = store.list_models()
    except Exception as exc:  # store is optional while no model ships
        models = []
        typer.echo(f"  models: cannot list ({exc})")
    typer.echo("models:" if models else "models: none found (the rule baseline is used)")
    for m in models:
        typer.echo(f"  {m}")


@app.command()
def train(
    data: Path = typer.Argument(..., help="An annotated corpus folder (docs/*.jsonl, optional splits.json)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the new model (meta.json, weights, card)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Training settings, a .json or .toml file."),
    backbone: Optional[str] = typer.Option(None, "--backbone", help="'e5' (default) or a local Hugging Face folder."),
    context: Optional[str] = typer.Option(None, "--context", help="'none', 'section' or 'full'."),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Most epochs (early stopping on dev macro-F1)."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Sentences per step."),
    lr: Optional[float] = typer.Option(None, "--lr", help="Learning rate of the adapter."),
    train_layers: Optional[int] = typer.Option(None, "--train-layers", help="Adapt the top N layers (0 = all)."),
    max_length: Optional[int] = typer.Option(None, "--max-length", help="Most tokens per input."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed."),
    threads: Optional[int] = typer.Option(None, "--threads", help="CPU threads."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT when it already holds files."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or log lines."),
) -> None:
    """Fine-tune the sentence classifier on an annotated corpus and save a model folder.

    Settings come from the defaults, then --config, then the options given here.
    Example: claimex train data/annotations --out models/my-model --epochs 6
    """
    from claimex.classify.train import TrainConfig, read_config_file

    try:
        settings = read_config_file(config) if config else {}
        given = {"backbone": backbone, "context": context, "epochs": epochs, "batch_size": batch_size, "lr": lr,
                 "train_layers": train_layers, "max_length": max_length, "seed": seed, "threads": threads}
        settings.update({k: v for k, v in given.items() if v is not None})
        settings.update(data=str(data), out=str(out), progress=not quiet)
        cfg = TrainConfig.from_dict(settings)
        if not data.is_dir():
            fail(f"{data}: expected an annotated corpus folder (docs/*.jsonl), found "
                 + ("a file" if data.exists() else "nothing"))
        if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
            fail(f"{out} exists and is not empty; choose another --out or pass --force to overwrite it")
        from claimex.classify.train import train as run

        folder = run(cfg)
    except ClaimexError as exc:
        fail(str(exc))
    typer.echo(f"saved {folder}; use it with: claimex extract --model {folder} FILE")


@app.command()
def evaluate(
    model: str = typer.Argument(..., help="'default', 'rules', a model name or a model folder."),
    data: Path = typer.Argument(..., help="An annotated corpus folder (or one .jsonl document)."),
    split: str = typer.Option("test", "--split", "-s", help="'train', 'dev', 'test' or 'all'."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write report.json, report.md, confusion.png here."),
    abstain: Optional[float] = typer.Option(None, "--abstain", help="Abstain threshold (default: the model's own)."),
) -> None:
    """Score a classifier on annotated sentences: per-label P/R/F1, macro-F1, confusion matrix, ECE.

    Example: claimex evaluate models/claimex-sentence-e5 data/annotations --split test --out reports/e5
    """
    if split not in ("train", "dev", "test", "all"):
        fail(f"--split must be train, dev, test or all, found {split!r}")
    if not data.exists():
        fail(f"{data}: no such corpus folder or file")
    try:
        from claimex.classify.evaluate import evaluate_path, format_report

        report = evaluate_path(model, data, split=None if split == "all" else split, out=out)
    except ClaimexError as exc:
        fail(str(exc))
    if split != "all" and report["split"] == "all":
        typer.echo(f"note: {data} has no splits.json; scored every document", err=True)
    typer.echo(format_report(report), nl=False)
    if out is not None:
        typer.echo(f"report written to {out}")


@annotations_app.command("validate")
def annotations_validate(path: Path = typer.Argument(..., help="A corpus folder or one .jsonl file.")) -> None:
    """Check annotation files; prints file:line, the bad value and the allowed ones."""
    from claimex.annotations.corpus import validate

    problems = validate(path)
    for p in problems:
        typer.echo(p)
    if problems:
        fail(f"{len(problems)} problem(s) in {path}", code=1)
    typer.echo(f"{path}: valid")


@annotations_app.command("stats")
def annotations_stats(path: Path = typer.Argument(..., help="A corpus folder.")) -> None:
    """Documents, sentences, labels, disciplines and entities per split, and the cue-word check."""
    from claimex.annotations.stats import corpus_stats, cue_check, format_stats

    try:
        typer.echo(format_stats(corpus_stats(path)))
        for label, c in cue_check(path).items():
            typer.echo(f"cue-word check: {c['without_cues']:.1%} of {c['sentences']} {label} sentences lack {c['cues']!r}")
    except ClaimexError as exc:
        fail(str(exc))


@annotations_app.command("agreement")
def annotations_agreement(
    path: Path = typer.Argument(..., help="A corpus folder."),
    second: Path = typer.Argument(..., help="TSV of second labels: doc_id, unit, label."),
) -> None:
    """Cohen's kappa (overall and per label) of a second, independent labelling of a sample."""
    from claimex.annotations.agreement import agreement

    try:
        r = agreement(path, second)
    except ClaimexError as exc:
        fail(str(exc))
    typer.echo(f"{r['sentences']} sentences in {r['documents']} documents: agreement {r['observed_agreement']:.1%}, "
               f"kappa {r['kappa']:.3f}")
    typer.echo("kappa per label: " + ", ".join(f"{k} {v:.3f}" for k, v in r["kappa_per_label"].items()))
    for d in r["disagreements"]:
        typer.echo(f"  {d['doc_id']}#{d['unit']}: {d['first']} / {d['second']}: {d['text'][:90]}")


@annotations_app.command("import")
def annotations_import(
    tool: str = typer.Argument(..., help="label-studio, doccano or prodigy."),
    export: Path = typer.Argument(..., help="The tool's export file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the claimex .jsonl documents."),
) -> None:
    """Convert an annotation tool's export into claimex documents."""
    from claimex.annotations.convert import read_export

    try:
        docs = read_export(export, tool)
    except ClaimexError as exc:
        fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    for d in docs:
        (out / f"{d.doc_id}.jsonl").write_text(d.to_jsonl(), encoding="utf-8")
    typer.echo(f"wrote {len(docs)} document(s) to {out}")


@annotations_app.command("export")
def annotations_export(
    path: Path = typer.Argument(..., help="A claimex corpus folder or .jsonl file."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file."),
    tool: str = typer.Option("label-studio", "--tool", help="label-studio, doccano or prodigy."),
    model: Optional[str] = typer.Option(None, "--model", "-m",
                                        help="Add this model's labels as pre-annotations (Label Studio)."),
) -> None:
    """Export documents for an annotation tool, optionally with model predictions."""
    from claimex.annotations import convert
    from claimex.annotations.corpus import load_corpus

    try:
        docs = load_corpus(path)
        if tool == "label-studio":
            from claimex.classify import load_classifier

            data = convert.to_label_studio(docs, classifier=load_classifier(model) if model else None)
            out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        elif tool in ("doccano", "prodigy"):
            rows = convert.to_doccano(docs) if tool == "doccano" else convert.to_prodigy(docs)
            out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        else:
            fail(f"--tool must be label-studio, doccano or prodigy, found {tool!r}")
    except ClaimexError as exc:
        fail(str(exc))
    typer.echo(f"wrote {len(docs)} document(s) to {out}")


@annotations_app.command("split")
def annotations_split(
    path: Path = typer.Argument(..., help="A corpus folder."),
    dev: float = typer.Option(0.15, help="Share of documents for dev."),
    test: float = typer.Option(0.15, help="Share of documents for test."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing splits.json."),
) -> None:
    """Write splits.json: train/dev/test by document, stratified by discipline."""
    from claimex.annotations.corpus import load_corpus
    from claimex.annotations.splits import make_splits

    target = path / "splits.json"
    if target.exists() and not force:
        fail(f"{target} exists; the splits are fixed once made (use --force to rewrite them)")
    if target.exists():
        target.unlink()
    try:
        splits = make_splits(load_corpus(path), dev=dev, test=test)
    except ClaimexError as exc:
        fail(str(exc))
    target.write_text(json.dumps(splits, indent=1) + "\n", encoding="utf-8")
    typer.echo(", ".join(f"{k} {len(v)}" for k, v in splits.items()) + f" documents → {target}")


@annotations_app.command("dupcheck")
def annotations_dupcheck(
    path: Path = typer.Argument(..., help="A corpus folder with splits.json."),
    threshold: float = typer.Option(0.8, help="Cosine similarity of character 3-5-gram TF-IDF vectors."),
) -> None:
    """Report dev/test sentences that nearly duplicate a train sentence; exit 1 when any do."""
    from claimex.annotations.corpus import load_corpus
    from claimex.annotations.splits import max_similarity, near_duplicates

    try:
        train = [u.text for d in load_corpus(path, "train") for u in d.sentences]
        found = 0
        for split in ("dev", "test"):
            other = [u.text for d in load_corpus(path, split) for u in d.sentences]
            pairs = near_duplicates(train, other, threshold)
            sims = sorted(max_similarity(train, other))
            typer.echo(f"{split}: {len(other)} sentences, max similarity to train {sims[-1]:.3f}, "
                       f"99th percentile {sims[int(0.99 * (len(sims) - 1))]:.3f}, {len(pairs)} at >= {threshold}")
            for i, j, v in pairs[:20]:
                typer.echo(f"  {v:.3f}  {other[i][:70]!r} ~ {train[j][:70]!r}")
            found += len(pairs)
    except ClaimexError as exc:
        fail(str(exc))
    if found:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``claimex`` command."""
    try:
        app()
    except ClaimexError as exc:  # raised outside a command's own handling
        typer.echo(f"claimex: error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
