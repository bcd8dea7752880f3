"""The pipeline: ingest → clean → segment → entities → classify → claims.

Each stage works on many documents at once so the models see pooled batches.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Iterable, Sequence, Union

from claimex.classify import argmax, inputs_from_document, load_classifier
from claimex.clean import clean_document, closing_span, path_at
from claimex.doc import CLAIM_LABELS, SECTION_SEP, Claim, Document, Sentence, Token
from claimex.ingest import SUPPORTED, read
from claimex.segment import get_segmenter

Input = Union[str, Path, Document]

ADDRESSEE = re.compile(r"(?i)^(?:\d{1,2}[.)]\s*|[a-z][.)]\s*)?(?:bagi|kepada|untuk)\s+(.+?)\s*$")
ADDRESSEE_IN_TEXT = re.compile(r"(?i)^(?:bagi|kepada|untuk)\s+([^,]{3,80}?),")


def looks_like_path(x: str) -> bool:
    """A short one-line string that names an existing file or a supported extension."""
    if "\n" in x or len(x) > 1024:
        return False
    p = Path(x)
    return p.suffix.lower() in SUPPORTED + (".zip",) or p.exists()


class Pipeline:
    """A reusable claimex pipeline; :func:`claimex.load` builds one.

    Example:
        >>> nlp = Pipeline(model="rules", segmenter="rules", entities=False)
        >>> claims = nlp.extract("5.2 Saran\\nPemerintah perlu menambah anggaran.")
        >>> claims[0].label, claims[0].section
        ('recommendation', '5.2 Saran')
    """

    def __init__(self, model: object = "default", segmenter: object = "auto", entities: bool = True,
                 abstain: float | None = None, int8: bool = False):
        self.classifier = load_classifier(model, int8=int8)  # type: ignore[arg-type]
        self.segmenter = get_segmenter(segmenter) if isinstance(segmenter, str) else segmenter
        self.entities = _load_entities() if entities else None
        self.abstain = abstain if abstain is not None else getattr(self.classifier, "abstain_threshold", 0.0)

    # ---- stages -------------------------------------------------------------------------
    def read(self, x: Input) -> Document:
        """A :class:`Document` from a path, a text, or a Document."""
        if isinstance(x, Document):
            return x
        if isinstance(x, Path) or looks_like_path(x):
            return read(x)
        return Document.from_text(x)

    def process(self, docs: Sequence[Document], sections: str = "all") -> list[Document]:
        """Run every stage on documents already read; fills sentences, entities and labels."""
        return self.label(self.prepare(docs, sections), sections)

    def prepare(self, docs: Sequence[Document], sections: str = "all") -> list[Document]:
        """The per-document stages: clean, segment, entities (archive runs do these in worker processes)."""
        docs = list(docs)
        for d in docs:
            if not d.clean:
                clean_document(d)
        self.segment(docs, sections)
        if self.entities is not None:
            self.entities.annotate(docs)
        return docs

    def label(self, docs: list[Document], sections: str = "all") -> list[Document]:
        """Classify the sentences of prepared documents, pooled across them; warn about empty ones."""
        self.classify(docs)
        for d in docs:
            if not any(not s.is_heading for s in d.sentences):
                msg = f"{d.source or d.doc_id}: no sentences found" + (" in the closing chapter" if sections == "closing" else "")
                d.warnings.append(msg)
                warnings.warn(msg, stacklevel=2)
        return docs

    def segment(self, docs: Sequence[Document], sections: str = "all") -> None:
        if sections not in ("all", "closing"):
            from claimex.errors import ClaimexError

            raise ClaimexError(f"sections must be 'all' or 'closing', found {sections!r}")
        jobs, texts = [], []
        for d in docs:
            lo, hi = closing_span(d.sections, len(d.clean)) if sections == "closing" else (0, len(d.clean))
            for b in d.blocks:
                if lo <= b.clean_start < hi:
                    jobs.append((d, b))
                    texts.append(d.clean[b.clean_start:b.clean_end] if b.kind != "heading" else "")
        body = [i for i, (_, b) in enumerate(jobs) if b.kind != "heading"]
        spans = dict(zip(body, self.segmenter.segment([texts[i] for i in body])))
        for d in docs:
            d.sentences = []
        para = 0
        for i, (d, b) in enumerate(jobs):
            para += 1
            if b.kind == "heading":
                _add(d, b.clean_start, b.clean_end, [], True, None, para)
                continue
            for k, sp in enumerate(spans[i]):
                toks = [(b.clean_start + t.start, b.clean_start + t.end, t.text, t.words) for t in sp.tokens]
                _add(d, b.clean_start + sp.start, b.clean_start + sp.end, toks, False, b.marker if k == 0 else None, para)

    def classify(self, docs: Sequence[Document]) -> None:
        items, owners = [], []
        for d in docs:
            for s, x in zip(d.sentences, inputs_from_document(d)):
                items.append(x)
                owners.append(s)
        for s, scores in zip(owners, self.classifier.predict_proba(items) if items else []):
            s.label, s.score = argmax(scores)
            s.scores = {k: round(float(v), 4) for k, v in scores.items()}
            if s.score < self.abstain and not s.is_heading:
                s.label = "other"

    # ---- results ------------------------------------------------------------------------
    def claims(self, doc: Document, all_sentences: bool = False) -> list[Claim]:
        """The document's claims: sentences labelled finding / recommendation / limitation
        (every sentence, headings included, with ``all_sentences``)."""
        out = []
        for s in doc.sentences:
            if not all_sentences and (s.is_heading or s.label not in CLAIM_LABELS):
                continue
            out.append(Claim(
                doc_id=doc.doc_id, source=doc.source, page=s.page, line=s.line, section=s.section_path,
                sentence_index=s.index, start=s.start, end=s.end, text=s.text, label=s.label or "other",
                score=round(float(s.score or 0.0), 4), scores=s.scores, entities=list(s.entities),
                addressee=addressee(s) if s.label == "recommendation" else None,
            ))
        return out

    def extract(self, x: Input | list[Input], all_sentences: bool = False, sections: str = "all",
                entity_counts: bool = False) -> Any:
        """Claims of one input (a list of Claim) or of a list of inputs (a list per input).

        With ``entity_counts=True`` each result is a pair ``(claims, counts)``: ``counts`` lists
        every entity of the whole document, ``{"canonical", "type", "id", "count"}``, most frequent first.
        """
        many = isinstance(x, (list, tuple))
        items: Iterable[Input] = x if many else [x]  # type: ignore[assignment]
        docs = self.process([self.read(i) for i in items], sections=sections)
        results: list[Any] = [self.claims(d, all_sentences) for d in docs]
        if entity_counts:
            results = [(r, list(d.meta.get("entity_counts", []))) for r, d in zip(results, docs)]
        return results if many else results[0]

    __call__ = extract


def _add(d: Document, cs: int, ce: int, toks: list, heading: bool, marker: str | None, para: int) -> None:
    rs, re_ = d.raw_span(cs, ce)
    d.sentences.append(Sentence(
        index=len(d.sentences), text=d.clean[cs:ce], start=rs, end=re_, clean_start=cs, clean_end=ce,
        section=path_at(d.sections, cs) if not heading else path_at(d.sections, cs),
        page=d.page_of(rs), line=d.line_of(rs), is_heading=heading, list_marker=marker, paragraph=para,
        tokens=[Token(text, *d.raw_span(a, b), words=list(w)) for a, b, text, w in toks],
    ))


def addressee(s: Sentence) -> str | None:
    """Who a recommendation speaks to: a "Bagi …" sub-heading, a leading "Bagi X,", or the
    first organisation named in the sentence."""
    for title in reversed(s.section):
        m = ADDRESSEE.match(title)
        if m:
            return m.group(1)
    m = ADDRESSEE_IN_TEXT.match(s.text)
    if m:
        return m.group(1)
    orgs = [e for e in s.entities if e.type == "ORG"]
    return (orgs[0].canonical or orgs[0].text) if orgs else None


def _load_entities():
    try:
        from claimex.entities import EntityRecognizer
    except ImportError:
        return None
    return EntityRecognizer()


def section_path(sentence: Sentence) -> str:
    return SECTION_SEP.join(sentence.section)
