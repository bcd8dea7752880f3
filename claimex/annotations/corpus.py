"""Read, check and render the claimex annotation format (JSONL, one file per document).

A document file ``<doc_id>.jsonl`` holds a header line and then one line per unit, in
reading order::

    {"schema": "claimex-annotations/1", "doc_id": "hk-01", "discipline": "hukum",
     "level": "skripsi", "title": "..."}
    {"kind": "heading", "level": 1, "text": "BAB V PENUTUP", "label": "other", "para": 1}
    {"kind": "sentence", "text": "...", "label": "finding", "para": 3, "marker": "1.",
     "entities": [{"start": 0, "end": 5, "type": "ORG"}], "label_secondary": "limitation"}

Sentences with the same ``para`` form one paragraph; ``marker`` opens a list item.
Section paths are derived from the headings before a unit.

Example:
    >>> docs = load_corpus("data/annotations")          # doctest: +SKIP
    >>> docs[0].units[5].section                        # doctest: +SKIP
    ('BAB V PENUTUP', '5.2 Saran', '1. Bagi Pemerintah')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from claimex.doc import LABELS
from claimex.errors import AnnotationError

SCHEMA = "claimex-annotations/1"
KINDS = ("heading", "sentence")
ENTITY_TYPES = ("ORG", "GPE", "LAW")
LEVELS = ("skripsi", "tesis", "disertasi")
SPLITS = ("train", "dev", "test")


@dataclass
class Unit:
    """One labelled unit (sentence or heading) with its derived section path."""

    kind: str
    text: str
    label: str
    para: int
    section: tuple[str, ...] = ()
    level: int | None = None
    marker: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    label_secondary: str | None = None
    line: int = 0  # line in the JSONL file

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.level is not None:
            d["level"] = self.level
        d.update(text=self.text, label=self.label, para=self.para)
        if self.marker:
            d["marker"] = self.marker
        if self.entities:
            d["entities"] = [{k: e[k] for k in ("start", "end", "type")} for e in self.entities]
        if self.label_secondary:
            d["label_secondary"] = self.label_secondary
        return d


@dataclass
class AnnotatedDoc:
    """A whole annotated document: header fields in ``meta`` and its units in order."""

    doc_id: str
    meta: dict[str, Any]
    units: list[Unit]
    path: Path | None = None

    @property
    def sentences(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "sentence"]

    def render(self) -> tuple[str, list[tuple[int, int]]]:
        """The gold clean text (headings on their own lines, paragraphs as lines, blank
        lines between blocks) and each unit's ``(start, end)`` in it."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        prev_para: int | None = None
        for u in self.units:
            if prev_para is not None:
                sep = " " if (u.kind == "sentence" and u.para == prev_para) else "\n\n"
                parts.append(sep)
                pos += len(sep)
            text = f"{u.marker} {u.text}" if u.marker else u.text
            start = pos + (len(u.marker) + 1 if u.marker else 0)
            parts.append(text)
            pos += len(text)
            spans.append((start, pos))
            prev_para = u.para
        return "".join(parts) + "\n", spans

    def to_jsonl(self) -> str:
        header = {"schema": SCHEMA, "doc_id": self.doc_id, **{k: v for k, v in self.meta.items() if k not in ("schema", "doc_id")}}
        lines = [json.dumps(header, ensure_ascii=False)]
        lines += [json.dumps(u.to_json(), ensure_ascii=False) for u in self.units]
        return "\n".join(lines) + "\n"


def _check_unit(d: Any, where: str) -> list[str]:
    if not isinstance(d, dict):
        return [f"{where}: expected a JSON object, found {type(d).__name__}"]
    errs = []
    kind = d.get("kind")
    if kind not in KINDS:
        errs.append(f"{where}: kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    text = d.get("text")
    if not isinstance(text, str) or not text.strip():
        errs.append(f"{where}: text must be a non-empty string, found {text!r}")
        text = ""
    if d.get("label") not in LABELS:
        errs.append(f"{where}: label {d.get('label')!r} is not allowed; allowed: {', '.join(LABELS)}")
    if "label_secondary" in d and d["label_secondary"] not in LABELS:
        errs.append(f"{where}: label_secondary {d['label_secondary']!r} is not allowed; allowed: {', '.join(LABELS)}")
    if kind == "heading" and d.get("label") not in (None, "other"):
        errs.append(f"{where}: a heading is labelled 'other', found {d.get('label')!r}")
    if kind == "heading" and d.get("level") not in (1, 2, 3, 4):
        errs.append(f"{where}: a heading needs level 1-4, found {d.get('level')!r}")
    if not isinstance(d.get("para"), int):
        errs.append(f"{where}: para must be an integer, found {d.get('para')!r}")
    for j, e in enumerate(d.get("entities", []) or []):
        if not isinstance(e, dict):
            errs.append(f"{where}: entity {j} must be an object")
            continue
        if e.get("type") not in ENTITY_TYPES:
            errs.append(f"{where}: entity {j} type {e.get('type')!r} is not allowed; allowed: {', '.join(ENTITY_TYPES)}")
        s, t = e.get("start"), e.get("end")
        if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)):
            errs.append(f"{where}: entity {j} span {s!r}..{t!r} is outside the text (length {len(text)})")
        elif text[s:t] != text[s:t].strip():
            errs.append(f"{where}: entity {j} span {text[s:t]!r} starts or ends with a space")
    return errs


def read_document(path: str | Path) -> tuple[AnnotatedDoc | None, list[str]]:
    """Read one document file; returns the document (None if unusable) and every problem."""
    path = Path(path)
    errs: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1: cannot read as UTF-8 text ({exc})"]
    if not lines:
        return None, [f"{path}:1: empty file; expected a header line and units"]
    meta: dict[str, Any] = {}
    units: list[Unit] = []
    path_stack: list[tuple[int, str]] = []
    for no, line in enumerate(lines, 1):
        where = f"{path}:{no}"
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            errs.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        if no == 1:
            if not isinstance(d, dict) or d.get("schema") != SCHEMA:
                errs.append(f"{where}: expected a header with \"schema\": \"{SCHEMA}\", found {str(d)[:60]!r}")
                return None, errs
            for key in ("doc_id", "discipline", "level"):
                if not d.get(key):
                    errs.append(f"{where}: header lacks {key!r}")
            if d.get("level") and d["level"] not in LEVELS:
                errs.append(f"{where}: level {d['level']!r} is not allowed; allowed: {', '.join(LEVELS)}")
            meta = d
            continue
        unit_errs = _check_unit(d, where)
        errs += unit_errs
        if unit_errs:
            continue
        if d["kind"] == "heading":
            while path_stack and path_stack[-1][0] >= d["level"]:
                path_stack.pop()
            path_stack.append((d["level"], d["text"]))
        u = Unit(
            kind=d["kind"], text=d["text"], label=d["label"], para=d["para"],
            section=tuple(t for _, t in path_stack), level=d.get("level"), marker=d.get("marker"),
            entities=[{**e, "text": d["text"][e["start"]:e["end"]]} for e in d.get("entities", []) or []],
            label_secondary=d.get("label_secondary"), line=no,
        )
        units.append(u)
    if meta and meta.get("doc_id") and path.stem != meta["doc_id"]:
        errs.append(f"{path}:1: doc_id {meta['doc_id']!r} differs from the file name {path.stem!r}")
    if not meta:
        return None, errs
    return AnnotatedDoc(doc_id=meta.get("doc_id", path.stem), meta=meta, units=units, path=path), errs


def iter_files(path: str | Path) -> Iterator[Path]:
    """The document files under a corpus folder (``docs/*.jsonl``), or the file itself."""
    path = Path(path)
    if path.is_file():
        yield path
        return
    root = path / "docs" if (path / "docs").is_dir() else path
    yield from sorted(root.glob("*.jsonl"))


def validate(path: str | Path) -> list[str]:
    """Every problem in a corpus folder or file, as ``file:line: message``; [] when valid."""
    problems: list[str] = []
    ids: dict[str, Path] = {}
    files = list(iter_files(path))
    if not files:
        return [f"{path}: no annotation files found (expected *.jsonl, or a docs/ folder of them)"]
    for f in files:
        doc, errs = read_document(f)
        problems += errs
        if doc:
            if doc.doc_id in ids:
                problems.append(f"{f}:1: doc_id {doc.doc_id!r} also used by {ids[doc.doc_id]}")
            ids[doc.doc_id] = f
    splits = Path(path) / "splits.json"
    if splits.is_file():
        problems += _check_splits(splits, set(ids))
    return problems


def _check_splits(path: Path, ids: set[str]) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{path}:{exc.lineno}: not valid JSON ({exc.msg})"]
    problems = []
    seen: dict[str, str] = {}
    for split, docs in data.items():
        if split not in SPLITS:
            problems.append(f"{path}:1: split {split!r} is not allowed; allowed: {', '.join(SPLITS)}")
            continue
        for d in docs:
            if d not in ids:
                problems.append(f"{path}:1: {split} lists {d!r}, which has no document file")
            if d in seen:
                problems.append(f"{path}:1: {d!r} is in both {seen[d]} and {split}")
            seen[d] = split
    for d in sorted(ids - set(seen)):
        problems.append(f"{path}:1: document {d!r} is in no split")
    return problems


def load_corpus(path: str | Path, split: str | None = None) -> list[AnnotatedDoc]:
    """Load every document under ``path`` (optionally one split); raises
    :class:`AnnotationError` listing every problem when the corpus is invalid."""
    problems = validate(path)
    if problems:
        raise AnnotationError(problems)
    docs = [d for d in (read_document(f)[0] for f in iter_files(path)) if d]
    if split is not None:
        if split not in SPLITS:
            raise AnnotationError([f"split {split!r} is not allowed; allowed: {', '.join(SPLITS)}"])
        wanted = set(load_splits(path)[split])
        docs = [d for d in docs if d.doc_id in wanted]
    return docs


def load_splits(path: str | Path) -> dict[str, list[str]]:
    """The corpus's fixed document splits from ``splits.json``."""
    f = Path(path) / "splits.json"
    if not f.is_file():
        raise AnnotationError([f"{f}: no splits file; expected {{\"train\": [...], \"dev\": [...], \"test\": [...]}}"])
    return json.loads(f.read_text(encoding="utf-8"))
