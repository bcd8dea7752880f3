"""The segmenter interface. Segmenters see blocks of clean text (a paragraph or a
list item; headings are never passed in), so no sentence can cross a heading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass
class TokSpan:
    """A token: offsets into its block; ``words`` are its syntactic words (clitics split)."""

    start: int
    end: int
    text: str
    words: list[str] = field(default_factory=list)


@dataclass
class SentSpan:
    """A sentence: offsets into its block, and its tokens."""

    start: int
    end: int
    text: str
    tokens: list[TokSpan] = field(default_factory=list)


@runtime_checkable
class Segmenter(Protocol):
    """Splits many blocks at once, so a backend can pool them into batches."""

    name: str

    def segment(self, blocks: list[str]) -> list[list[SentSpan]]:
        """One list of sentences per block, offsets into that block."""
        ...


def get_segmenter(name: str = "auto", **kwargs) -> Segmenter:
    """Return a segmenter by name: ``"stanza"``, ``"rules"``, or ``"auto"`` (Stanza when its
    model is available, else rules, with a warning)."""
    from claimex.segment.rules import RuleSegmenter

    if name == "rules":
        return RuleSegmenter()
    if name in ("stanza", "auto"):
        try:
            from claimex.segment.stanza import StanzaSegmenter
        except ImportError:
            if name == "stanza":
                raise
        else:
            try:
                return StanzaSegmenter(**kwargs)
            except FileNotFoundError:
                if name == "stanza":
                    raise
        import warnings

        warnings.warn("Stanza segmentation model not available; using the rule segmenter", stacklevel=2)
        return RuleSegmenter()
    from claimex.errors import ClaimexError

    raise ClaimexError(f"unknown segmenter {name!r}; expected one of: auto, stanza, rules")
