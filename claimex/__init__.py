"""claimex: findings, recommendations and limitations from Indonesian theses.

Example:
    >>> import claimex
    >>> claims = claimex.extract("5.2 Saran\\nPemerintah daerah perlu menambah anggaran posyandu.",
    ...                          model="rules", segmenter="rules", entities=False)
    >>> claims[0].label
    'recommendation'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from claimex.doc import Claim, Document, Entity, Section, Sentence

if TYPE_CHECKING:
    from claimex.pipeline import Pipeline

__version__ = "0.1.0"

_PIPELINES: dict[tuple, Any] = {}


def load(model: Any = "default", segmenter: Any = "auto", entities: bool = True) -> Pipeline:
    """A reusable pipeline (models load once). ``model``: ``"default"``, ``"rules"`` or a model folder."""
    from claimex.pipeline import Pipeline

    return Pipeline(model=model, segmenter=segmenter, entities=entities)


def extract(x: Any, model: Any = "default", all_sentences: bool = False, sections: str = "all",
            segmenter: Any = "auto", entities: bool = True, entity_counts: bool = False) -> Any:
    """Claims from a text, a path, or a list of either (then one list of claims per input).

    With ``entity_counts=True`` each result is ``(claims, counts)``, ``counts`` being the
    document's entities with how often each occurs (``[{"canonical", "type", "id", "count"}, …]``).
    The pipeline is built once per set of options and reused by later calls.
    """
    key = (str(model), str(segmenter), entities)
    if key not in _PIPELINES:
        _PIPELINES[key] = load(model=model, segmenter=segmenter, entities=entities)
    return _PIPELINES[key].extract(x, all_sentences=all_sentences, sections=sections, entity_counts=entity_counts)


def batch(paths: Any, out: Any, **options: Any) -> Any:
    """Label a whole archive (folders, .zip, files) into one table; returns a summary.

    Example:
        >>> summary = claimex.batch(["theses/"], out="claims.jsonl")   # doctest: +SKIP
        >>> summary.succeeded, summary.failed                          # doctest: +SKIP
        (198, 2)

    See :func:`claimex.archive.batch` for the options.
    """
    from claimex.archive import batch as run

    return run(paths if isinstance(paths, (list, tuple)) else [paths], out, **options)


__all__ = ["extract", "load", "batch", "Claim", "Document", "Entity", "Section", "Sentence", "__version__"]
