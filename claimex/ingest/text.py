"""Plain text and Markdown: decode bytes whatever the encoding."""

from __future__ import annotations

import codecs

from claimex.errors import DocumentReadError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)``.

    UTF-8 (with or without BOM), UTF-16/32 with a BOM, UTF-16 without a BOM (detected by
    its zero bytes), then the legacy single-byte Windows-1252 as a fallback.

    Example:
        >>> decode("Laos".encode("utf-16"))
        ('Laos', 'utf-16')
    """
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    sample = data[:4000]
    if sample and sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    if b"\x00" in sample:
        raise DocumentReadError(name, "looks like a binary file, not text (it holds zero bytes); "
                                      "check that the file extension matches its content")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"
