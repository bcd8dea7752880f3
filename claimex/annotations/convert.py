"""Converters between claimex's annotation format and annotation tools.

Imports read the exports of Label Studio (JSON), doccano (JSONL) and Prodigy (JSONL),
in two shapes each:

* **document** records: a whole chapter's text with labelled character spans, one span
  per sentence (``finding`` …) plus entity spans (``ORG``/``GPE``/``LAW``). Lines left
  without a sentence span become headings when they look like one, else ``other``.
* **sentence** records: one sentence per record with one label (a text-classification
  project). Records are grouped into documents by a ``doc_id`` field when present.

:func:`to_label_studio` writes document tasks, with a model's labels as
pre-annotations, so users can correct labels in a tool they know.

Example:
    >>> docs = from_doccano([{"text": "5.2 Saran\\nDinas perlu bertindak.",
    ...                       "label": [[10, 32, "recommendation"]]}], name="x")
    >>> [(u.kind, u.label, u.section) for u in docs[0].units]
    [('heading', 'other', ('5.2 Saran',)), ('sentence', 'recommendation', ('5.2 Saran',))]
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

from claimex.annotations.corpus import ENTITY_TYPES, SCHEMA, AnnotatedDoc, Unit
from claimex.doc import LABELS
from claimex.errors import AnnotationError

Span = tuple[int, int, str]
LIST_MARKER = re.compile(r"(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]|[-•]")


def from_spans(text: str, spans: Iterable[Span], doc_id: str, meta: dict[str, Any] | None = None,
               where: str = "") -> AnnotatedDoc:
    """Build a document from its text and labelled spans (sentence labels and entity types)."""
    from claimex.clean.structure import heading_level
    from claimex.segment.rules import RuleSegmenter

    spans = sorted(set(spans))
    bad = [s for s in spans if s[2] not in LABELS + ENTITY_TYPES]
    if bad:
        raise AnnotationError([f"{where}: span label {s[2]!r} is not allowed; allowed: "
                               f"{', '.join(LABELS + ENTITY_TYPES)}" for s in bad])
    sent_spans = [s for s in spans if s[2] in LABELS]
    ent_spans = [s for s in spans if s[2] in ENTITY_TYPES]
    units: list[Unit] = []
    path: list[tuple[int, str]] = []
    para = 0
    pos = 0
    seg = RuleSegmenter()
    for line in text.split("\n"):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        if not line.strip():
            continue
        para += 1
        inside = [s for s in sent_spans if lo <= s[0] < hi + 1]
        level = heading_level(line.strip(), 0, max((lv for lv, _ in path), default=1)) if not inside else None
        if level is not None:
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, line.strip()))
            units.append(Unit("heading", line.strip(), "other", para, tuple(t for _, t in path), level=level))
            continue
        pieces = [(s, e, lab) for s, e, lab in inside]
        cursor = lo
        gaps = []
        for s, e, _ in pieces:
            if text[cursor:s].strip():
                gaps.append((cursor, s))
            cursor = max(cursor, e)
        if text[cursor:hi].strip():
            gaps.append((cursor, hi))
        marker = None
        for a, b in gaps:  # unlabelled text is segmented and labelled "other"; a list marker is kept
            if a == lo and LIST_MARKER.fullmatch(text[a:b].strip()):
                marker = text[a:b].strip()
                continue
            pieces += [(a + x.start, a + x.end, "other") for x in seg.split(text[a:b])]
        for k, (s, e, lab) in enumerate(sorted(pieces)):
            raw = text[s:e]
            s += len(raw) - len(raw.lstrip())
            e -= len(raw) - len(raw.rstrip())
            ents = [{"start": a - s, "end": b - s, "type": t} for a, b, t in ent_spans if s <= a and b <= e]
            units.append(Unit("sentence", text[s:e], lab, para, tuple(t for _, t in path),
                              marker=marker if k == 0 else None, entities=ents))
    meta = {"schema": SCHEMA, "doc_id": doc_id, "discipline": "unknown", "level": "skripsi", **(meta or {})}
    return AnnotatedDoc(doc_id, meta, units)


def _group_sentences(records: list[tuple[str, str, dict]], name: str) -> list[AnnotatedDoc]:
    """Sentence-level records ``(text, label, extra)`` → documents grouped by ``doc_id``."""
    groups: dict[str, list[tuple[str, str, dict]]] = {}
    for r in records:
        groups.setdefault(str(r[2].get("doc_id") or name), []).append(r)
    docs = []
    for doc_id, recs in groups.items():
        units, path = [], ()
        for i, (text, label, extra) in enumerate(recs, 1):
            section = tuple(x for x in str(extra.get("section", "")).split(" › ") if x) or path
            units.append(Unit("sentence", text, label, i, section))
        docs.append(AnnotatedDoc(doc_id, {"schema": SCHEMA, "doc_id": doc_id, "discipline": "unknown",
                                          "level": "skripsi"}, units))
    return docs


def _check_label(label: Any, where: str) -> str:
    if label not in LABELS:
        raise AnnotationError([f"{where}: label {label!r} is not allowed; allowed: {', '.join(LABELS)}"])
    return label


# ---- Label Studio -------------------------------------------------------------------------
def from_label_studio(tasks: list[dict[str, Any]], name: str = "label-studio") -> list[AnnotatedDoc]:
    """Label Studio JSON export (a list of tasks); uses each task's first annotation."""
    docs, sentences = [], []
    for i, task in enumerate(tasks):
        where = f"{name}: task {task.get('id', i)}"
        data = task.get("data", {})
        text = data.get("text")
        if not isinstance(text, str):
            raise AnnotationError([f"{where}: expected data.text to be a string, found {type(text).__name__}"])
        anns = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not anns:
            raise AnnotationError([f"{where}: no annotation; export annotated tasks only"])
        results = anns[0].get("result", [])
        choices = [r["value"]["choices"][0] for r in results if r.get("type") == "choices"]
        if choices:
            sentences.append((text, _check_label(choices[0], where), data))
            continue
        spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                 for r in results if r.get("type") == "labels"]
        doc_id = str(data.get("doc_id") or f"{name}-{task.get('id', i)}")
        docs.append(from_spans(text, spans, doc_id, _meta(data), where))
    return docs + _group_sentences(sentences, name)


def to_label_studio(docs: Sequence[AnnotatedDoc], classifier: Any = None, gold: bool = True) -> list[dict[str, Any]]:
    """Document tasks for Label Studio: gold labels as annotations (``gold=True``) and, when a
    classifier is given, its labels as predictions (pre-annotations)."""
    from claimex.classify.base import inputs_from_annotated

    tasks = []
    for n, doc in enumerate(docs, 1):
        text, spans = doc.render()
        data = {"text": text, "doc_id": doc.doc_id, **{k: v for k, v in doc.meta.items() if k not in ("schema", "doc_id")}}
        task: dict[str, Any] = {"id": n, "data": data}
        if gold:
            task["annotations"] = [{"result": _ls_results(doc, spans, [u.label for u in doc.units])}]
        if classifier is not None:
            probs = classifier.predict_proba(inputs_from_annotated(doc)[0])
            labels = [max(p, key=p.get) for p in probs]
            task["predictions"] = [{"model_version": getattr(classifier, "name", "claimex"),
                                    "score": sum(max(p.values()) for p in probs) / max(len(probs), 1),
                                    "result": _ls_results(doc, spans, labels, with_entities=False)}]
        tasks.append(task)
    return tasks


def _ls_results(doc: AnnotatedDoc, spans, labels: list[str], with_entities: bool = True) -> list[dict[str, Any]]:
    text = doc.render()[0]
    out = []
    for k, (u, (s, e), lab) in enumerate(zip(doc.units, spans, labels)):
        if u.kind == "heading":
            continue
        out.append({"id": f"s{k}", "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}})
        if with_entities:
            for j, ent in enumerate(u.entities):
                a, b = s + ent["start"], s + ent["end"]
                out.append({"id": f"e{k}-{j}", "from_name": "entity", "to_name": "text", "type": "labels",
                            "value": {"start": a, "end": b, "text": text[a:b], "labels": [ent["type"]]}})
    return out


# ---- doccano ------------------------------------------------------------------------------
def from_doccano(records: list[dict[str, Any]], name: str = "doccano") -> list[AnnotatedDoc]:
    """doccano JSONL export: sequence labelling (``label``: ``[[start, end, tag]]``) or text
    classification (``label``: ``["finding"]``)."""
    docs, sentences = [], []
    for i, r in enumerate(records, 1):
        where = f"{name}:{i}"
        text, label = r.get("text"), r.get("label", r.get("labels", []))
        if not isinstance(text, str):
            raise AnnotationError([f"{where}: expected a string 'text', found {type(text).__name__}"])
        if label and isinstance(label[0], str):
            sentences.append((text, _check_label(label[0], where), r))
        else:
            doc_id = str(r.get("doc_id") or f"{name}-{r.get('id', i)}")
            docs.append(from_spans(text, [tuple(x) for x in label], doc_id, _meta(r), where))
    return docs + _group_sentences(sentences, name)


def to_doccano(docs: Sequence[AnnotatedDoc]) -> list[dict[str, Any]]:
    out = []
    for doc in docs:
        text, spans = doc.render()
        labels = [[s, e, u.label] for u, (s, e) in zip(doc.units, spans) if u.kind == "sentence"]
        labels += [[s + x["start"], s + x["end"], x["type"]] for u, (s, _) in zip(doc.units, spans) for x in u.entities]
        out.append({"text": text, "label": labels, "doc_id": doc.doc_id, **_meta(doc.meta)})
    return out


# ---- Prodigy ------------------------------------------------------------------------------
def from_prodigy(records: list[dict[str, Any]], name: str = "prodigy") -> list[AnnotatedDoc]:
    """Prodigy JSONL (``db-out``): span records (``spans``) or text-classification records
    (``label`` with ``answer``, or ``accept`` for choice interfaces). Rejected and ignored
    answers are skipped."""
    docs, sentences = [], []
    for i, r in enumerate(records, 1):
        where = f"{name}:{i}"
        if r.get("answer", "accept") != "accept":
            continue
        text = r.get("text")
        if not isinstance(text, str):
            raise AnnotationError([f"{where}: expected a string 'text', found {type(text).__name__}"])
        meta = r.get("meta", {}) or {}
        if "spans" in r and "label" not in r and "accept" not in r:
            doc_id = str(meta.get("doc_id") or f"{name}-{i}")
            docs.append(from_spans(text, [(s["start"], s["end"], s["label"]) for s in r["spans"]], doc_id,
                                   _meta(meta), where))
        else:
            label = r["accept"][0] if r.get("accept") else r.get("label")
            sentences.append((text, _check_label(label, where), meta))
    return docs + _group_sentences(sentences, name)


def to_prodigy(docs: Sequence[AnnotatedDoc]) -> list[dict[str, Any]]:
    out = []
    for rec in to_doccano(docs):
        spans = [{"start": s, "end": e, "label": lab} for s, e, lab in rec["label"]]
        out.append({"text": rec["text"], "spans": spans, "answer": "accept",
                    "meta": {k: v for k, v in rec.items() if k not in ("text", "label")}})
    return out


def _meta(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in ("discipline", "level", "title") if k in d}


READERS = {"label-studio": from_label_studio, "doccano": from_doccano, "prodigy": from_prodigy}


def read_export(path: str | Path, tool: str) -> list[AnnotatedDoc]:
    """Read an export file of ``tool`` (``label-studio``, ``doccano`` or ``prodigy``)."""
    path = Path(path)
    if tool not in READERS:
        raise AnnotationError([f"tool {tool!r} is not supported; supported: {', '.join(READERS)}"])
    text = path.read_text(encoding="utf-8")
    try:
        if tool == "label-studio":
            records = json.loads(text)
        else:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise AnnotationError([f"{path}:{exc.lineno}: not valid JSON ({exc.msg})"]) from None
    return READERS[tool](records, name=path.stem)
