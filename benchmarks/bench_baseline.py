"""The rule baseline in detail: per-label precision / recall / F1 on the corpus dev and test
splits and on the two real seed chapters (hand labels in ``benchmarks/data/seed_labels.json``).

It is the bar every learned model must clear; ``bench_classifier.py`` puts it beside them.

Usage::

    .venv/bin/python benchmarks/bench_baseline.py [--write-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_classifier import DOCS, ROOT, seed_sets  # noqa: E402

from claimex.annotations.corpus import load_corpus  # noqa: E402
from claimex.classify.evaluate import collect, decide, scores  # noqa: E402
from claimex.classify.rules import RuleClassifier  # noqa: E402
from claimex.doc import LABELS  # noqa: E402

BEGIN, END = "<!-- BEGIN baseline -->", "<!-- END baseline -->"


def rows(name: str, r: dict) -> list[str]:
    out = []
    for lab in LABELS:
        p = r["per_label"][lab]
        if not p["support"]:
            out.append(f"| {name} | {lab} | — | — | — | 0 |")
            continue
        out.append(f"| {name} | {lab} | {p['precision']:.3f} | {p['recall']:.3f} | {p['f1']:.3f} | {p['support']} |")
    out.append(f"| {name} | **macro** | | | **{r['macro_f1']:.3f}** | {r['n']} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    clf = RuleClassifier()
    sets = []
    for split in ("dev", "test"):
        items, gold, _ = collect(load_corpus(ROOT / "data/annotations", split))
        sets.append((f"corpus {split}", items, gold))
    sets += [(f"seed `{name[:3]}…`", items, gold) for name, items, gold in seed_sets()]
    lines = [BEGIN, "## Rule baseline classifier", "",
             f"`benchmarks/bench_baseline.py`, {dt.date.today().isoformat()}: `claimex.classify.rules.RuleClassifier` "
             "(section prior + cue phrases, `model=\"rules\"`). Corpus splits: `data/annotations/splits.json` "
             "(headings left out); seeds: the two real chapters in `../shared/seeds/` with hand labels "
             "(`benchmarks/data/seed_labels.json`), gold sentence boundaries, cleaned by claimex.", "",
             "| data | label | precision | recall | F1 | sentences |", "|---|---|---:|---:|---:|---:|"]
    for name, items, gold in sets:
        r = scores(gold, decide(clf.predict_proba(items)))
        lines += rows(name, r)
        print(name, r["macro_f1"])
    lines += ["", "Macro-F1 averages the labels present in the data. The seeds are small (25 and 28 sentences): "
              "one sentence moves a label's F1 by several points. The baseline's weak spot is `other`: "
              "announcements, aims and background in a Kesimpulan section look like findings to it.", END]
    if args.write_docs:
        text = DOCS.read_text(encoding="utf-8")
        a, b = text.index(BEGIN), text.index(END) + len(END)
        DOCS.write_text(text[:a] + "\n".join(lines) + text[b:], encoding="utf-8")


if __name__ == "__main__":
    main()
