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


# The obvious cue words of each label (ANNOTATION.md); a corpus whose sentences all carry
# them teaches a model keywords, not roles.
CUES = {
    "finding": r"hasil penelitian (?:ini )?menunjukkan|dapat disimpulkan|disimpulkan bahwa|terbukti|menunjukkan bahwa",
    "recommendation": r"\bperlu\b|disarankan|sebaiknya|hendaknya|diharapkan|\bharus\b|saran",
    "limitation": r"keterbatasan|terbatas|kekurangan|jauh dari sempurna|kendala",
}


def cue_check(path: str | Path) -> dict[str, dict[str, Any]]:
    """Per label: how many of its sentences lack all of its cue words.

    Example:
        >>> cue_check("data/annotations")["limitation"]["without_cues"]   # doctest: +SKIP
        0.71
    """
    import re

    sents = [u for d in load_corpus(path) for u in d.sentences]
    out = {}
    for label, pattern in CUES.items():
        rx = re.compile(pattern, re.IGNORECASE)
        mine = [u for u in sents if u.label == label]
        free = sum(1 for u in mine if not rx.search(u.text))
        out[label] = {"sentences": len(mine), "without_cues": round(free / max(len(mine), 1), 3), "cues": pattern}
    return out
