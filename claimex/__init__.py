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
            segmenter: Any = "auto", entities: bool = True) -> list[Claim] | list[list[Claim]]:
    """Claims from a text, a path, or a list of either (then one list of claims per input).

    The pipeline is built once per set of options and reused by later calls.
    """
    key = (str(model), str(segmenter), entities)
    if key not in _PIPELINES:
        _PIPELINES[key] = load(model=model, segmenter=segmenter, entities=entities)
    return _PIPELINES[key].extract(x, all_sentences=all_sentences, sections=sections)


__all__ = ["extract", "load", "Claim", "Document", "Entity", "Section", "Sentence", "__version__"]
