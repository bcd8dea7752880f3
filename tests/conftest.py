from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_PDF_TEXT = SEEDS / "000_aa302228cb1b8149.txt"
SEED_MARKDOWN = SEEDS / "004_1a9651c621a4b1d7.txt"


@pytest.fixture
def seeds() -> Path:
    if not SEED_PDF_TEXT.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    return SEEDS


@pytest.fixture(scope="session")
def rules_pipeline():
    from claimex.pipeline import Pipeline

    return Pipeline(model="rules", segmenter="rules", entities=False)
