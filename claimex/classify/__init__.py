"""Sentence classifiers: the rule baseline and fine-tuned transformers, behind one interface.

Example:
    >>> clf = load_classifier("rules")
    >>> clf.name
    'rules'
"""

from __future__ import annotations

from pathlib import Path

from claimex.classify.base import Classifier, SentenceInput, argmax, inputs_from_annotated, inputs_from_document

DEFAULT_MODEL = "claimex-sentence-e5"


def load_classifier(model: str | Path | Classifier | None = "default", int8: bool = False) -> Classifier:
    """A classifier from a name, a model folder, or an object with ``predict_proba``.

    ``"rules"`` is the rule baseline; ``"default"`` is the shipped fine-tuned model when it
    is installed, else the rule baseline; anything else is resolved as a model folder
    (a path, then a known model name) and never downloaded. ``int8`` quantises a
    transformer model's linear layers (faster on CPU, slightly less accurate; see
    ``docs/benchmarks.md``).
    """
    if model is not None and not isinstance(model, (str, Path)):
        return model
    if model in (None, "rules", "baseline"):
        from claimex.classify.rules import RuleClassifier

        return RuleClassifier()
    if model == "default":
        try:
            from claimex import store

            path = store.resolve(DEFAULT_MODEL)
        except Exception:  # no shipped model in this installation: the baseline stands in
            from claimex.classify.rules import RuleClassifier

            return RuleClassifier()
    else:
        from claimex import store

        path = store.resolve(model)
    from claimex.classify.transformer import TransformerClassifier

    return TransformerClassifier.load(path, int8=int8)


__all__ = ["Classifier", "SentenceInput", "argmax", "inputs_from_annotated", "inputs_from_document",
           "load_classifier", "DEFAULT_MODEL"]
