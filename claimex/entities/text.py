"""Word tokens with offsets, as the gazetteer and the rules see them.

A token is a run of word characters that may carry inner dots or apostrophes
(``UN.GIFT``, ``GLO.ACT``, ``People's``), or one punctuation character. A final dot is
its own token (``Laos.`` → ``Laos``, ``.``), so sentence ends never hide a name.

Example:
    >>> [t.text for t in tokenize("UN.GIFT dan PBB (Laos).")]
    ['UN.GIFT', 'dan', 'PBB', '(', 'Laos', ')', '.']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TOKEN_RE = re.compile(r"\w+(?:[.'’]\w+)*|[^\w\s]", re.UNICODE)
HYPHENS = {"-", "‐", "‑"}


@dataclass(frozen=True)
class Tok:
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return norm(self.text)


def norm(s: str) -> str:
    """Lookup key of a token: case-folded, accents kept apart (``Côte`` → ``cote``), ’ → '."""
    s = unicodedata.normalize("NFKD", s.replace("’", "'"))
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def tokenize(text: str) -> list[Tok]:
    """Tokens of ``text`` with offsets into it."""
    return [Tok(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def is_upper_word(s: str) -> bool:
    """Has letters and no lower-case letter (``UNODC``, ``UN.GIFT``, ``BP2MI``)."""
    return any(c.isalpha() for c in s) and not any(c.islower() for c in s)


def is_capitalised(s: str) -> bool:
    return bool(s) and s[0].isupper()


def slug(s: str) -> str:
    """A stable identifier part: ``Kota Bandung`` → ``kota-bandung``."""
    s = norm(s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")
