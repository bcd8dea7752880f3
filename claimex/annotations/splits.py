"""Fixed document-level splits and the near-duplicate check between them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Sequence

from claimex.annotations.corpus import AnnotatedDoc


def make_splits(docs: Sequence[AnnotatedDoc], dev: float = 0.15, test: float = 0.15,
                seed: str = "claimex-1") -> dict[str, list[str]]:
    """Split by document, stratified by discipline, in an order fixed by a seeded hash,
    so adding documents later never moves an existing one.

    Example:
        >>> from claimex.annotations.corpus import AnnotatedDoc
        >>> docs = [AnnotatedDoc(f"d{i}", {"discipline": "hukum"}, []) for i in range(20)]
        >>> {k: len(v) for k, v in make_splits(docs).items()}
        {'train': 14, 'dev': 3, 'test': 3}
    """
    by_disc: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_disc[str(d.meta.get("discipline", "?"))].append(d.doc_id)
    out: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for disc in sorted(by_disc):
        ids = sorted(by_disc[disc], key=lambda x: hashlib.sha256(f"{seed}:{x}".encode()).hexdigest())
        n_test = round(len(ids) * test)
        n_dev = round(len(ids) * dev)
        out["test"] += ids[:n_test]
        out["dev"] += ids[n_test:n_test + n_dev]
        out["train"] += ids[n_test + n_dev:]
    return {k: sorted(v) for k, v in out.items()}


def near_duplicates(train: Sequence[str], others: Sequence[str], threshold: float = 0.8) -> list[tuple[int, int, float]]:
    """Pairs ``(other_index, train_index, similarity)`` at or above ``threshold``.

    Similarity is the cosine of TF-IDF vectors of character 3–5-grams (within word
    boundaries), which catches copies with a changed number, name or word.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not train or not others:
        return []
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True)
    a = vec.fit_transform(list(train) + list(others))
    t, o = a[: len(train)], a[len(train):]
    sims = (o @ t.T).tocoo()
    return sorted(((int(i), int(j), float(v)) for i, j, v in zip(sims.row, sims.col, sims.data) if v >= threshold),
                  key=lambda x: -x[2])


def max_similarity(train: Sequence[str], others: Sequence[str]) -> list[float]:
    """For each sentence of ``others``, its highest similarity to any train sentence."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True, sublinear_tf=True)
    a = vec.fit_transform(list(train) + list(others))
    sims = a[len(train):] @ a[: len(train)].T
    return [float(x) for x in sims.max(axis=1).toarray().ravel()]
