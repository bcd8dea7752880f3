"""Converters: small fixtures in each tool's real export format, and round trips."""

from __future__ import annotations

import json

import pytest

from claimex.annotations.convert import (from_doccano, from_label_studio, from_prodigy, read_export, to_doccano,
                                         to_label_studio, to_prodigy)
from claimex.annotations.corpus import SCHEMA, AnnotatedDoc, Unit, read_document
from claimex.errors import AnnotationError

CHAPTER = "BAB V PENUTUP\n5.1 Kesimpulan\nProgram BPJS Kesehatan efektif di Sleman. Datanya terbatas.\n5.2 Saran\n1. Dinas perlu bertindak."


def doc() -> AnnotatedDoc:
    units = [
        Unit("heading", "BAB V PENUTUP", "other", 1, level=1),
        Unit("heading", "5.1 Kesimpulan", "other", 2, level=2),
        Unit("sentence", "Program BPJS Kesehatan efektif di Sleman.", "finding", 3,
             entities=[{"start": 8, "end": 22, "type": "ORG"}, {"start": 34, "end": 40, "type": "GPE"}]),
        Unit("sentence", "Datanya terbatas.", "limitation", 3),
        Unit("heading", "5.2 Saran", "other", 4, level=2),
        Unit("sentence", "Dinas perlu bertindak.", "recommendation", 5, marker="1."),
    ]
    d = AnnotatedDoc("kes-01", {"schema": SCHEMA, "doc_id": "kes-01", "discipline": "kesehatan", "level": "skripsi"}, units)
    path = []
    for u in d.units:  # derive section paths as the reader does
        if u.kind == "heading":
            path = [p for p in path if p[0] < u.level] + [(u.level, u.text)]
        u.section = tuple(t for _, t in path)
    return d


def same(a: AnnotatedDoc, b: AnnotatedDoc) -> None:
    key = lambda u: (u.kind, u.text, u.label, u.section, u.marker, [(e["start"], e["end"], e["type"]) for e in u.entities])
    assert [key(u) for u in a.units] == [key(u) for u in b.units]


def test_render_matches_fixture_text():
    assert doc().render()[0] == CHAPTER.replace("\n", "\n\n") + "\n"


@pytest.mark.parametrize("export,read", [(to_label_studio, from_label_studio), (to_doccano, from_doccano),
                                         (to_prodigy, from_prodigy)])
def test_round_trip(export, read):
    d = doc()
    (back,) = read(json.loads(json.dumps(export([d]))))
    same(d, back)
    assert back.doc_id == "kes-01" and back.meta["discipline"] == "kesehatan"


def test_label_studio_real_export_shapes(tmp_path):
    # document task with span labels (a Labels control named "label") and a sentence task with Choices
    tasks = [
        {"id": 7, "data": {"text": "5.2 Saran\nPemerintah perlu bertindak. Itu saja."},
         "annotations": [{"id": 1, "completed_by": 1, "was_cancelled": False, "result": [
             {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
              "value": {"start": 10, "end": 37, "text": "Pemerintah perlu bertindak.", "labels": ["recommendation"]}}]}]},
        {"id": 8, "data": {"text": "Sampel hanya 30 orang.", "doc_id": "d2", "section": "BAB V › Saran"},
         "annotations": [{"id": 2, "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                              "value": {"choices": ["limitation"]}}]}]},
    ]
    f = tmp_path / "export.json"
    f.write_text(json.dumps(tasks))
    a, b = read_export(f, "label-studio")
    assert [(u.kind, u.label, u.text) for u in a.units] == [
        ("heading", "other", "5.2 Saran"), ("sentence", "recommendation", "Pemerintah perlu bertindak."),
        ("sentence", "other", "Itu saja.")]
    assert b.doc_id == "d2" and b.units[0].label == "limitation" and b.units[0].section == ("BAB V", "Saran")


def test_doccano_real_export_shapes(tmp_path):
    lines = [{"id": 1, "text": "Kesimpulan\nPosyandu aktif di Bantul.", "label": [[11, 36, "finding"], [28, 34, "GPE"]],
              "Comments": []},
             {"id": 2, "text": "Kader perlu dilatih.", "label": ["recommendation"], "Comments": []}]
    f = tmp_path / "all.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines))
    a, b = read_export(f, "doccano")
    assert a.units[1].entities == [{"start": 17, "end": 23, "type": "GPE"}]
    assert b.units[0].label == "recommendation"


def test_prodigy_real_export_shapes(tmp_path):
    lines = [{"text": "Kader perlu dilatih.", "label": "recommendation", "answer": "accept", "_input_hash": 1, "_task_hash": 2},
             {"text": "Ini ditolak.", "label": "finding", "answer": "reject"},
             {"text": "Data terbatas.", "options": [{"id": "limitation"}], "accept": ["limitation"], "answer": "accept"},
             {"text": "Saran\nUNODC perlu hadir.", "spans": [{"start": 6, "end": 25, "label": "recommendation"},
                                                       {"start": 6, "end": 11, "label": "ORG"}],
              "answer": "accept", "meta": {"doc_id": "p9"}}]
    f = tmp_path / "db.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in lines))
    docs = read_export(f, "prodigy")
    assert [u.label for d in docs for u in d.units] == ["other", "recommendation", "recommendation", "limitation"]


@pytest.mark.parametrize("records,needle", [
    ([{"text": "x", "label": ["temuan"]}], "'temuan' is not allowed; allowed: finding"),
    ([{"text": "x", "label": [[0, 1, "PERSON"]]}], "'PERSON' is not allowed"),
    ([{"label": ["finding"]}], "expected a string 'text'"),
])
def test_bad_labels_name_the_allowed_ones(records, needle):
    with pytest.raises(AnnotationError, match=needle):
        from_doccano(records, name="f")


def test_export_with_predictions_from_rules(tmp_path):
    from claimex.classify.rules import RuleClassifier

    (task,) = to_label_studio([doc()], classifier=RuleClassifier())
    pred = [r["value"]["labels"][0] for r in task["predictions"][0]["result"]]
    assert pred[-1] == "recommendation" and len(pred) == 3


def test_written_jsonl_reads_back(tmp_path):
    d = doc()
    f = tmp_path / "kes-01.jsonl"
    f.write_text(d.to_jsonl())
    back, errors = read_document(f)
    assert errors == []
    same(d, back)
