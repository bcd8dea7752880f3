"""Inter-annotator agreement: a second, independent labelling of a sample against the corpus.

The second labels are a TSV with a header ``doc_id  unit  label`` where ``unit`` is the
index of the unit in the document file (0 = first unit after the header line).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from claimex.annotations.corpus import load_corpus
from claimex.doc import LABELS
from claimex.errors import AnnotationError


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's kappa of two label sequences of equal length.

    Example:
        >>> round(cohen_kappa(["x", "y", "x", "x"], ["x", "y", "y", "x"]), 3)
        0.5
    """
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def read_second_labels(path: str | Path) -> dict[tuple[str, int], str]:
    problems, out = [], {}
    with open(path, encoding="utf-8", newline="") as fh:
        for ln, row in enumerate(csv.DictReader(fh, delimiter="\t"), 2):
            if row.get("label") not in LABELS:
                problems.append(f"{path}:{ln}: label {row.get('label')!r} is not one of {', '.join(LABELS)}")
                continue
            out[(row["doc_id"], int(row["unit"]))] = row["label"]
    if problems:
        raise AnnotationError(problems)
    return out


def agreement(corpus: str | Path, second: str | Path) -> dict[str, Any]:
    """Overall and per-label (one label against the rest) kappa, and the disagreements.

    Example:
        >>> r = agreement("data/annotations", "data/annotations/agreement/second_annotator.tsv")  # doctest: +SKIP
        >>> r["kappa"]                                                                              # doctest: +SKIP
        0.81
    """
    labels2 = read_second_labels(second)
    docs = {d.doc_id: d for d in load_corpus(corpus)}
    pairs, missing = [], []
    for (doc_id, i), lab in sorted(labels2.items()):
        doc = docs.get(doc_id)
        if doc is None or i >= len(doc.units) or doc.units[i].kind != "sentence":
            missing.append(f"{doc_id}#{i}")
            continue
        pairs.append((doc.units[i].label, lab, doc_id, i, doc.units[i].text))
    if missing:
        raise AnnotationError([f"{second}: no sentence unit {m} in {corpus}" for m in missing[:20]])
    first, other = [p[0] for p in pairs], [p[1] for p in pairs]
    per_label = {lab: round(cohen_kappa([x == lab for x in first], [y == lab for y in other]), 3) for lab in LABELS}
    return {
        "sentences": len(pairs),
        "documents": len({p[2] for p in pairs}),
        "observed_agreement": round(sum(x == y for x, y in zip(first, other)) / len(pairs), 3),
        "kappa": round(cohen_kappa(first, other), 3),
        "kappa_per_label": per_label,
        "confusions": dict(Counter(f"{x} → {y}" for x, y in zip(first, other) if x != y).most_common()),
        "disagreements": [{"doc_id": d, "unit": i, "first": x, "second": y, "text": t}
                          for x, y, d, i, t in pairs if x != y],
    }
