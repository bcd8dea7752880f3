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


def main() -> None:
    """Entry point of the ``claimex`` command."""
    try:
        app()
    except ClaimexError as exc:  # raised outside a command's own handling
        typer.echo(f"claimex: error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
