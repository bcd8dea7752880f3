"""Corpus statistics per split: documents, sentences, labels, disciplines, entities."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from claimex.annotations.corpus import SPLITS, load_corpus, load_splits
from claimex.doc import LABELS


def corpus_stats(path: str | Path) -> dict[str, dict[str, Any]]:
    """Counts per split (and ``"all"``).

    Example:
        >>> corpus_stats("data/annotations")["all"]["documents"]   # doctest: +SKIP
        160
    """
    docs = load_corpus(path)
    try:
        splits = load_splits(path)
    except Exception:
        splits = {"all": [d.doc_id for d in docs]}
    where = {d: s for s, ids in splits.items() for d in ids}
    out: dict[str, dict[str, Any]] = {}
    for name in [s for s in SPLITS if s in splits] + ["all"]:
        chosen = [d for d in docs if name == "all" or where.get(d.doc_id) == name]
        sents = [u for d in chosen for u in d.sentences]
        out[name] = {
            "documents": len(chosen),
            "sentences": len(sents),
            "headings": sum(1 for d in chosen for u in d.units if u.kind == "heading"),
            "labels": {lab: sum(1 for u in sents if u.label == lab) for lab in LABELS},
            "disciplines": dict(Counter(d.meta.get("discipline", "?") for d in chosen).most_common()),
            "entities": dict(Counter(e["type"] for u in sents for e in u.entities).most_common()),
        }
    return out


def format_stats(stats: dict[str, dict[str, Any]]) -> str:
    lines = []
    for split, s in stats.items():
        n = max(s["sentences"], 1)
        labels = ", ".join(f"{k} {v} ({v / n:.1%})" for k, v in s["labels"].items())
        lines.append(f"{split}: {s['documents']} documents, {s['sentences']} sentences, {s['headings']} headings")
        lines.append(f"  labels: {labels}")
        lines.append(f"  disciplines ({len(s['disciplines'])}): " + ", ".join(f"{k} {v}" for k, v in s["disciplines"].items()))
        lines.append("  entities: " + (", ".join(f"{k} {v}" for k, v in s["entities"].items()) or "none"))
    return "\n".join(lines)
