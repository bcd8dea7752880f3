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
    """Documents, sentences, labels, disciplines and entities per split."""
    from claimex.annotations.stats import format_stats, corpus_stats

    try:
        typer.echo(format_stats(corpus_stats(path)))
    except ClaimexError as exc:
        fail(str(exc))


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
