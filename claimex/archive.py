"""Batch labelling of thesis archives (``claimex batch``): parallel, resumable, fault-tolerant.

Every stage runs in a pool of worker processes, one torch thread each: a worker reads,
cleans, segments and tags a chunk of documents, then classifies their sentences pooled in
one call (the Ray engine does the same per batch in its actors). Every finished document
is committed to a SQLite manifest (keyed by the SHA-256 of its bytes) with its claims, in
one transaction, so a run killed at any moment (``kill -9`` included) resumes where it
stopped, and documents already done are skipped on a re-run. The output file is written
from the manifest in the sorted order of the inputs, so a resumed run writes the same
output as an uninterrupted one.

Example:
    >>> summary = batch(["theses/"], out="claims.jsonl")      # doctest: +SKIP
    >>> summary.succeeded, summary.failed                     # doctest: +SKIP
    (198, 2)
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from claimex.errors import ClaimexError, DocumentReadError

OUTPUT_FORMATS = (".jsonl", ".csv", ".parquet")


@dataclass
class BatchSummary:
    """What a batch run did; ``failed`` documents are listed with reasons in ``errors_path``."""

    documents: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped_unchanged: int = 0
    sentences: int = 0
    claims: int = 0
    seconds: float = 0.0
    out: str = ""
    errors_path: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        rate = self.documents / self.seconds * 60 if self.seconds else 0.0
        return (f"{self.succeeded} succeeded, {self.failed} failed ({self.skipped_unchanged} unchanged, skipped); "
                f"{self.claims} claims from {self.sentences} sentences in {self.seconds:.1f} s "
                f"({rate:.1f} documents/min) → {self.out}")


# ---- manifest -----------------------------------------------------------------------------
class Manifest:
    """SQLite record of each document's state and claims, keyed by content hash."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS docs (
            sha256 TEXT PRIMARY KEY, name TEXT, state TEXT, sentences INTEGER, claims TEXT, error TEXT,
            options TEXT, updated REAL)""")

    def done(self, sha: str, options: str) -> bool:
        row = self.db.execute("SELECT state, options FROM docs WHERE sha256=?", (sha,)).fetchone()
        return bool(row) and row[0] == "done" and row[1] == options

    def record(self, sha: str, name: str, state: str, sentences: int = 0, claims: list | None = None,
               error: str = "", options: str = "") -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?)",
                        (sha, name, state, sentences, json.dumps(claims or [], ensure_ascii=False), error,
                         options, time.time()))
        self.db.execute("COMMIT")

    def claims(self, sha: str) -> tuple[int, list[dict]]:
        row = self.db.execute("SELECT sentences, claims FROM docs WHERE sha256=?", (sha,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (0, [])

    def close(self) -> None:
        self.db.close()


# ---- extraction in worker processes ---------------------------------------------------------
def _init_worker(max_mb: int | None) -> None:
    """Cap a worker process's memory growth at ``max_mb`` over what it inherited from its
    parent, and make it die with its parent (Linux)."""
    try:  # a parent killed with -9 would otherwise leave its workers running
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if max_mb:
        import resource

        limit = (_address_space_mb() + max_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _address_space_mb() -> int:
    """This process's virtual size in MB (a forked worker starts with its parent's, which may hold
    models and Ray already); 0 where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _timeout(signum, frame):  # noqa: ARG001
    raise TimeoutError


_WORKER_PIPELINES: dict[tuple, Any] = {}


def _worker_pipeline(segmenter: str, entities: bool, model: str = "rules", int8: bool = False) -> Any:
    """A pipeline built once per worker process, running torch on one thread: a thread per
    process wastes less than several threads per process when every core has a process."""
    key = (segmenter, entities, model, int8)
    if key not in _WORKER_PIPELINES:
        from claimex.pipeline import Pipeline

        try:
            import torch

            torch.set_num_threads(1)
        except ImportError:
            pass
        _WORKER_PIPELINES[key] = Pipeline(model=model, segmenter=segmenter, entities=entities, int8=int8)
    return _WORKER_PIPELINES[key]


def _read(nlp: Any, name: str, data: bytes, timeout_s: float, max_pages: int, sections: str) -> Any:
    """Read, clean, segment and tag one document under the time limit (runs in a worker);
    returns the Document, or the reason it failed as a string."""
    import signal
    import threading

    from claimex.ingest import read_bytes

    # The alarm works only in a main thread; Ray runs actors' code in other threads,
    # where Ray's own task limits apply instead.
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        signal.signal(signal.SIGALRM, _timeout)
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        doc = read_bytes(data, name)
        if len(doc.page_starts) > max_pages:
            return f"{len(doc.page_starts)} pages, more than the limit of {max_pages} (--max-pages)"
        nlp.prepare([doc], sections)
        return doc
    except TimeoutError:
        return f"reading took longer than {timeout_s:g} s (--timeout); the file may be huge or malformed"
    except MemoryError:
        return "reading needed more memory than the limit (--max-memory-mb)"
    except ClaimexError as exc:
        return getattr(exc, "reason", str(exc))
    except Exception as exc:  # one bad file must never stop an archive run
        return f"unexpected {exc.__class__.__name__}: {exc}"
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def label_chunk(nlp: Any, items: Sequence[tuple[str, bytes]], timeout_s: float, max_pages: int,
                sections: str) -> list[dict]:
    """Read and prepare each document of a chunk (each under its own time limit), then classify
    the chunk's sentences pooled in one call. Returns per document ``{"sentences", "claims"}``
    or ``{"error"}``."""
    import warnings

    results: list[dict] = []
    docs: list[tuple[int, Any]] = []
    for name, data in items:
        doc = _read(nlp, name, data, timeout_s, max_pages, sections)
        if isinstance(doc, str):
            results.append({"error": doc})
        else:
            docs.append((len(results), doc))
            results.append({})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            nlp.label([d for _, d in docs], sections=sections)
            labelled = docs
        except Exception:  # find the document that broke the pooled call; label the others
            labelled = []
            for k, d in docs:
                try:
                    nlp.label([d], sections=sections)
                    labelled.append((k, d))
                except Exception as exc:
                    results[k] = {"error": f"labelling failed: {exc.__class__.__name__}: {exc}"}
    for k, d in labelled:
        results[k] = {"sentences": sum(1 for s in d.sentences if not s.is_heading),
                      "claims": [c.to_dict() for c in nlp.claims(d)]}
    return results


def process_chunk(items: list[tuple[str, bytes]], timeout_s: float, max_pages: int, options: str) -> list[dict]:
    """:func:`label_chunk` in a pool worker, with that worker's pipeline for ``options``."""
    o = json.loads(options)
    nlp = _worker_pipeline(o["segmenter"], o["entities"], o["model"], bool(o.get("int8")))
    return label_chunk(nlp, items, timeout_s, max_pages, o["sections"])


# ---- the run --------------------------------------------------------------------------------
@dataclass
class _Item:
    name: str
    sha256: str
    data: bytes | None


def batch(paths: Sequence[str | Path], out: str | Path, sections: str = "closing", model: Any = "default",
          segmenter: Any = "auto", entities: bool = True, workers: int | None = None, force: bool = False,
          timeout_s: float = 120.0, max_memory_mb: int | None = 4096, max_mb: float = 200.0, max_pages: int = 3000,
          docs_per_batch: int = 16, engine: str = "local", address: str | None = None,
          progress: bool = False, int8: bool = False) -> BatchSummary:
    """Label every thesis under ``paths`` and write one table of claims to ``out``.

    ``out`` ends in ``.jsonl``, ``.csv`` or ``.parquet``. Beside it go the manifest
    (``OUT.manifest.sqlite``) and the error report (``OUT.errors.jsonl``). An existing
    output is resumed when its manifest is there; ``force`` starts afresh. ``int8`` runs the
    classifier with int8 linear layers: faster, and a few percent of labels differ from the
    default (``docs/benchmarks.md``).
    """
    from claimex.ingest import iter_sources

    start = time.perf_counter()
    out = Path(out)
    if out.suffix not in OUTPUT_FORMATS:
        raise ClaimexError(f"--out must end in {', '.join(OUTPUT_FORMATS)}, found {out.name!r}")
    if not isinstance(model, (str, Path)):
        raise ClaimexError(f"batch loads the model in each worker process, so it needs a name or a model folder, "
                           f"found a {type(model).__name__}; pass the folder the model was saved in")
    if str(model) not in ("default", "rules", "baseline"):
        from claimex import store

        store.resolve(model)  # a missing model fails here, before any worker starts
    if engine not in ("local", "ray"):
        raise ClaimexError(f"engine must be 'local' or 'ray', found {engine!r}")
    manifest_path = out.with_name(out.name + ".manifest.sqlite")
    errors_path = out.with_name(out.name + ".errors.jsonl")
    if out.exists() and not manifest_path.exists() and not force:
        raise ClaimexError(f"{out} exists and was not written by an unfinished claimex batch run; "
                           "use --force to overwrite it")
    if force:
        for p in (out, manifest_path, errors_path, Path(f"{manifest_path}-wal"), Path(f"{manifest_path}-shm")):
            p.unlink(missing_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    opts: dict[str, Any] = {"sections": sections, "model": str(model), "segmenter": str(segmenter),
                            "entities": entities}
    if int8:  # only then, so that manifests written before the option existed still match
        opts["int8"] = True
    options = json.dumps(opts)

    errors: list[tuple[str, str]] = []
    sources = list(iter_sources(list(paths), errors))
    manifest = Manifest(manifest_path)
    summary = BatchSummary(out=str(out), errors_path=str(errors_path))
    order: list[tuple[str, str]] = []  # (name, sha) of good inputs, in walk order
    todo: list[_Item] = []
    for s in sources:
        try:
            size = s.path.stat().st_size if s.member is None else None
            if size is not None and size > max_mb * 1e6:
                raise DocumentReadError(s.name, f"{size / 1e6:.0f} MB, larger than the limit of {max_mb:g} MB (--max-mb)")
            data = s.read_bytes()
            if len(data) > max_mb * 1e6:
                raise DocumentReadError(s.name, f"{len(data) / 1e6:.0f} MB, larger than the limit of {max_mb:g} MB")
        except (OSError, DocumentReadError, Exception) as exc:
            errors.append((s.name, getattr(exc, "reason", str(exc))))
            continue
        sha = hashlib.sha256(data).hexdigest()
        order.append((s.name, sha))
        if manifest.done(sha, options):
            summary.skipped_unchanged += 1
        else:
            todo.append(_Item(s.name, sha, data))

    runner = _run_ray if engine == "ray" else _run_local
    runner(todo, manifest, errors, options, sections=sections, model=model, segmenter=segmenter, entities=entities,
           workers=workers, timeout_s=timeout_s, max_memory_mb=max_memory_mb, max_pages=max_pages,
           docs_per_batch=docs_per_batch, address=address, progress=progress)

    failed_names = {n for n, _ in errors}
    rows: list[dict] = []
    for name, sha in order:
        if name in failed_names:
            continue
        n_sent, claims = manifest.claims(sha)
        summary.succeeded += 1
        summary.sentences += n_sent
        # the same bytes under two names are labelled once and reported under each name
        rows += [{**c, "source": name} for c in claims]
    summary.claims = len(rows)
    summary.failed = len(errors)
    summary.errors = errors
    summary.documents = summary.succeeded + summary.failed
    _write_rows(rows, out)
    with open(errors_path, "w", encoding="utf-8") as f:
        for name, reason in errors:
            f.write(json.dumps({"source": name, "reason": reason}, ensure_ascii=False) + "\n")
    manifest.close()
    summary.seconds = time.perf_counter() - start
    return summary


def _batches(items: list[_Item], n: int) -> Iterator[list[_Item]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def chunk_size(n_docs: int, workers: int, docs_per_batch: int = 16) -> int:
    """Documents per worker task: small enough that no worker idles long at the end (about 16 tasks
    per worker), at most ``docs_per_batch``."""
    return max(1, min(docs_per_batch, -(-n_docs // (16 * workers))))


def _run_local(todo: list[_Item], manifest: Manifest, errors: list, options: str, *, timeout_s, max_pages, workers,
               max_memory_mb, docs_per_batch, progress, **_) -> None:
    if not todo:
        return
    # Every stage runs in the pool: each worker reads a chunk of documents and classifies their
    # sentences pooled; this process records the results as they come, in order.
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    chunks = list(_batches(todo, chunk_size(len(todo), workers, docs_per_batch)))
    bar = _progress(progress, len(todo))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(max_memory_mb,)) as pool:
        pending = [(chunk, pool.submit(process_chunk, [(it.name, it.data) for it in chunk], timeout_s, max_pages,
                                       options)) for chunk in chunks]
        for it in todo:
            it.data = None
        for chunk, fut in pending:
            try:
                results = fut.result()
            except Exception as exc:  # a worker died (memory, a crash in a C library)
                results = [{"error": f"the worker process failed ({exc.__class__.__name__}: {exc})"}] * len(chunk)
            for it, res in zip(chunk, results):
                if "error" in res:
                    errors.append((it.name, res["error"]))
                    manifest.record(it.sha256, it.name, "failed", error=res["error"], options=options)
                else:
                    manifest.record(it.sha256, it.name, "done", res["sentences"], res["claims"], options=options)
            if bar:
                bar.update(len(chunk), sentences=sum(r.get("sentences", 0) for r in results))
    if bar:
        bar.close()


class _Bar:
    def __init__(self, total: int):
        from tqdm import tqdm

        self.t0 = time.perf_counter()
        self.sentences = 0
        self.bar = tqdm(total=total, unit="doc", desc="claimex batch", dynamic_ncols=True)

    def update(self, n: int, sentences: int) -> None:
        self.sentences += sentences
        dt = max(time.perf_counter() - self.t0, 1e-9)
        self.bar.set_postfix(sent_s=f"{self.sentences / dt:.0f}")
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


def _progress(on: bool, total: int) -> _Bar | None:
    return _Bar(total) if on else None


# ---- Ray ------------------------------------------------------------------------------------
class RayLabeler:
    """Ray Data callable class: loads the pipeline once per actor, labels a batch of documents."""

    def __init__(self, options: str, timeout_s: float, max_pages: int):
        o = json.loads(options)
        self.sections = o["sections"]
        self.timeout_s, self.max_pages = timeout_s, max_pages
        self.nlp = _worker_pipeline(o["segmenter"], o["entities"], o["model"], bool(o.get("int8")))

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        items = [(name, bytes(data)) for name, data in zip(batch["name"], batch["data"])]
        results = label_chunk(self.nlp, items, self.timeout_s, self.max_pages, self.sections)
        out: dict[str, list] = {"sha256": [], "name": [], "state": [], "sentences": [], "claims": [], "error": []}
        for name, sha, r in zip(batch["name"], batch["sha256"], results):
            row = (sha, name, "failed" if "error" in r else "done", r.get("sentences", 0),
                   json.dumps(r.get("claims", []), ensure_ascii=False), r.get("error", ""))
            for k, v in zip(out, row):
                out[k].append(v)
        return out


def _run_ray(todo: list[_Item], manifest: Manifest, errors: list, options: str, *, timeout_s, max_pages,
             docs_per_batch, address, workers, **_) -> None:
    if not todo:
        return
    try:
        import ray
    except ImportError:
        raise ClaimexError("the ray engine needs Ray: pip install 'claimex[ray]'") from None
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else (workers or os.cpu_count()),
                 include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    ds = ray.data.from_items([{"name": it.name, "sha256": it.sha256, "data": it.data} for it in todo])
    ds = ds.map_batches(RayLabeler, fn_constructor_args=(options, timeout_s, max_pages),
                        batch_size=docs_per_batch, concurrency=workers or 1, batch_format="numpy")
    for row in ds.iter_rows():
        claims = json.loads(row["claims"])
        if row["state"] == "failed":
            errors.append((row["name"], row["error"]))
        manifest.record(row["sha256"], row["name"], row["state"], int(row["sentences"]), claims,
                        row["error"], options=options)


# ---- output -----------------------------------------------------------------------------------
def _write_rows(rows: list[dict], out: Path) -> None:
    """Write atomically: a temporary file renamed over the target."""
    tmp = out.with_name(out.name + ".tmp")
    if out.suffix == ".jsonl":
        with open(tmp, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif out.suffix == ".csv":
        import csv

        from claimex.cli import CSV_FIELDS

        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({**r, "entities": "; ".join(f"{e['text']}/{e['type']}" for e in r["entities"])})
    else:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ClaimexError("parquet output needs pyarrow: pip install 'claimex[parquet]'") from None
        flat = [{**r, "scores": json.dumps(r["scores"]), "entities": json.dumps(r["entities"], ensure_ascii=False)}
                for r in rows]
        pq.write_table(pa.Table.from_pylist(flat), tmp)
    os.replace(tmp, out)
