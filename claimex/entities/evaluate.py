"""Entity precision / recall / F1 per type, exact span and type match.

Example:
    >>> prf([[(0, 5, "ORG")]], [[(0, 5, "ORG"), (9, 13, "GPE")]])["ORG"]["f"]
    1.0
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

Span = tuple[int, int, str]


def prf(gold: Sequence[Iterable[Span]], pred: Sequence[Iterable[Span]],
        types: Sequence[str] | None = None) -> dict[str, dict[str, float]]:
    """Per-type and micro ``{"p", "r", "f", "tp", "gold", "pred"}``; ``types`` limits the types scored."""
    tp: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    for g, p in zip(gold, pred):
        gs = {s for s in g if types is None or s[2] in types}
        ps = {s for s in p if types is None or s[2] in types}
        for s in gs:
            ng[s[2]] += 1
        for s in ps:
            npred[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1
    out: dict[str, dict[str, float]] = {}
    keys = sorted(set(ng) | set(npred) | set(types or ()))
    for k in keys + ["micro"]:
        t = sum(tp.values()) if k == "micro" else tp[k]
        g = sum(ng.values()) if k == "micro" else ng[k]
        pr = sum(npred.values()) if k == "micro" else npred[k]
        p = t / pr if pr else 0.0
        r = t / g if g else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[k] = {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": t, "gold": g, "pred": pr}
    return out
