"""The rule segmenter on sentence ends it used to miss or invent."""

from __future__ import annotations

import pytest

from claimex.segment.rules import RuleSegmenter


@pytest.mark.parametrize("text,expected", [
    ("Program berjalan sejak awal 2000-an. Faktor penghambat ada.", ["Program berjalan sejak awal 2000-an.",
                                                                      "Faktor penghambat ada."]),
    ("Penyebabnya ada tiga hal. Pertama, tidak ada mekanisme.", ["Penyebabnya ada tiga hal.",
                                                                  "Pertama, tidak ada mekanisme."]),
    ("Kata itu ada dalam Al-Qur'an. Kajian lain perlu.", ["Kata itu ada dalam Al-Qur'an.", "Kajian lain perlu."]),
    ("Pandangan ulama mazhab Syafi'i. Pemahaman ini relevan.", ["Pandangan ulama mazhab Syafi'i.",
                                                                 "Pemahaman ini relevan."]),
    ("Lihat hal. 45 dan hlm. 3 untuk rinciannya.", ["Lihat hal. 45 dan hlm. 3 untuk rinciannya."]),
    ("Pasien datang ke RSJ Prof. HB. Saanin, sehingga terjangkau.", ["Pasien datang ke RSJ Prof. HB. Saanin, "
                                                                      "sehingga terjangkau."]),
    ("Data berasal dari BPS. BI juga mencatatnya.", ["Data berasal dari BPS.", "BI juga mencatatnya."]),
    ("Ditulis oleh M. Nasir. Ia peneliti.", ["Ditulis oleh M. Nasir.", "Ia peneliti."]),
    # learnt on the hard-period dev set (benchmarks/data/thesis_hard_sentences.json); own sentences here
    ("Model ini diuji oleh Putri et al. Hasil ujinya stabil.", ["Model ini diuji oleh Putri et al.", "Hasil ujinya stabil."]),
    ("Putri et al. (2020) mengujinya lebih dulu.", ["Putri et al. (2020) mengujinya lebih dulu."]),
    ("Ketua majelis ialah Budi Hartono, S.H., M.H. Ia memimpin sidang.",
     ["Ketua majelis ialah Budi Hartono, S.H., M.H.", "Ia memimpin sidang."]),
    ("Menurut Rina Wati, M.Si., program ini berhasil.", ["Menurut Rina Wati, M.Si., program ini berhasil."]),
    ("Artikelnya dimuat pada Vol. 3, pp. 12-20 dan diterbitkan tgl. 5 Mei.",
     ["Artikelnya dimuat pada Vol. 3, pp. 12-20 dan diterbitkan tgl. 5 Mei."]),
    ("Kantornya di Jl. K.H. Hasyim Asyari No. 4 sejak lama.", ["Kantornya di Jl. K.H. Hasyim Asyari No. 4 sejak lama."]),
])
def test_rule_segmenter(text, expected):
    assert [s.text for s in RuleSegmenter().split(text)] == expected
