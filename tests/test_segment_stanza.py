"""StanzaSegmenter: the shipped model loads offline, the rule layer, offsets, pooling, round trip."""

from __future__ import annotations

import json
import shutil
import socket
import sys

import pytest

pytest.importorskip("stanza")

from claimex.segment.base import Segmenter, get_segmenter  # noqa: E402
from claimex.segment.stanza import (  # noqa: E402
    DEFAULT_MODEL_DIR, MODEL_FILES, StanzaSegmenter, built_model_dir, fix_sentences, pack_pt,
)
from claimex.segment.base import SentSpan, TokSpan  # noqa: E402
from conftest import HARD_PERIOD_CASES  # noqa: E402

pytestmark = pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "tokenizer.safetensors").is_file(),
                                reason="shipped Stanza model not present")


def _no_network(*args, **kwargs):
    raise AssertionError("a network call was attempted")


@pytest.fixture(scope="module")
def seg(tmp_path_factory):
    """The shipped model, rebuilt into a fresh cache, with every download path blocked."""
    import stanza.resources.common as rc

    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("CLAIMEX_CACHE", str(tmp_path_factory.mktemp("cache")))
    for fn in ("download_models", "download_resources_json", "request_file", "download_file"):
        if hasattr(rc, fn):
            mp.setattr(rc, fn, _no_network)
    mp.setattr(socket.socket, "connect", _no_network)
    s = StanzaSegmenter()
    s.segment(["Ini uji."])  # build the pipeline while the network is blocked
    yield s
    mp.undo()


def texts(seg, block):
    return [s.text for s in seg.segment([block])[0]]


def test_is_a_segmenter(seg):
    assert isinstance(seg, Segmenter) and seg.name == "stanza"


@pytest.mark.parametrize("block, expected", [
    ("Data diperoleh dari wawancara, observasi, dokumentasi, dll. Selanjutnya data dianalisis.",
     ["Data diperoleh dari wawancara, observasi, dokumentasi, dll.", "Selanjutnya data dianalisis."]),
    ("Sumbernya buku, jurnal, dsb. Semua dibaca dengan teliti.",
     ["Sumbernya buku, jurnal, dsb.", "Semua dibaca dengan teliti."]),
    ("Data kasus diperoleh dari BNN. Penelitian ini memakai data tahun 2020.",
     ["Data kasus diperoleh dari BNN.", "Penelitian ini memakai data tahun 2020."]),
    ("Program itu didanai oleh UNODC. Hasilnya cukup baik bagi masyarakat.",
     ["Program itu didanai oleh UNODC.", "Hasilnya cukup baik bagi masyarakat."]),
    ("Menurut Ahmad dkk. (2019), metode ini tepat. Hasilnya baik.",
     ["Menurut Ahmad dkk. (2019), metode ini tepat.", "Hasilnya baik."]),
    ("Menurut Dr. Sari, kebijakan ini belum efektif.", ["Menurut Dr. Sari, kebijakan ini belum efektif."]),
    ("Saham PT. Maju Jaya naik pada tahun itu.", ["Saham PT. Maju Jaya naik pada tahun itu."]),
    # "hal." / "hlm." are abbreviations only before a number
    ("Penyebabnya ada tiga hal. Pertama, dana kurang.", ["Penyebabnya ada tiga hal.", "Pertama, dana kurang."]),
    ("Lihat Sari (2019) hlm. 45 untuk rinciannya.", ["Lihat Sari (2019) hlm. 45 untuk rinciannya."]),
    # "Al-Qur'an", "Syafi'i", "2000-an" end in words, not in the abbreviation "an" or an initial "i"
    ("Kajian ini memakai tafsir dalam Al-Qur'an. Kajian lain menarik.",
     ["Kajian ini memakai tafsir dalam Al-Qur'an.", "Kajian lain menarik."]),
    ("Hal ini sejalan dengan mazhab Syafi'i. Pemahaman ini relevan.",
     ["Hal ini sejalan dengan mazhab Syafi'i.", "Pemahaman ini relevan."]),
    ("Programnya berjalan sejak awal 2000-an. Faktor penghambatnya banyak.",
     ["Programnya berjalan sejak awal 2000-an.", "Faktor penghambatnya banyak."]),
    # initials after a title are not a final acronym
    ("Responden dirawat di RSJ Prof. HB. Saanin, sehingga cakupannya terbatas.",
     ["Responden dirawat di RSJ Prof. HB. Saanin, sehingga cakupannya terbatas."]),
    # no sentence starts in lower case or with a comma; a bracket or quote closes what it opened
    ("Bidan Ani Lestari, A.Md.Gz., menjelaskan menu sehat.", ["Bidan Ani Lestari, A.Md.Gz., menjelaskan menu sehat."]),
    ("Biayanya untuk bibit, pupuk, dll. yang dibeli petani sendiri.",
     ["Biayanya untuk bibit, pupuk, dll. yang dibeli petani sendiri."]),
    ("Panen tertunda dua bulan ... bahkan lebih di desa terpencil.",
     ["Panen tertunda dua bulan ... bahkan lebih di desa terpencil."]),
    ("Petani menolak sama sekali! Mereka memilih menunggu harga naik.",
     ["Petani menolak sama sekali!", "Mereka memilih menunggu harga naik."]),
    ("Slogannya singkat: “Tanam sekarang!” Warga pun ikut menanam.",
     ["Slogannya singkat: “Tanam sekarang!”", "Warga pun ikut menanam."]),
    ("“Siapa peduli? Kami tetap menanam,” ujar seorang petani.",
     ["“Siapa peduli? Kami tetap menanam,” ujar seorang petani."]),
    ("Data dikumpulkan tiga kali. (Rinciannya ada di Lampiran 2.) Analisis memakai uji t.",
     ["Data dikumpulkan tiga kali.", "(Rinciannya ada di Lampiran 2.)", "Analisis memakai uji t."]),
] + HARD_PERIOD_CASES)
def test_sentences(seg, block, expected):
    assert texts(seg, block) == expected


def test_clitics_are_words(seg):
    sents = seg.segment(["Hasilnya menunjukkan bahwa kebijakannya berhasil."])[0]
    words = {t.text: t.words for s in sents for t in s.tokens}
    assert words["Hasilnya"] == ["Hasil", "nya"]
    assert words["kebijakannya"] == ["kebijakan", "nya"]
    assert words["berhasil"] == ["berhasil"]


def test_offsets_map_back(seg):
    blocks = ["Penelitian ini  menemukan dua hal. Pertama,  anggarannya kurang!",
              "", "Apakah programnya efektif? Ya."]
    for block, sents in zip(blocks, seg.segment(blocks)):
        for s in sents:
            assert block[s.start:s.end] == s.text
            for t in s.tokens:
                assert block[t.start:t.end] == t.text and s.start <= t.start < t.end <= s.end
    assert seg.segment([""]) == [[]]


def test_pooled_equals_one_at_a_time(seg):
    blocks = ["Data dari BNN. Hasilnya naik.", "Metode yang dipakai ialah survei, wawancara, dll. Lalu dianalisis.",
              "Apakah kebijakannya efektif? Belum tentu.", "Pemerintah perlu menambah anggaran."] * 3
    assert seg.segment(blocks) == [seg.segment([b])[0] for b in blocks]


def test_round_trip_same_predictions(seg, tmp_path):
    """shipped safetensors+JSON -> .pt -> safetensors+JSON again: same files' content, same output."""
    import torch
    from safetensors.torch import load_file

    built = built_model_dir(DEFAULT_MODEL_DIR, tmp_path / "c1")
    out = tmp_path / "repacked"
    out.mkdir()
    pack_pt(built / "tokenizer.pt", out, "tokenizer")
    pack_pt(built / "mwt.pt", out, "mwt")
    for name in ("tokenizer", "mwt"):
        a, b = load_file(str(DEFAULT_MODEL_DIR / f"{name}.safetensors")), load_file(str(out / f"{name}.safetensors"))
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
        assert json.loads((out / f"{name}.json").read_text()) == json.loads((DEFAULT_MODEL_DIR / f"{name}.json").read_text())
    block = ["Data dari BNN. Menurut Dr. Sari, kebijakannya belum efektif, dll. Apakah berhasil?"]
    assert StanzaSegmenter(model_dir=out, cache_dir=tmp_path / "c2").segment(block) == seg.segment(block)


def test_user_stanza_dir(seg, tmp_path):
    built = built_model_dir(DEFAULT_MODEL_DIR)
    (tmp_path / "id" / "tokenize").mkdir(parents=True)
    (tmp_path / "id" / "mwt").mkdir(parents=True)
    shutil.copy(built / "tokenizer.pt", tmp_path / "id" / "tokenize" / "gsd.pt")
    shutil.copy(built / "mwt.pt", tmp_path / "id" / "mwt" / "gsd.pt")
    user = StanzaSegmenter(stanza_dir=tmp_path)
    assert user.tokenize_path == tmp_path / "id" / "tokenize" / "gsd.pt"
    block = ["Data dari BNN. Hasilnya naik."]
    assert user.segment(block) == seg.segment(block)


def test_missing_model_raises_and_auto_falls_back(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing tokenizer.safetensors"):
        StanzaSegmenter(model_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="id/tokenize"):
        StanzaSegmenter(stanza_dir=tmp_path)
    with pytest.warns(UserWarning, match="rule segmenter"):
        assert get_segmenter("auto", model_dir=tmp_path).name == "rules"
    with pytest.raises(FileNotFoundError):
        get_segmenter("stanza", model_dir=tmp_path)


def test_changed_model_is_rebuilt(tmp_path):
    md = tmp_path / "m"
    shutil.copytree(DEFAULT_MODEL_DIR, md)
    first = built_model_dir(md, tmp_path / "c")
    assert (first / "tokenizer.pt").is_file() and built_model_dir(md, tmp_path / "c") == first
    meta = json.loads((md / "tokenizer.json").read_text())
    meta["config"]["seed"] = meta["config"].get("seed", 0) + 1
    (md / "tokenizer.json").write_text(json.dumps(meta))
    assert built_model_dir(md, tmp_path / "c") != first


def _sent(text, start, end, words):
    toks = []
    for w in words:
        i = text.index(w, start)
        toks.append(TokSpan(i, i + len(w), w, [w]))
        start = i + len(w)
    return SentSpan(toks[0].start, toks[-1].end, text[toks[0].start:toks[-1].end], toks)


@pytest.mark.parametrize("text, cut, expected", [
    # a list marker Stanza split off is kept with its item
    ("1. Pemerintah perlu bertindak.", 2, ["1. Pemerintah perlu bertindak."]),
    ("a) Pemerintah perlu bertindak.", 2, ["a) Pemerintah perlu bertindak."]),
    # a title is never sentence-final
    ("Menurut Prof. Budi hal ini benar.", 14, ["Menurut Prof. Budi hal ini benar."]),
    # no space after the period: not a sentence break
    ("Bekerja sama dengan UN.GIFT dan ICAT.", 23, ["Bekerja sama dengan UN.GIFT dan ICAT."]),
    # a closing quote Stanza put at the start of the next sentence goes back
    ('Ia berkata, "Saya setuju." Lalu ia pergi.', 25, ['Ia berkata, "Saya setuju."', "Lalu ia pergi."]),
    ('Ia berkata, "Saya setuju."', 25, ['Ia berkata, "Saya setuju."']),
    # punctuation only: the tail of the previous sentence
    ("Benarkah?!", 9, ["Benarkah?!"]),
    # company suffixes and an acronym in brackets
    ("Sahamnya dijual ke Encore Energy Pte. Ltd. pada 2009.", 37, ["Sahamnya dijual ke Encore Energy Pte. Ltd. pada 2009."]),
    ("Asia Pte. Ltd. (SPA) menjual sahamnya.", 14, ["Asia Pte. Ltd. (SPA) menjual sahamnya."]),
    # a real break stays
    ("Hasilnya baik. Maka selesai.", 14, ["Hasilnya baik.", "Maka selesai."]),
])
def test_rule_layer_merges(text, cut, expected):
    import re

    a = [m.group(0) for m in re.finditer(r"\w+|[^\w\s]", text[:cut])]
    b = [m.group(0) for m in re.finditer(r"\w+|[^\w\s]", text[cut:])]
    sents = [_sent(text, 0, cut, a), _sent(text, cut, len(text), b)]
    assert [s.text for s in fix_sentences(text, sents)] == expected


def test_import_claimex_stays_light():
    import subprocess

    code = "import claimex.segment.stanza, sys; print('stanza' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_threads_are_restored(seg):
    """Stanza runs with ``threads`` torch threads; the caller's setting comes back afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seg.segment(["Data dari BNN. Hasilnya naik."])
        assert seg.threads == 1 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_shipped_meta_lists_and_verifies_the_files():
    from claimex.store import read_meta

    meta = read_meta(DEFAULT_MODEL_DIR)  # checks every listed file's sha256
    assert sorted(meta["files"]) == sorted(MODEL_FILES)
    assert meta["name"] == "stanza-id" and meta["data"]["train_sentences"] > 0
