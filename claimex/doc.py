"""The document model shared by every stage.

Offsets: every ``start``/``end`` on a :class:`Sentence`, :class:`Token` or
:class:`Entity` is a character offset into :attr:`Document.raw` (the text as read
from the file), so ``doc.raw[s.start:s.end]`` gives back the words of the sentence.
``clean_start``/``clean_end`` index :attr:`Document.clean`, the cleaned text that
the models read. :meth:`Document.to_raw` converts clean offsets to raw ones.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field, fields
from typing import Any

LABELS: tuple[str, ...] = ("finding", "recommendation", "limitation", "other")
CLAIM_LABELS: tuple[str, ...] = ("finding", "recommendation", "limitation")
SECTION_SEP = " › "


@dataclass
class Entity:
    """A named organisation (ORG), place (GPE) or law (LAW), offsets into the raw text."""

    text: str
    type: str
    start: int
    end: int
    canonical: str | None = None
    id: str | None = None
    source: str = ""  # "gazetteer", "acronym", "tagger"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Token:
    """A token with raw offsets; ``words`` holds clitic splits (``hukumnya`` → ``hukum``, ``nya``)."""

    text: str
    start: int
    end: int
    words: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A heading, paragraph or list item of the clean text; the span excludes a list marker."""

    kind: str  # "heading", "paragraph", "item"
    clean_start: int
    clean_end: int
    level: int = 0
    marker: str | None = None
    title: str | None = None


@dataclass
class Section:
    """A heading and the clean-text span it governs; ``path`` includes its own title."""

    title: str
    level: int
    path: tuple[str, ...]
    clean_start: int
    clean_end: int
    kind: str = ""  # "chapter", "conclusion", "recommendation", "limitation", "closing", ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = list(self.path)
        return d


@dataclass
class Sentence:
    """One unit as a reader sees it after cleaning: a sentence, or a heading."""

    index: int
    text: str
    start: int
    end: int
    clean_start: int
    clean_end: int
    section: tuple[str, ...] = ()
    page: int | None = None
    line: int | None = None
    is_heading: bool = False
    list_marker: str | None = None
    paragraph: int = 0
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    label: str | None = None
    score: float | None = None
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def section_path(self) -> str:
        return SECTION_SEP.join(self.section)


@dataclass
class Document:
    """A read and cleaned thesis text; stages fill ``sections`` and ``sentences``.

    Example:
        >>> doc = Document.from_text("5.1 Kesimpulan\\nProgram ini efektif.")
        >>> doc.raw[:14]
        '5.1 Kesimpulan'
    """

    doc_id: str
    raw: str
    source: str | None = None
    clean: str = ""
    clean_to_raw: list[int] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)  # raw offset where each page starts
    format: str = "text"
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, doc_id: str = "text", source: str | None = None) -> Document:
        """Wrap a string as an uncleaned document (call the pipeline to clean it)."""
        return cls(doc_id=doc_id, raw=text, source=source)

    def to_raw(self, clean_offset: int) -> int:
        """Map an offset of the clean text to the raw text (end offsets: pass ``end``)."""
        if not self.clean_to_raw:
            return clean_offset
        if clean_offset >= len(self.clean_to_raw):
            return len(self.raw)
        return self.clean_to_raw[clean_offset]

    def raw_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` of a clean span; the end is one past its last character."""
        if clean_end <= clean_start:
            s = self.to_raw(clean_start)
            return s, s
        return self.to_raw(clean_start), self.to_raw(clean_end - 1) + 1

    def page_of(self, raw_offset: int) -> int | None:
        """1-based page number of a raw offset, or None when the format has no pages."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, raw_offset)

    def line_of(self, raw_offset: int) -> int:
        """1-based line number of a raw offset, counted within its page when there are pages."""
        page = self.page_of(raw_offset)
        base = self.page_starts[page - 1] if page else 0
        return self.raw.count("\n", base, raw_offset) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "format": self.format,
            "raw": self.raw,
            "clean": self.clean,
            "clean_to_raw": list(self.clean_to_raw),
            "page_starts": list(self.page_starts),
            "blocks": [asdict(b) for b in self.blocks],
            "sections": [s.to_dict() for s in self.sections],
            "sentences": [_sentence_to_dict(s) for s in self.sentences],
            "meta": dict(self.meta),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        sections = [Section(**{**s, "path": tuple(s["path"])}) for s in d.get("sections", [])]
        sentences = [_sentence_from_dict(s) for s in d.get("sentences", [])]
        blocks = [Block(**b) for b in d.get("blocks", [])]
        keep = {f.name for f in fields(cls)} - {"sections", "sentences", "blocks"}
        return cls(**{k: v for k, v in d.items() if k in keep}, blocks=blocks, sections=sections,
                   sentences=sentences)


def _sentence_to_dict(s: Sentence) -> dict[str, Any]:
    d = asdict(s)
    d["section"] = list(s.section)
    return d


def _sentence_from_dict(d: dict[str, Any]) -> Sentence:
    d = dict(d)
    d["section"] = tuple(d.get("section", ()))
    d["tokens"] = [Token(**t) for t in d.get("tokens", [])]
    d["entities"] = [Entity(**e) for e in d.get("entities", [])]
    return Sentence(**d)


@dataclass
class Claim:
    """One labelled sentence of a document: the record claimex returns.

    Example:
        >>> c = Claim(doc_id="t", source=None, page=None, line=3, section="BAB V › 5.2 Saran",
        ...           sentence_index=4, start=10, end=40, text="Pemerintah perlu ...",
        ...           label="recommendation", score=0.93)
        >>> c.to_dict()["label"]
        'recommendation'
    """

    doc_id: str
    source: str | None
    page: int | None
    line: int | None
    section: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    addressee: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["entities"] = [e.to_dict() for e in self.entities]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        d = dict(d)
        d["entities"] = [Entity(**e) for e in d.get("entities", [])]
        return cls(**d)
