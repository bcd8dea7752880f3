"""The rule segmenter on sentence ends it used to miss or invent."""

from __future__ import annotations

import pytest

from claimex.segment.rules import RuleSegmenter
from conftest import HARD_PERIOD_CASES


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
] + HARD_PERIOD_CASES)
def test_rule_segmenter(text, expected):
    assert [s.text for s in RuleSegmenter().split(text)] == expected
