"""Readers: text, Markdown, PDF, DOCX, and folders and .zip archives of them.

Example:
    >>> doc = read_bytes("5.1 Kesimpulan\\nProgram ini efektif.".encode(), "bab5.txt")
    >>> doc.format, doc.raw[:3]
    ('text', '5.1')
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from claimex.doc import Document
from claimex.errors import DocumentReadError, UnsupportedFormatError

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf", ".docx": "docx"}
SUPPORTED = tuple(FORMATS)


@dataclass
class Source:
    """One readable item: a file on disk or an entry of a zip archive."""

    name: str  # path on disk, or "archive.zip!inner/path.pdf"
    path: Path
    member: str | None = None

    def read_bytes(self) -> bytes:
        if self.member is None:
            return self.path.read_bytes()
        with zipfile.ZipFile(self.path) as z:
            return z.read(self.member)


def format_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormatError(
            f"{name}: unsupported file type {suffix or '(no extension)'!r}; claimex reads {', '.join(SUPPORTED)} "
            "files, and folders or .zip archives of them")
    return FORMATS[suffix]


def read_bytes(data: bytes, name: str, doc_id: str | None = None) -> Document:
    """Read one file's bytes into an uncleaned :class:`Document`; the format comes from the name."""
    from claimex.ingest.text import decode

    fmt = format_of(name)
    page_starts: list[int] = []
    meta: dict = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if fmt == "pdf":
        from claimex.ingest.pdf import read_pdf

        if not data.startswith(b"%PDF"):
            raise DocumentReadError(name, "not a PDF (the file does not start with %PDF); check the extension")
        raw, page_starts = read_pdf(data, name)
    elif fmt == "docx":
        from claimex.ingest.docx import read_docx

        raw = read_docx(data, name)
    else:
        raw, meta["encoding"] = decode(data, name)
    doc_id = doc_id or PurePosixPath(name.replace("!", "/")).stem
    return Document(doc_id=doc_id, raw=raw, source=name, page_starts=page_starts, format=fmt, meta=meta)


def read(path: str | Path) -> Document:
    """Read one file from disk.

    Raises:
        UnsupportedFormatError: the extension is not one of :data:`SUPPORTED`.
        DocumentReadError: the file is missing, corrupt, encrypted or image-only.
    """
    path = Path(path)
    format_of(path.name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentReadError(path, "no such file") from None
    except OSError as exc:
        raise DocumentReadError(path, f"cannot read the file ({exc.strerror})") from None
    return read_bytes(data, str(path))


def iter_sources(paths: list[str | Path], errors: list[tuple[str, str]] | None = None) -> Iterator[Source]:
    """Walk files, folders (sorted, recursive) and .zip archives; yields readable sources.

    Problems that concern one item (an unsupported file inside a folder, a zip entry that
    escapes the archive, a broken zip) go to ``errors`` as ``(name, reason)`` when a list is
    given, and are raised otherwise. A path named directly with an unsupported type raises.
    """

    def fail(name: str, reason: str) -> None:
        if errors is None:
            raise DocumentReadError(name, reason)
        errors.append((name, reason))

    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.suffix.lower() == ".zip":
                    yield from _zip_sources(f, fail)
                elif f.suffix.lower() in FORMATS:
                    yield Source(str(f), f)
        elif p.suffix.lower() == ".zip":
            if not p.exists():
                raise DocumentReadError(p, "no such file")
            yield from _zip_sources(p, fail)
        else:
            format_of(p.name)
            if not p.exists():
                raise DocumentReadError(p, "no such file")
            yield Source(str(p), p)


def _zip_sources(path: Path, fail) -> Iterator[Source]:
    try:
        with zipfile.ZipFile(path) as z:
            names = sorted(i.filename for i in z.infolist() if not i.is_dir())
    except (zipfile.BadZipFile, OSError) as exc:
        fail(str(path), f"not a readable zip archive ({exc})")
        return
    for n in names:
        pure = PurePosixPath(n.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (n[1:2] == ":"):
            fail(f"{path}!{n}", "zip entry escapes the archive (absolute path or '..'); refused")
        elif pure.suffix.lower() in FORMATS:
            yield Source(f"{path}!{n}", path, n)
