"""PDF text with page numbers, through pypdfium2 (Apache-2.0/BSD, the fastest permissive extractor)."""

from __future__ import annotations

from claimex.errors import DocumentReadError


def read_pdf(data: bytes, name: str = "<pdf>") -> tuple[str, list[int]]:
    """Text of every page, pages separated by a form feed, and the offset where each page starts.

    Raises :class:`DocumentReadError` for an encrypted, corrupt or image-only PDF.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise DocumentReadError(name, "the PDF is encrypted (password protected); "
                                          "save an unprotected copy and try again") from None
        raise DocumentReadError(name, f"not a readable PDF ({msg}); the file may be corrupt or truncated") from None
    try:
        texts: list[str] = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not texts:
        raise DocumentReadError(name, "the PDF has no pages")
    if sum(c.isalpha() for t in texts for c in t) < 20:
        raise DocumentReadError(name, f"no text layer in {len(texts)} page(s): an image-only (scanned) PDF; "
                                      "run OCR first (for example with ocrmypdf) and read the result")
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return "\f".join(texts), starts
