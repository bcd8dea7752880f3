"""The hand labels of the seed chapters (benchmarks/data/seed_labels.json) stay consistent:
valid labels, the checked sentence boundaries, the seed files they were made on, no seed text."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABELS_FILE = ROOT / "benchmarks" / "data" / "seed_labels.json"
BOUNDARIES = ROOT / "benchmarks" / "data" / "seed_sentences.json"
SEEDS = Path(os.environ.get("CLAIMEX_SHARED", ROOT.parent / "shared")) / "seeds"


def test_seed_labels_file():
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    bounds = {f["name"]: f for f in json.loads(BOUNDARIES.read_text(encoding="utf-8"))["files"]}
    assert len(data["files"]) == 2
    for f in data["files"]:
        assert [[s, e] for s, e, _ in f["sentences"]] == bounds[f["name"]]["sentences"]
        assert f["sha256"] == bounds[f["name"]]["sha256"]
        assert {label for _, _, label in f["sentences"]} <= {"finding", "recommendation", "limitation", "other"}
        assert all(isinstance(s, int) and isinstance(e, int) and s < e for s, e, _ in f["sentences"])
    # offsets and labels only: no string longer than a label in the sentence records
    assert all(len(str(x)) < 20 for f in data["files"] for row in f["sentences"] for x in row)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed chapters not found at {SEEDS}")
def test_seed_labels_match_the_seed_files():
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    for f in data["files"]:
        raw = (SEEDS / f["name"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == f["sha256"]
        text = raw.decode("utf-8")
        for s, e, _ in f["sentences"]:
            assert text[s:e].strip() and not text[s].isspace()
