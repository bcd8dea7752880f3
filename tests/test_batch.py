"""Archive runs: faults are logged and skipped, kill -9 then resume gives the same output, Ray equals local."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from claimex.archive import batch

OPTS = dict(model="rules", segmenter="rules", entities=False, workers=2, docs_per_batch=3)


def chapter(i: int) -> str:
    place = ["Sleman", "Bantul", "Kupang", "Medan", "Ambon", "Palu"][i % 6]
    return (f"BAB V PENUTUP\n5.1 Kesimpulan\nProgram posyandu di {place} meningkatkan cakupan imunisasi sebesar "
            f"{10 + i}%. Kader yang dilatih lebih aktif.\n5.2 Saran\nDinas Kesehatan perlu menambah pelatihan kader "
            f"di {place}. Penelitian ini hanya menggunakan data satu tahun.\n")


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 800
    for line in text.splitlines():
        while line:
            c.drawString(40, y, line[:90])
            line = line[90:]
            y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "arsip"
    (root / "2021").mkdir(parents=True)
    for i in range(12):
        (root / "2021" / f"skripsi_{i:02d}.pdf").write_bytes(pdf_bytes(chapter(i)))
    (root / "bab5.md").write_text(chapter(99), encoding="utf-8")
    # bad files: corrupt, encrypted, empty, image-only PDFs, a binary .txt, a zip entry escaping the archive
    (root / "rusak.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (root / "kosong.pdf").write_bytes(b"")
    (root / "gambar.pdf").write_bytes(_image_only())
    (root / "terkunci.pdf").write_bytes(_encrypted(pdf_bytes(chapter(5))))
    (root / "biner.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    with zipfile.ZipFile(root / "kiriman.zip", "w") as z:
        z.writestr("tesis_a.txt", chapter(40))
        z.writestr("../../lolos.txt", chapter(41))
    return root


BAD = {"rusak.pdf", "kosong.pdf", "gambar.pdf", "terkunci.pdf", "biner.txt", "kiriman.zip!../../lolos.txt"}


def _image_only() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for p in PdfReader(io.BytesIO(data)).pages:
        w.add_page(p)
    w.encrypt(user_password="a", owner_password="b")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def rel(name: str, root: Path) -> str:
    return name.replace(str(root) + "/", "")


def test_faults_are_logged_and_the_run_goes_on(archive, tmp_path):
    out = tmp_path / "claims.jsonl"
    s = batch([archive], out, **OPTS)
    assert s.succeeded == 14 and s.failed == len(BAD)
    report = [json.loads(x) for x in (tmp_path / "claims.jsonl.errors.jsonl").read_text().splitlines()]
    assert {rel(r["source"], archive) for r in report} == BAD
    reasons = {rel(r["source"], archive): r["reason"] for r in report}
    assert "encrypted" in reasons["terkunci.pdf"] and "image-only" in reasons["gambar.pdf"]
    assert "escapes" in reasons["kiriman.zip!../../lolos.txt"]
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert {rel(r["source"], archive) for r in rows} == {f"2021/skripsi_{i:02d}.pdf" for i in range(12)} | {
        "bab5.md", "kiriman.zip!tesis_a.txt"}
    assert {r["label"] for r in rows} == {"finding", "recommendation", "limitation"}
    # a re-run skips every unchanged document and writes the same output
    again = batch([archive], out, **OPTS)
    assert again.skipped_unchanged == 14 and out.read_text() == "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"


@pytest.mark.parametrize("fmt", [".csv", ".parquet"])
def test_other_output_formats(archive, tmp_path, fmt):
    out = tmp_path / f"claims{fmt}"
    s = batch([archive], out, **OPTS)
    if fmt == ".csv":
        assert out.read_text().count("\n") == s.claims + 1
    else:
        import pyarrow.parquet as pq

        assert pq.read_table(out).num_rows == s.claims


def test_existing_output_needs_force(archive, tmp_path):
    from claimex.errors import ClaimexError

    out = tmp_path / "claims.jsonl"
    out.write_text("someone else's file\n")
    with pytest.raises(ClaimexError, match="--force"):
        batch([archive], out, **OPTS)
    assert batch([archive], out, force=True, **OPTS).succeeded == 14


KILLER = """
import os, signal, sys, sqlite3
import claimex.archive as a
calls = {{"n": 0}}
real = a.Manifest.{method}
def dying(self, *args, **kw):
    calls["n"] += 1
    if calls["n"] == {after}:
        {action}
    return real(self, *args, **kw)
a.Manifest.{method} = dying
a.batch([sys.argv[1]], sys.argv[2], model="rules", segmenter="rules", entities=False, workers=2, docs_per_batch=3)
"""


@pytest.mark.parametrize("method,after,action", [
    # killed between two committed documents
    ("record", 8, "os.kill(os.getpid(), signal.SIGKILL)"),
    # killed inside a transaction: the write is begun, never committed
    ("record", 5, "self.db.execute('BEGIN IMMEDIATE'); self.db.execute(\"UPDATE docs SET state='x'\"); "
                  "os.kill(os.getpid(), signal.SIGKILL)"),
])
def test_kill_9_and_resume_equals_uninterrupted(archive, tmp_path, method, after, action):
    ref = tmp_path / "ref" / "claims.jsonl"
    batch([archive], ref, **OPTS)
    out = tmp_path / "run" / "claims.jsonl"
    out.parent.mkdir()
    script = KILLER.format(method=method, after=after, action=action)
    p = subprocess.run([sys.executable, "-c", script, str(archive), str(out)], capture_output=True, text=True)
    assert p.returncode == -9, p.stderr
    assert not out.exists()
    s = batch([archive], out, **OPTS)
    assert 0 < s.skipped_unchanged < 14
    assert out.read_text() == ref.read_text()
    assert (out.parent / "claims.jsonl.errors.jsonl").read_text() == (ref.parent / "claims.jsonl.errors.jsonl").read_text()


def test_cli_exit_status_and_summary(archive, tmp_path):
    from typer.testing import CliRunner

    from claimex.cli import app

    res = CliRunner().invoke(app, ["batch", str(archive), "--out", str(tmp_path / "c.jsonl"), "--model", "rules",
                                   "--segmenter", "rules", "--no-entities", "--quiet"])
    assert res.exit_code == 1
    assert "14 succeeded, 6 failed" in res.output


def test_ray_engine_equals_local(archive, tmp_path):
    ray = pytest.importorskip("ray")
    local = tmp_path / "local.jsonl"
    batch([archive], local, **OPTS)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        out = tmp_path / "ray.jsonl"
        s = batch([archive], out, engine="ray", **OPTS)
    finally:
        ray.shutdown()
    assert s.succeeded == 14 and s.failed == len(BAD)
    assert out.read_text() == local.read_text()


def test_int8_is_a_separate_run_with_nearly_the_same_claims(archive, tmp_path):
    pytest.importorskip("torch")
    opts = dict(OPTS, model="default", workers=1)
    out = tmp_path / "claims.jsonl"
    first = batch([archive], out, **opts)
    plain = {(r["source"], r["start"]): r["label"] for r in map(json.loads, out.read_text().splitlines())}
    again = batch([archive], out, int8=True, **opts)  # other options: labelled again, not skipped as unchanged
    quant = {(r["source"], r["start"]): r["label"] for r in map(json.loads, out.read_text().splitlines())}
    assert first.failed == len(BAD), first.errors
    assert again.skipped_unchanged == 0 and again.succeeded == first.succeeded and again.failed == first.failed
    keys = set(plain) | set(quant)
    assert plain and sum(plain.get(k) == quant.get(k) for k in keys) / len(keys) >= 0.8


def test_missing_model_fails_before_reading(archive, tmp_path):
    from claimex.errors import ClaimexError

    with pytest.raises(ClaimexError, match="neither a folder nor a known name"):
        batch([archive], tmp_path / "c.jsonl", **{**OPTS, "model": "no-such-model"})
    assert not (tmp_path / "c.jsonl.manifest.sqlite").exists()


def test_worker_builds_one_pipeline_and_labels_a_chunk():
    from claimex import archive

    archive._WORKER_PIPELINES.clear()
    # "baseline" names the rule classifier too; a reading pipeline of its own would use "rules"
    options = json.dumps({"sections": "closing", "model": "baseline", "segmenter": "rules", "entities": False})
    res = archive.process_chunk([("a.md", chapter(1).encode()), ("b.pdf", b"%PDF-1.4\n garbage")], 30.0, 100, options)
    assert len(archive._WORKER_PIPELINES) == 1  # reading and labelling share it
    assert res[0]["sentences"] == 4 and {c["label"] for c in res[0]["claims"]} >= {"finding", "recommendation"}
    assert set(res[1]) == {"error"}


def test_memory_guard_counts_from_the_inherited_size(monkeypatch):
    import ctypes
    import resource

    from claimex import archive

    seen = []
    monkeypatch.setattr(archive, "_address_space_mb", lambda: 5000)
    monkeypatch.setattr(resource, "setrlimit", lambda what, lim: seen.append((what, lim)))
    monkeypatch.setattr(ctypes, "CDLL", lambda *a, **k: (_ for _ in ()).throw(OSError("not here")))  # no prctl on pytest
    archive._init_worker(100)
    assert seen == [(resource.RLIMIT_AS, (5100 * 1024 * 1024, 5100 * 1024 * 1024))]


def test_chunk_size_keeps_every_worker_busy_to_the_end():
    from claimex.archive import chunk_size

    assert chunk_size(211, 2) == 7  # about 16 tasks per worker
    assert chunk_size(3, 2) == 1
    assert chunk_size(10_000, 4) == 16  # never more than docs_per_batch
    assert chunk_size(10_000, 4, docs_per_batch=8) == 8
