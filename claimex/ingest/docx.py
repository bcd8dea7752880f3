"""Word documents through python-docx: paragraphs and table cells in reading order."""

from __future__ import annotations

import io
import zipfile

from claimex.errors import DocumentReadError


def read_docx(data: bytes, name: str = "<docx>") -> str:
    """Paragraph texts separated by blank lines; headings styled as Word headings keep a Markdown mark."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentReadError(name, f"not a readable .docx file ({exc.__class__.__name__}); "
                                      "it may be corrupt, encrypted, or an old .doc saved with a .docx name") from None
    parts: list[str] = []
    for p in document.paragraphs:
        text = p.text.strip()
        if not text:
            continue
        style = (p.style.name if p.style is not None else "") or ""
        if style.lower().startswith("heading") and style[-1:].isdigit():
            text = "#" * min(int(style[-1]), 6) + " " + text
        parts.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append(" | ".join(cells))
    return "\n\n".join(parts)
