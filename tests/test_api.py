from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import claimex
from claimex.cli import app
from claimex.doc import Claim, Document

CHAPTER = ("BAB V PENUTUP\n5.1 Kesimpulan\nPelatihan kader meningkatkan cakupan imunisasi sebesar 12%.\n"
           "5.2 Saran\nDinas Kesehatan perlu menambah jadwal pelatihan.\n")


def test_import_is_light():
    code = ("import sys, claimex, claimex.pipeline, claimex.cli; "
            "print([m for m in ('torch','transformers','stanza','spacy','peft') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_extract_text_path_and_list(tmp_path):
    kw = dict(model="rules", segmenter="rules", entities=False)
    claims = claimex.extract(CHAPTER, **kw)
    assert [c.label for c in claims] == ["finding", "recommendation"]
    f = tmp_path / "bab5.md"
    f.write_text(CHAPTER, encoding="utf-8")
    assert [c.text for c in claimex.extract(str(f), **kw)] == [c.text for c in claims]
    many = claimex.extract([CHAPTER, f], **kw)
    assert len(many) == 2 and all(isinstance(x, list) for x in many)
    assert many[1][0].source == str(f)


def test_claim_round_trip():
    (c, _) = claimex.extract(CHAPTER, model="rules", segmenter="rules", entities=False)
    assert Claim.from_dict(json.loads(json.dumps(c.to_dict()))) == c


def test_document_round_trip(rules_pipeline):
    (doc,) = rules_pipeline.process([Document.from_text(CHAPTER)])
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again == doc


def test_empty_document_warns(rules_pipeline):
    with pytest.warns(UserWarning, match="no sentences"):
        assert rules_pipeline.extract("   \n\n") == []


def test_load_returns_reusable_pipeline():
    nlp = claimex.load(model="rules", segmenter="rules", entities=False)
    assert nlp.extract(CHAPTER)[1].addressee is None
    assert nlp.extract("Bagi Dinas Kesehatan, jadwal pelatihan perlu ditambah.")[0].addressee == "Dinas Kesehatan"


@pytest.mark.parametrize("args,needle", [
    (["extract", "tidak-ada.pdf"], "no such file"),
    (["extract", "bab5.odt"], "unsupported file type"),
    (["extract", "x.txt", "--format", "xml"], "--format must be"),
])
def test_cli_user_errors_exit_2_without_traceback(args, needle):
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert needle in res.output and "Traceback" not in res.output


def test_cli_corrupt_pdf_is_one_line(tmp_path):
    f = tmp_path / "rusak.pdf"
    f.write_bytes(b"%PDF-1.4 broken")
    res = subprocess.run([sys.executable, "-m", "claimex.cli", "extract", str(f)], capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "rusak.pdf" in res.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_cli_formats(tmp_path, fmt):
    f = tmp_path / "bab5.txt"
    f.write_text(CHAPTER, encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", str(f), "--format", fmt, "--model", "rules", "--segmenter", "rules"])
    assert res.exit_code == 0
    assert "Dinas Kesehatan perlu menambah jadwal pelatihan." in res.stdout
