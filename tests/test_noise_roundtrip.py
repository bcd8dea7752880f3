"""Cleaning and segmentation recover the annotated corpus from its noisy renderings.

``render_noisy`` turns each gold document into what users feed claimex (wrapped PDF
text with page numbers, running headers, hyphenation and footnote numbers; converter
Markdown); the pipeline has to give the gold sentences and headings back, with raw
offsets that point at them in the noisy text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimex.annotations.corpus import AnnotatedDoc, load_corpus
from claimex.annotations.noise import STYLES, render_noisy
from claimex.doc import Document

CORPUS = Path(__file__).resolve().parents[1] / "data" / "annotations"
SAMPLE = slice(0, None, 3)  # every third corpus document: about 54 documents, 1,500 sentences
MIN_RECALL = 0.97


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def corpus() -> list[AnnotatedDoc]:
    docs = load_corpus(CORPUS)[SAMPLE]
    assert len(docs) >= 40
    return docs


@pytest.fixture(scope="module")
def rendered(corpus, rules_pipeline) -> dict[str, list[tuple[AnnotatedDoc, str, list[tuple[int, int]], Document]]]:
    """Per style: (gold document, noisy text, gold spans in it, processed document)."""
    out = {}
    for style in STYLES:
        rows = []
        for i, gold in enumerate(corpus):
            text, spans = render_noisy(gold, seed=i, style=style)
            doc = rules_pipeline.prepare([rules_pipeline.read(text)])[0]
            rows.append((gold, text, spans, doc))
        out[style] = rows
    return out


def test_render_noisy_is_deterministic(corpus):
    for gold in corpus[:6]:
        for style in STYLES:
            assert render_noisy(gold, seed=3, style=style) == render_noisy(gold, seed=3, style=style)
        assert render_noisy(gold, seed=3) == render_noisy(gold, seed=3)
    pdf = [render_noisy(gold, seed=s, style="pdf")[0] for gold in corpus[:6] for s in (1, 2)]
    assert pdf[0::2] != pdf[1::2]  # the seed matters


@pytest.mark.parametrize("style", STYLES)
def test_renderings_are_noisy(rendered, style):
    """The sample holds the noise the other tests are about (so they cannot pass vacuously)."""
    texts = "\n".join(text for _, text, _, _ in rendered[style])
    if style == "markdown":
        assert texts.count("## ") >= 40 and texts.count("*") >= 100
    else:
        assert texts.count("\f") >= 20  # page breaks with page numbers and running headers
        assert len(re.findall(r"[a-z]-[ ]?\n", texts)) >= 50  # words hyphenated at line ends
        assert len(re.findall(r"[a-z]\.\d{1,2}\s", texts)) >= 10  # footnote numbers


@pytest.mark.parametrize("style", STYLES)
def test_gold_sentences_are_recovered(rendered, style):
    total, misses = 0, []
    for gold, text, spans, doc in rendered[style]:
        found = {norm(s.text): s for s in doc.sentences if not s.is_heading}
        for unit, span in zip(gold.units, spans):
            if unit.kind != "sentence":
                continue
            total += 1
            s = found.get(norm(unit.text))
            if s is None:
                misses.append(f"{gold.doc_id}: {unit.text[:90]}")
                continue
            # raw offsets point at the sentence in the noisy text, from its first to its last character
            assert (s.start, s.end) == span, (gold.doc_id, unit.text, text[s.start:s.end])
    recall = 1 - len(misses) / total
    assert recall >= MIN_RECALL, f"{style}: {recall:.3f} of {total} gold sentences recovered; missed:\n" + \
        "\n".join(misses[:15])


@pytest.mark.parametrize("style", STYLES)
def test_gold_headings_are_found(rendered, style):
    missing = []
    for gold, _, _, doc in rendered[style]:
        heads = [f" {norm(s.text)} " for s in doc.sentences if s.is_heading]
        for unit in gold.units:
            # "BAB V" and its title on the next line are read as one heading
            if unit.kind == "heading" and not any(f" {norm(unit.text)} " in h for h in heads):
                missing.append(f"{gold.doc_id}: {unit.text}")
    assert not missing, f"{style}: gold headings not found as headings:\n" + "\n".join(missing)
