"""The rule baseline: section + cue phrases. Transparent, fast, and what every learned
model must beat. Scores are normalised votes, not calibrated probabilities."""

from __future__ import annotations

import math
import re
from typing import Sequence

from claimex.classify.base import SentenceInput
from claimex.clean.sections import section_kind
from claimex.doc import LABELS

CUES: dict[str, list[tuple[str, float]]] = {
    "recommendation": [
        (r"\b(perlu|perlunya|diperlukan|disarankan|sebaiknya|hendaknya|seyogyanya|semestinya|dianjurkan|"
         r"direkomendasikan|diharapkan|harapannya|agar|supaya|wajib)\b", 2.0),
        (r"\b(harus|hendaklah|mesti)\b", 1.5),
        (r"\b(dapat|bisa)\s+(mempertimbangkan|menambah|memperluas|menggunakan|mengembangkan|melakukan|meningkatkan|"
         r"memperhatikan|menjadikan|dijadikan|mengkaji)\b", 1.0),
        (r"\b(peneliti selanjutnya|penelitian selanjutnya|penelitian lanjutan|ke depan|kedepannya)\b", 1.0),
        (r"^(bagi|kepada|untuk)\s", 0.8),
    ],
    "limitation": [
        (r"\b(keterbatasan|terbatas|kekurangan|kelemahan|limitasi)\b", 2.5),
        (r"\b(menyadari|jauh dari (kata )?sempurna|belum sempurna|tidak sempurna)\b", 2.5),
        (r"\b(kesulitan|kendala)\s+(dalam\s+)?(mendapatkan|memperoleh|mengakses|pengumpulan)\b", 2.5),
        (r"\b(tidak dapat|belum dapat|sulit)\s+(di)?generalisasi", 2.5),
        (r"\bhanya\s+(menggunakan|melibatkan|dilakukan|mengambil|berfokus|mencakup|meneliti|terbatas)\b", 2.0),
        (r"\b(bias|laporan diri|self-report)\b", 1.0),
    ],
    "finding": [
        (r"\b(menunjukkan|disimpulkan|terbukti|membuktikan|ditemukan|menemukan|diketahui|berpengaruh|"
         r"signifikan|berhasil|efektif|meningkat|menurun|berkorelasi|berhubungan|diterima|ditolak)\b", 1.5),
        (r"\b(hasil penelitian|hasil analisis|hasil uji|kesimpulan)\b", 1.0),
        (r"\b(belum|tidak|kurang)\s+(efektif|optimal|maksimal|berhasil|berjalan)\b", 1.5),
        (r"\d+(,\d+)?\s?%|\bp\s*[<=>]|\bsebesar\b", 1.0),
    ],
    "other": [
        (r"\b(sebagai berikut|berikut ini|antara lain)\s*[:.]?$", 3.0),
        (r"\bpenelitian ini\s+(bertujuan|mengkaji|membahas|menggunakan|merupakan|dilakukan|menganalisis|meneliti)\b", 2.5),
        (r"\b(metode|pendekatan)\s+(penelitian|kualitatif|kuantitatif|deskriptif)\b", 1.5),
        (r"\b(responden|sampel|populasi|kuesioner|wawancara)\b.*\b(sebanyak|berjumlah|terdiri)\b", 1.5),
        (r"\b(terima kasih|semoga|demikian)\b", 1.5),
        (r":\s*$", 1.5),
    ],
}
SECTION_PRIOR = {
    "conclusion": {"finding": 1.2, "other": 0.3},
    "recommendation": {"recommendation": 1.2, "other": 0.3},
    "limitation": {"limitation": 2.0},
    "": {"other": 0.8, "finding": 0.4},
}
_COMPILED = {k: [(re.compile(p, re.I), w) for p, w in v] for k, v in CUES.items()}


class RuleClassifier:
    """Section + cue-phrase rules behind the :class:`~claimex.classify.base.Classifier` interface.

    Example:
        >>> from claimex.classify.base import SentenceInput
        >>> clf = RuleClassifier()
        >>> s = SentenceInput("Pemerintah perlu memperketat pengawasan.", ("BAB V", "5.2 Saran"))
        >>> max(clf.predict_proba([s])[0].items(), key=lambda kv: kv[1])[0]
        'recommendation'
    """

    name = "rules"
    labels = LABELS

    def predict_proba(self, items: Sequence[SentenceInput]) -> list[dict[str, float]]:
        return [self._score(x) for x in items]

    def _score(self, x: SentenceInput) -> dict[str, float]:
        if x.is_heading:
            return {label: (1.0 if label == "other" else 0.0) for label in LABELS}
        kind = next((k for k in map(section_kind, reversed(x.section)) if k), "")
        votes = {label: SECTION_PRIOR[kind].get(label, 0.0) for label in LABELS}
        for label, cues in _COMPILED.items():
            for rx, w in cues:
                if rx.search(x.text):
                    votes[label] += w
        z = sum(math.exp(2 * v) for v in votes.values())
        return {label: math.exp(2 * v) / z for label, v in votes.items()}
