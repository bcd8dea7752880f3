"""Score any classifier on annotated documents: per-label precision / recall / F1, macro-F1,
the confusion matrix (also as a PNG), accuracy and calibration error.

Units are the annotated sentences; headings are left out by default (they are ``other`` by
definition and would flatter every system).

Example:
    >>> from claimex.annotations.corpus import load_corpus                     # doctest: +SKIP
    >>> from claimex.classify.rules import RuleClassifier                      # doctest: +SKIP
    >>> report = evaluate(RuleClassifier(), load_corpus("data/annotations", split="test"))  # doctest: +SKIP
    >>> round(report["macro_f1"], 3)                                           # doctest: +SKIP
    0.8
    >>> write_report(report, "reports/rules-test")                             # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from claimex.classify.base import Classifier, SentenceInput, inputs_from_annotated
from claimex.doc import CLAIM_LABELS, LABELS

if TYPE_CHECKING:
    from claimex.annotations.corpus import AnnotatedDoc


def collect(docs: Sequence[AnnotatedDoc], include_headings: bool = False
            ) -> tuple[list[SentenceInput], list[str], list[str]]:
    """Inputs, gold labels and ``doc_id`` of every unit to score (context from the whole doc)."""
    items, gold, owners = [], [], []
    for d in docs:
        inputs, labels = inputs_from_annotated(d)
        for x, y in zip(inputs, labels):
            if include_headings or not x.is_heading:
                items.append(x)
                gold.append(y)
                owners.append(d.doc_id)
    return items, gold, owners


def decide(probs: Sequence[dict[str, float]], abstain: float = 0.0) -> list[str]:
    """Argmax labels; a score under ``abstain`` becomes ``other`` (as the pipeline does)."""
    out = []
    for p in probs:
        label = max(p, key=p.__getitem__)
        out.append("other" if p[label] < abstain else label)
    return out


def scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Per-label precision / recall / F1 / support, macro-F1, accuracy, confusion matrix.

    Example:
        >>> r = scores(["finding", "other", "other"], ["finding", "finding", "other"], ["finding", "other"])
        >>> r["per_label"]["finding"]["precision"], r["macro_f1"]
        (0.5, 0.6666666666666666)
    """
    idx = {k: i for i, k in enumerate(labels)}
    cm = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        cm[idx[g]][idx[p]] += 1
    per: dict[str, dict[str, float]] = {}
    for k, i in idx.items():
        tp = cm[i][i]
        fp = sum(cm[j][i] for j in range(len(labels))) - tp
        fn = sum(cm[i]) - tp
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[k] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    present = [k for k in labels if per[k]["support"] > 0] or list(labels)
    n = len(gold)
    return {
        "labels": list(labels), "n": n,
        "accuracy": sum(cm[i][i] for i in range(len(labels))) / n if n else 0.0,
        "macro_f1": sum(per[k]["f1"] for k in present) / len(present),
        "claim_macro_f1": sum(per[k]["f1"] for k in CLAIM_LABELS if k in per) / max(1, sum(k in per for k in CLAIM_LABELS)),
        "per_label": per, "confusion": cm,
    }


def evaluate(classifier: Classifier, docs: Sequence[AnnotatedDoc], abstain: float | None = None,
             include_headings: bool = False) -> dict[str, Any]:
    """Score ``classifier`` on annotated documents.

    ``abstain`` defaults to the classifier's own ``abstain_threshold`` (0 when it has none).
    The report also holds the expected calibration error of the top score (15 bins).
    """
    from claimex.classify.transformer import expected_calibration_error

    items, gold, _ = collect(docs, include_headings)
    probs = classifier.predict_proba(items) if items else []
    thr = getattr(classifier, "abstain_threshold", 0.0) if abstain is None else abstain
    pred = decide(probs, thr)
    report = scores(gold, pred, classifier.labels)
    labels = list(classifier.labels)
    matrix = [[p.get(k, 0.0) for k in labels] for p in probs]
    report["ece"] = expected_calibration_error(matrix, [labels.index(g) for g in gold]) if matrix else 0.0
    report.update(classifier=getattr(classifier, "name", type(classifier).__name__), abstain=thr,
                  documents=len(docs), include_headings=include_headings)
    return report


def format_report(report: dict[str, Any]) -> str:
    """A Markdown summary: a per-label table and the confusion matrix."""
    labels = report["labels"]
    lines = [f"classifier `{report.get('classifier', '?')}` on {report.get('documents', '?')} documents, "
             f"{report['n']} units: macro-F1 **{report['macro_f1']:.3f}**, accuracy {report['accuracy']:.3f}, "
             f"ECE {report.get('ece', 0):.3f}", "",
             "| label | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for k in labels:
        s = report["per_label"][k]
        lines.append(f"| {k} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    lines += ["", "confusion (rows gold, columns predicted):", "",
              "| gold \\ pred | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    for k, row in zip(labels, report["confusion"]):
        lines.append(f"| {k} | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines) + "\n"


def plot_confusion(report: dict[str, Any], path: str | Path, title: str | None = None) -> Path:
    """The confusion matrix as a PNG (counts, rows normalised for colour)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cm = np.asarray(report["confusion"], dtype=float)
    share = cm / np.clip(cm.sum(1, keepdims=True), 1, None)
    labels = report["labels"]
    fig, ax = plt.subplots(figsize=(5.2, 4.4), dpi=110)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, int(cm[i, j]), ha="center", va="center", color="white" if share[i, j] > 0.5 else "black")
    ax.set_title(title or f"{report.get('classifier', '')}  macro-F1 {report['macro_f1']:.3f}", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_report(report: dict[str, Any], out_dir: str | Path, title: str | None = None) -> dict[str, Path]:
    """Write ``report.json``, ``report.md`` and ``confusion.png`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "markdown": out / "report.md"}
    paths["json"].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text((f"# {title}\n\n" if title else "") + format_report(report), encoding="utf-8")
    try:
        paths["png"] = plot_confusion(report, out / "confusion.png", title)
    except ImportError:  # matplotlib is in the [train] extra
        pass
    return paths


def evaluate_path(model: str | Path, data: str | Path, split: str | None = "test", out: str | Path | None = None,
                  abstain: float | None = None) -> dict[str, Any]:
    """``claimex evaluate``: load a model (name, folder, or ``rules``), score it on a corpus
    split (``None`` = every document), and write the report files when ``out`` is given."""
    from claimex.annotations.corpus import load_corpus
    from claimex.classify import load_classifier

    if split is not None and not (Path(data) / "splits.json").is_file():
        split = None  # a corpus without splits is scored whole
    docs = load_corpus(data, split=split)
    report = evaluate(load_classifier(str(model)), docs, abstain=abstain)
    report.update(data=str(data), split=split or "all")
    if out is not None:
        write_report(report, out, title=f"{report['classifier']} on {Path(data).name} ({split or 'all'})")
    return report


__all__ = ["collect", "decide", "scores", "evaluate", "format_report", "plot_confusion", "write_report",
           "evaluate_path"]
