"""Text that remembers where each character came from.

:class:`MappedText` pairs a string with, for every character, its offset in the raw
input. Cleaning rules build new ``MappedText`` values by copying slices (offsets kept)
and inserting literals (mapped to a nearby raw offset), so any clean span can be cited
back to the raw file.

Example:
    >>> t = MappedText.from_raw("a  b")
    >>> u = t.sub(r" +", lambda m: " ")
    >>> u.text, u.map
    ('a b', [0, 1, 3])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Union

Piece = Union[str, int]  # a literal, or the number of a regex group to copy with its offsets


@dataclass
class MappedText:
    text: str
    map: list[int] = field(default_factory=list)

    @classmethod
    def from_raw(cls, raw: str) -> MappedText:
        return cls(raw, list(range(len(raw))))

    def __len__(self) -> int:
        return len(self.text)

    def raw_at(self, i: int) -> int:
        """Raw offset of clean offset ``i`` (``len(self)`` maps past the last character)."""
        if i < len(self.map):
            return self.map[i]
        return self.map[-1] + 1 if self.map else 0

    def sub(self, pattern: str | re.Pattern[str], repl: Callable[[re.Match[str]], str | list[Piece]],
            flags: int = 0) -> MappedText:
        """Like ``re.sub``; ``repl`` returns a literal or a list of literals and group numbers.

        Group numbers copy the group's characters with their raw offsets; literals map to
        the raw offset of the match start.
        """
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        out = Builder()
        pos = 0
        for m in rx.finditer(self.text):
            out.copy(self, pos, m.start())
            result = repl(m)
            pieces = [result] if isinstance(result, str) else result
            for p in pieces:
                if isinstance(p, int):
                    if m.start(p) >= 0:
                        out.copy(self, m.start(p), m.end(p))
                elif p:
                    out.insert(p, self.raw_at(m.start()))
            pos = m.end()
        out.copy(self, pos, len(self.text))
        return out.build()


class Builder:
    """Accumulates copied slices and inserted literals into a new :class:`MappedText`."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._map: list[int] = []

    def copy(self, src: MappedText, start: int, end: int) -> None:
        if end > start:
            self._parts.append(src.text[start:end])
            self._map.extend(src.map[start:end])

    def insert(self, literal: str, raw_offset: int) -> None:
        self._parts.append(literal)
        self._map.extend([raw_offset] * len(literal))

    def last_char(self) -> str:
        for p in reversed(self._parts):
            if p:
                return p[-1]
        return ""

    def build(self) -> MappedText:
        return MappedText("".join(self._parts), self._map)
