"""The classifier interface shared by the rule baseline and the learned models.

Every classifier reads :class:`SentenceInput` records (a sentence with its section path,
neighbours and position) and returns one probability per label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

from claimex.doc import LABELS

if TYPE_CHECKING:
    from claimex.annotations.corpus import AnnotatedDoc
    from claimex.doc import Document


@dataclass(frozen=True)
class SentenceInput:
    """What a classifier may look at for one unit."""

    text: str
    section: tuple[str, ...] = ()
    prev: str = ""
    next: str = ""
    is_heading: bool = False
    list_marker: str | None = None
    position: float = 0.0  # index / number of units in the document, 0..1

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)


@runtime_checkable
class Classifier(Protocol):
    """Labels sentences; ``predict_proba`` returns a dict label → probability per input."""

    name: str
    labels: tuple[str, ...]

    def predict_proba(self, items: Sequence[SentenceInput]) -> list[dict[str, float]]: ...


def _inputs(texts: list[str], sections: list[tuple[str, ...]], headings: list[bool],
            markers: list[str | None]) -> list[SentenceInput]:
    n = len(texts)
    # neighbours are the adjacent non-heading units, as a reader sees them
    out = []
    for i in range(n):
        prev = next((texts[j] for j in range(i - 1, -1, -1) if not headings[j]), "")
        nxt = next((texts[j] for j in range(i + 1, n) if not headings[j]), "")
        out.append(SentenceInput(texts[i], sections[i], prev, nxt, headings[i], markers[i], i / max(n - 1, 1)))
    return out


def inputs_from_document(doc: Document) -> list[SentenceInput]:
    """Inputs for every unit of a segmented :class:`~claimex.doc.Document`."""
    s = doc.sentences
    return _inputs([x.text for x in s], [x.section for x in s], [x.is_heading for x in s], [x.list_marker for x in s])


def inputs_from_annotated(doc: AnnotatedDoc) -> tuple[list[SentenceInput], list[str]]:
    """Inputs and gold labels for every unit of an annotated document."""
    u = doc.units
    inputs = _inputs([x.text for x in u], [x.section for x in u], [x.kind == "heading" for x in u], [x.marker for x in u])
    return inputs, [x.label for x in u]


def argmax(scores: dict[str, float]) -> tuple[str, float]:
    label = max(scores, key=scores.__getitem__)
    return label, scores[label]


__all__ = ["LABELS", "SentenceInput", "Classifier", "inputs_from_document", "inputs_from_annotated", "argmax"]
