"""Read the public Indonesian NER sets and the claimex corpus as ``(text, spans)`` examples.

Every example is a text and its gold spans ``(start, end, type)`` with claimex types
(ORG, GPE, LAW). The public sets are pre-tokenised; their text is the tokens joined by
single spaces, so span offsets index that string.

Label maps (see each set's README for caveats):

- ``idner-news-2k``: ORG → ORG, LOC → GPE (LOC also covers rivers, mountains, buildings:
  a known mismatch with GPE), PER dropped.
- ``indonlu-nergrit``: ORGANISATION → ORG, PLACE → GPE, PERSON dropped.
- ``indonlu-nerp``: IND → ORG (it also covers companies and brands), PLC → GPE, others
  dropped; lower-cased, so only useful for a case-insensitive model.

Example:
    >>> ex = read_conll("../shared/data/idner-news-2k/test.txt", "idner")   # doctest: +SKIP
    >>> ex[0].text[ex[0].spans[0][0]:ex[0].spans[0][1]]                       # doctest: +SKIP
    'Indonesia'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

LABEL_MAPS: dict[str, dict[str, str]] = {
    "idner": {"ORG": "ORG", "LOC": "GPE"},
    "nergrit": {"ORGANISATION": "ORG", "PLACE": "GPE"},
    "nerp": {"IND": "ORG", "PLC": "GPE"},
    "claimex": {"ORG": "ORG", "GPE": "GPE", "LAW": "LAW"},
}


@dataclass
class Example:
    """A text with gold spans; ``words`` keeps the original tokens when the source had them."""

    text: str
    spans: list[tuple[int, int, str]]
    words: list[str] = field(default_factory=list)
    source: str = ""


def _flush(tokens: list[str], tags: list[str], label_map: dict[str, str], source: str) -> Example:
    text_parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for t in tokens:
        offsets.append((pos, pos + len(t)))
        text_parts.append(t)
        pos += len(t) + 1
    text = " ".join(text_parts)
    spans: list[tuple[int, int, str]] = []
    cur: list | None = None  # [start_tok, end_tok, label]
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if tag == "O" or not lab:
            if cur:
                spans.append((offsets[cur[0]][0], offsets[cur[1]][1], cur[2]))
            cur = None
            continue
        # IOB1-style "I-" without a matching open span starts a new one (nerp has these)
        if prefix == "B" or cur is None or cur[2] != lab:
            if cur:
                spans.append((offsets[cur[0]][0], offsets[cur[1]][1], cur[2]))
            cur = [i, i, lab]
        else:
            cur[1] = i
    if cur:
        spans.append((offsets[cur[0]][0], offsets[cur[1]][1], cur[2]))
    mapped = [(s, e, label_map[lab]) for s, e, lab in spans if lab in label_map]
    return Example(text=text, spans=mapped, words=list(tokens), source=source)


def read_conll(path: str | Path, scheme: str) -> list[Example]:
    """Read a BIO file (``token [POS] TAG`` per line, blank line between sequences).

    ``scheme`` picks the label map: ``idner``, ``nergrit`` or ``nerp``.
    """
    label_map = LABEL_MAPS[scheme]
    out: list[Example] = []
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                if tokens:
                    out.append(_flush(tokens, tags, label_map, scheme))
                tokens, tags = [], []
                continue
            cols = line.split("\t") if "\t" in line else line.split(" ")
            tokens.append(cols[0])
            tags.append(cols[-1])
    if tokens:
        out.append(_flush(tokens, tags, label_map, scheme))
    return out


def from_corpus(docs: Iterable[object]) -> list[Example]:
    """One example per annotated sentence of claimex corpus documents (headings carry no entity
    spans by the corpus's convention, and the entity stage does not tag them)."""
    out = []
    for d in docs:
        for u in d.units:  # type: ignore[attr-defined]
            if u.kind == "heading":
                continue
            spans = [(e["start"], e["end"], e["type"]) for e in u.entities]
            out.append(Example(text=u.text, spans=spans, source=f"claimex:{d.doc_id}"))  # type: ignore[attr-defined]
    return out


PUBLIC_SETS: dict[str, tuple[str, str, dict[str, str]]] = {
    # name: (folder, scheme, {split: file})
    "idner-news-2k": ("idner-news-2k", "idner", {"train": "train.txt", "dev": "dev.txt", "test": "test.txt"}),
    "indonlu-nergrit": ("indonlu-nergrit", "nergrit", {"train": "train.txt", "dev": "valid.txt", "test": "test.txt"}),
    "indonlu-nerp": ("indonlu-nerp", "nerp", {"train": "train.txt", "dev": "valid.txt", "test": "test.txt"}),
}


def load_public(data_dir: str | Path, name: str, split: str) -> list[Example]:
    """A split (``train``/``dev``/``test``) of one public set under ``data_dir`` (``../shared/data``)."""
    folder, scheme, files = PUBLIC_SETS[name]
    return read_conll(Path(data_dir) / folder / files[split], scheme)
