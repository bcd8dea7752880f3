"""Sentence and token segmentation: a Stanza segmenter (default) and a rule segmenter.

Example:
    >>> from claimex.segment import RuleSegmenter
    >>> [s.text for s in RuleSegmenter().split("Hasil ini baik, dll. Maka selesai.")]
    ['Hasil ini baik, dll.', 'Maka selesai.']
"""

from claimex.segment.base import SentSpan, TokSpan, Segmenter, get_segmenter
from claimex.segment.rules import RuleSegmenter

__all__ = ["SentSpan", "TokSpan", "Segmenter", "RuleSegmenter", "get_segmenter"]
