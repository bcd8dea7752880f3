"""The two real closing chapters in ../shared/seeds, read as users receive them."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from claimex.cli import app


def run_extract(path, *extra) -> list[dict]:
    res = CliRunner().invoke(app, ["extract", str(path), "--format", "jsonl", "--all-sentences", *extra])
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.stdout.splitlines()]


def letters(s: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", s)


@pytest.mark.parametrize("segmenter", ["rules", "auto"])
@pytest.mark.parametrize("name,sections", [
    ("000_aa302228cb1b8149.txt", {"BAB V PENUTUP", "BAB V PENUTUP › 5.1 Kesimpulan", "BAB V PENUTUP › 5.2 Saran"}),
    ("004_1a9651c621a4b1d7.txt", {"BAB V PENUTUP", "BAB V PENUTUP › 5.1 Kesimpulan", "BAB V PENUTUP › 5.2 Saran",
                                  "BAB V PENUTUP › 5.2 Saran › 1. Bagi Aktor Negara dan Aktor Internasional yang Terlibat",
                                  "BAB V PENUTUP › 5.2 Saran › 2. Bagi Peneliti Selanjutnya"}),
])
def test_seed_records(seeds, name, sections, segmenter):
    path = seeds / name
    raw = path.read_text(encoding="utf-8")
    rows = run_extract(path, "--model", "rules", "--segmenter", segmenter)
    assert {r["section"] for r in rows} == sections
    assert [r["sentence_index"] for r in rows] == list(range(len(rows)))
    body = [r for r in rows if not re.fullmatch(r"(BAB V|PENUTUP|BAB V PENUTUP|\d\.\d \w+|\d\. Bagi .*)", r["text"])]
    assert len(body) >= 20
    for r in rows:
        # raw offsets slice the file back to the sentence's words
        assert letters(raw[r["start"]:r["end"]]) == letters(r["text"]), r["text"]
        # no line-break or Markdown artefacts
        assert "\n" not in r["text"] and "*" not in r["text"] and "#" not in r["text"]
        assert "  " not in r["text"]
        # no sentence runs across a heading
        assert not re.search(r"\b(5\.[12] (Saran|SARAN|Kesimpulan)|Bagi Peneliti Selanjutnya Bagi)\b", r["text"][1:])
    # every sentence ends like one (no split in the middle)
    for r in body:
        assert r["text"][-1] in ".:\"”)", r["text"]


def test_seed_limitation_and_recommendation(seeds):
    rows = run_extract(seeds / "000_aa302228cb1b8149.txt", "--model", "rules", "--segmenter", "rules")
    by_start = {r["text"].split()[0] + " " + r["text"].split()[1]: r["label"] for r in rows}
    assert by_start["Penulis menyadari"] == "limitation"
    assert by_start["Diharapkan UNODC"] == "recommendation"
