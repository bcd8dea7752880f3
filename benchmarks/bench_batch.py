"""Archive benchmark: ``claimex batch`` against a plain loop calling ``claimex.extract()`` per file.

The archive is generated from the project's own annotated corpus: each thesis PDF holds a
page or two of a results chapter (sentences of another document under "BAB IV HASIL DAN
PEMBAHASAN") followed by a closing chapter rendered with PDF-style noise
(``claimex.annotations.noise``), one PDF page per rendered page. About 5% bad files are
mixed in: corrupt, truncated, encrypted, empty, image-only, HTML saved as .pdf, a binary
file named .txt, and a file over the size limit.

Both runs use the same model, segmenter and options (closing chapter only) and run in
fresh processes, one after the other, so their peak memory (the process and its children)
is measured separately.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--docs 200] [--model default] [--write-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "batch.json"
MAX_MB = 3.0  # the size limit used by both runs; the "huge" file exceeds it


# ---- the archive ------------------------------------------------------------------------------
def _pdf(pages: list[str]) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in pages:
        y = 800
        for line in page.splitlines():
            if y < 40:
                c.showPage()
                y = 800
            c.drawString(40, y, line)
            y -= 14
        c.showPage()
    c.save()
    return buf.getvalue()


def _wrap(text: str, width: int = 88) -> str:
    out, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(out + [line])


def _bad_files(good_pdf: bytes) -> dict[str, bytes]:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    w = PdfWriter()
    for p in PdfReader(io.BytesIO(good_pdf)).pages:
        w.add_page(p)
    w.encrypt(user_password="rahasia", owner_password="pemilik")
    enc = io.BytesIO()
    w.write(enc)
    img = io.BytesIO()
    c = canvas.Canvas(img)
    c.rect(60, 60, 300, 400, fill=1)
    c.showPage()
    c.save()
    rng = random.Random(7)
    return {
        "rusak/acak.pdf": b"%PDF-1.5\n" + bytes(rng.randrange(256) for _ in range(4000)),
        "rusak/terpotong.pdf": good_pdf[: len(good_pdf) // 3],
        "rusak/terkunci.pdf": enc.getvalue(),
        "rusak/kosong.pdf": b"",
        "rusak/pindaian.pdf": img.getvalue(),
        "rusak/halaman_web.pdf": b"<html><body>Maaf, berkas tidak ditemukan</body></html>",
        "rusak/biner.txt": bytes(rng.randrange(256) for _ in range(3000)),
        "rusak/raksasa.pdf": good_pdf + b"%" + b"0" * int((MAX_MB + 1) * 1024 * 1024),
        "rusak/nol_byte_lagi.pdf": b"",
        "rusak/bukan_pdf.pdf": b"PK\x03\x04 this is a zip, not a pdf",
        "rusak/terpotong2.pdf": good_pdf[:200],
    }


def build_archive(root: Path, n_docs: int) -> tuple[list[str], list[str]]:
    """Write ``n_docs`` thesis PDFs and the bad files; returns (good names, bad names)."""
    from claimex.annotations.corpus import load_corpus
    from claimex.annotations.noise import render_noisy

    docs = load_corpus(ROOT / "data" / "annotations")
    good = []
    for i in range(n_docs):
        doc, filler = docs[i % len(docs)], docs[(i * 7 + 3) % len(docs)]
        text, _ = render_noisy(doc, seed=1000 + i, style="pdf")
        results = " ".join(u.text for u in filler.sentences[: 10 + i % 15])
        pages = [f"BAB IV\nHASIL DAN PEMBAHASAN\n4.1 Gambaran Umum\n{_wrap(results)}"] + text.split("\f")
        name = f"{2015 + i % 9}/{doc.meta.get('discipline', 'lain')}/skripsi_{i:04d}.pdf"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(_pdf(pages))
        good.append(name)
    bad = _bad_files((root / good[0]).read_bytes())
    for name, data in bad.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return good, sorted(bad)


# ---- the two runs (each in its own process) ----------------------------------------------------
def run_loop(root: Path, out: Path, model: str) -> dict:
    """The obvious alternative: one ``claimex.extract()`` call per file, errors caught."""
    import claimex
    from claimex.errors import ClaimexError

    files = sorted(p for p in root.rglob("*") if p.is_file())
    t = time.perf_counter()
    ok, failed, claims = [], [], 0
    with open(out, "w", encoding="utf-8") as f:
        for p in files:
            try:
                if p.stat().st_size > MAX_MB * 1024 * 1024:
                    raise ClaimexError(f"{p}: larger than {MAX_MB} MB")
                cs = claimex.extract(p, model=model, sections="closing")
            except (ClaimexError, UnicodeDecodeError, ValueError) as exc:
                failed.append(str(p.relative_to(root)))
                print(f"skip {p.name}: {exc}", file=sys.stderr)
                continue
            ok.append(str(p.relative_to(root)))
            claims += len(cs)
            for c in cs:
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    return {"seconds": time.perf_counter() - t, "succeeded": len(ok), "failed": failed, "claims": claims}


def run_batch(root: Path, out: Path, model: str, int8: bool = False) -> dict:
    import claimex

    t = time.perf_counter()
    s = claimex.batch([root], out=out, model=model, sections="closing", max_mb=MAX_MB, force=True, int8=int8)
    errors = [os.path.relpath(json.loads(line)["source"], root) for line in open(f"{out}.errors.jsonl", encoding="utf-8")]
    claims = sum(1 for _ in open(out, encoding="utf-8"))
    rows = [json.loads(line) for line in open(out, encoding="utf-8")]
    return {"seconds": time.perf_counter() - t, "succeeded": s.succeeded, "failed": errors, "claims": claims,
            "sources": sorted({r["source"] for r in rows}),
            "labels": {f"{r['source']}|{r['start']}": r["label"] for r in rows}}


def run_stages(root: Path, model: str, threads: int, chunk: int, n: int) -> dict:
    """Seconds per document in the stages before the classifier (read, clean, Stanza, entities)
    and in the classifier, on ``threads`` torch threads, classifying ``chunk`` documents per call."""
    import torch

    from claimex.ingest import read_bytes
    from claimex.pipeline import Pipeline

    torch.set_num_threads(threads)
    files = sorted(p for p in root.rglob("*.pdf") if "rusak" not in p.parts)[:n]
    nlp = Pipeline(model=model)
    warm = nlp.prepare([read_bytes(files[0].read_bytes(), files[0].name)], "closing")
    nlp.label(warm, "closing")
    prepare = classify = 0.0
    for i in range(0, len(files), chunk):
        t = time.perf_counter()
        docs = nlp.prepare([read_bytes(f.read_bytes(), f.name) for f in files[i:i + chunk]], "closing")
        t2 = time.perf_counter()
        nlp.classify(docs)
        prepare, classify = prepare + t2 - t, classify + time.perf_counter() - t2
    return {"threads": threads, "chunk": chunk, "docs": len(files),
            "prepare_s": prepare / len(files), "classify_s": classify / len(files)}


def child(mode: str, root: Path, out: Path, model: str) -> None:
    if mode.startswith("stages"):
        _, threads, chunk, n = mode.split(":")
        print("RESULT " + json.dumps(run_stages(root, model, int(threads), int(chunk), int(n))))
        return
    r = run_loop(root, out, model) if mode == "loop" else run_batch(root, out, model, int8=mode == "batch-int8")
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r["peak_rss_mb"] = {"main": round(self_kb / 1024), "largest_child": round(kids_kb / 1024)}
    print("RESULT " + json.dumps(r, ensure_ascii=False))


def measure(mode: str, root: Path, out: Path, model: str) -> dict:
    load = os.getloadavg()[0]
    p = subprocess.run([sys.executable, __file__, "--child", mode, "--root", str(root), "--out", str(out),
                        "--model", model], capture_output=True, text=True, cwd=ROOT)
    line = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")]
    if p.returncode or not line:
        sys.exit(f"{mode} run failed:\n{p.stderr[-3000:]}")
    return {**json.loads(line[-1][7:]), "load_at_start": round(load, 1)}


# ---- report ------------------------------------------------------------------------------------
def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def write_docs(res: dict) -> None:
    loop, bat = res["loop"], res["batch"]
    rows = [
        "<!-- BEGIN batch -->",
        "## Archive runs (`claimex batch`)",
        "",
        f"`benchmarks/bench_batch.py` on {res['date']} ({res['machine']}): a generated archive of "
        f"{res['good']} thesis PDFs built from the project's annotated corpus (a results chapter page, then a "
        f"closing chapter with PDF noise) plus {res['bad']} bad files ({res['bad'] / (res['good'] + res['bad']):.1%}: "
        "corrupt, truncated, encrypted, empty, image-only, HTML as .pdf, binary .txt, over the size limit). "
        f"Model `{res['model']}`, closing chapter only, both runs in fresh processes.",
        "",
        "| run | seconds | documents / min | claims | succeeded | failed | peak RSS main | peak RSS largest child |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    runs = [("loop of `claimex.extract()`", loop), ("`claimex batch` (2 worker processes)", bat)]
    if "batch_int8" in res:
        runs.append(("`claimex batch --int8` (optional)", res["batch_int8"]))
    for name, r in runs:
        total = r["succeeded"] + len(r["failed"])
        rows.append(f"| {name} | {r['seconds']:.1f} | {60 * total / r['seconds']:.1f} | {r['claims']} | "
                    f"{r['succeeded']} | {len(r['failed'])} | {r['peak_rss_mb']['main']} MB | "
                    f"{r['peak_rss_mb']['largest_child']} MB |")
    rows += [
        "",
        f"**Speed-up: {res['speedup']:.2f}×** documents per minute (target ≥ 1.8× on 2 cores). "
        f"Every bad file is in the error report: **{yes(res['all_bad_reported'])}**; every good file is in the "
        f"output: **{yes(res['all_good_in_output'])}**; the same claims as the loop: **{yes(res['same_claim_count'])}**."
        + (f" With `--int8` (int8 linear layers in the classifier; not the default): **{res['speedup_int8']:.2f}×** "
           f"the loop, {res['int8_same_claims']:.1%} of claims the same (same sentence, same label) as the default run."
           if "batch_int8" in res else ""),
        "",
        "Where the time goes: the loop reads, cleans and labels one file at a time, running the classifier "
        "(most of the work) on torch's threads across both cores and the other stages on one core. `claimex batch` "
        "runs every stage in worker processes, one per core with one torch thread each: a worker reads, cleans, "
        "segments and tags a chunk of documents, then classifies their sentences pooled in one call; the main "
        "process records the results. A thread per process wastes less than two threads in one process, and no "
        "stage leaves a core idle. Load average when the runs started: "
        f"loop {loop.get('load_at_start', '?')}, batch {bat.get('load_at_start', '?')}. History: with the classifier "
        "in the main process on two threads and only reading in the pool, batch measured 1.75× with other jobs on "
        "the machine (load 3-5) and 1.40× and 1.18× on an idle one; with every stage in the workers but a second "
        "pipeline per worker for reading (Stanza and the entity stage loaded twice), 1.49× and 1.50×; the design of this "
        "run measured 1.62× the first time (2026-12-02; loop 328.5 s, batch 202.6 s): on this virtual machine one "
        "run differs from the next by 10% or more. "
        "Resuming after an interruption skips documents already done (tested in `tests/test_batch.py`).",
    ]
    if "stages" in res:
        names = {(2, 1): "the loop's way: torch on 2 threads, one document per classifier call",
                 (1, 1): "one thread, one document per call",
                 (1, 0): "a worker's way: one thread, one chunk per classifier call"}
        rows += ["", f"**Where a document's time goes** (the first {res['stages'][0]['docs']} thesis PDFs, each row a "
                 "fresh process; seconds per document; `prepare` = read, clean, Stanza, entities, on one core in "
                 "every row):", "",
                 "| how | prepare | classify | total |", "|---|---:|---:|---:|"]
        for r in res["stages"]:
            key = (r["threads"], 1 if r["chunk"] == 1 else 0)
            label = names[key] + (f" of {r['chunk']} documents" if key == (1, 0) else "")
            rows.append(f"| {label} | {r['prepare_s']:.3f} | {r['classify_s']:.3f} | "
                        f"{r['prepare_s'] + r['classify_s']:.3f} |")
        rows += ["", f"With every core running a worker's way and nothing else (no start-up, no slowdown of two "
                 f"processes side by side), batch would reach **{res['stage_bound']:.2f}×** the loop: the upper "
                 "bound on this machine for output identical to `extract()`. The loop already runs its largest "
                 "stage, the classifier, on both cores; what batch adds is running the one-core stages in "
                 "parallel and pooling the classifier's input across documents (less padding). A cheaper "
                 "classifier in both would move the bound little. `--int8` beats it because batch then runs a cheaper "
                 "classifier than the loop it is compared with, which changes some labels."]
    rows.append("<!-- END batch -->")
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8")
    a, b = text.index("<!-- BEGIN batch -->"), text.index("<!-- END batch -->") + len("<!-- END batch -->")
    doc.write_text(text[:a] + "\n".join(rows) + text[b:], encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--model", default="default")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--int8", action="store_true", help="also time `claimex batch --int8`")
    ap.add_argument("--stages", type=int, default=40, metavar="N",
                    help="also time the stages on N documents: the loop's way and a worker's (0: skip)")
    ap.add_argument("--child")
    ap.add_argument("--root", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.root, args.out, args.model)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "arsip"
        good, bad = build_archive(root, args.docs)
        print(f"archive: {len(good)} thesis PDFs, {len(bad)} bad files", file=sys.stderr)
        loop = measure("loop", root, Path(tmp) / "loop.jsonl", args.model)
        bat = measure("batch", root, Path(tmp) / "claims.jsonl", args.model)
        q8 = measure("batch-int8", root, Path(tmp) / "claims-int8.jsonl", args.model) if args.int8 else None
        from claimex.archive import chunk_size

        chunk = chunk_size(len(good) + len(bad), workers=2)  # what claimex.batch picks on 2 cores
        stages = [measure(f"stages:{t}:{c}:{args.stages}", root, Path(tmp) / "unused", args.model)
                  for t, c in ((2, 1), (1, 1), (1, chunk))] if args.stages else []
    res = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "model": args.model, "good": len(good), "bad": len(bad), "loop": loop,
        "batch": {k: v for k, v in bat.items() if k not in ("sources", "labels")},
        "speedup": loop["seconds"] / bat["seconds"],
        "all_bad_reported": sorted(bat["failed"]) == sorted(bad),
        "all_good_in_output": all(any(s.endswith(g) for s in bat["sources"]) for g in good),
        "same_claim_count": loop["claims"] == bat["claims"],
    }
    if stages:
        loop_way, _, worker_way = stages
        res["stages"] = stages
        # both cores busy with the worker's per-document work, no start-up, no slowdown side by side
        res["stage_bound"] = (loop_way["prepare_s"] + loop_way["classify_s"]) / (
            (worker_way["prepare_s"] + worker_way["classify_s"]) / 2)
    if q8:
        keys = set(bat["labels"]) | set(q8["labels"])
        res["batch_int8"] = {k: v for k, v in q8.items() if k not in ("sources", "labels")}
        res["speedup_int8"] = loop["seconds"] / q8["seconds"]
        res["int8_same_claims"] = sum(bat["labels"].get(k) == q8["labels"].get(k) for k in keys) / max(1, len(keys))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: res[k] for k in ("speedup", "all_bad_reported", "all_good_in_output", "same_claim_count")}))
    print(f"loop {loop['seconds']:.1f}s  batch {bat['seconds']:.1f}s  bad reported: {bat['failed']}")
    if args.write_docs:
        write_docs(res)


if __name__ == "__main__":
    main()
