"""Convert the project's authoring markup (see data/annotations/README.md, "How the corpus
was written") into the JSONL annotation format, one file per document.

Usage: python scripts/import_markup.py MARKUP_DIR... --out data/annotations/docs
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from claimex.annotations.corpus import SCHEMA, AnnotatedDoc, Unit  # noqa: E402

TAGS = {"F": "finding", "R": "recommendation", "L": "limitation", "O": "other"}
ENT_RE = re.compile(r"\[\[([^\[\]|]+)\|(ORG|GPE|LAW)\]\]")
LINE_RE = re.compile(
    r"^(?:(?P<marker>\d{1,2}[.)]|[a-zA-Z][.)]|[-•])\s+)?(?P<tag>[FRLO])(?:/(?P<sec>[FRLO]))?:\s+(?P<text>\S.*)$"
)


def parse_markup(path: Path) -> tuple[AnnotatedDoc, list[str]]:
    errors: list[str] = []
    meta: dict = {"schema": SCHEMA}
    units: list[Unit] = []
    para, new_para = 0, True
    for ln, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip():
            new_para = True
            continue
        if line.startswith("@doc "):
            meta.update({("doc_id" if k == "id" else k): v for k, v in re.findall(r"(\w+)=(\S+)", line)})
            continue
        if line.startswith("@title "):
            meta["title"] = line[7:].strip()
            continue
        m = re.match(r"^(#{1,3})\s+(\S.*)$", line)
        if m:
            para += 1
            new_para = True
            units.append(Unit("heading", m.group(2).strip(), "other", para, level=len(m.group(1))))
            continue
        m = LINE_RE.match(line)
        if not m:
            errors.append(f"{path}:{ln}: unparsable line {line[:60]!r}")
            continue
        if m.group("marker") or new_para:
            para += 1
        new_para = False
        text, ents, pieces, pos = m.group("text"), [], [], 0
        for em in ENT_RE.finditer(text):
            pieces.append(text[pos:em.start()])
            start = sum(map(len, pieces))
            pieces.append(em.group(1))
            ents.append({"start": start, "end": start + len(em.group(1)), "type": em.group(2)})
            pos = em.end()
        pieces.append(text[pos:])
        units.append(Unit("sentence", "".join(pieces), TAGS[m.group("tag")], para, marker=m.group("marker"),
                          entities=ents, label_secondary=TAGS.get(m.group("sec") or "")))
    meta.pop("lang", None)
    return AnnotatedDoc(meta.get("doc_id", path.stem), meta, units), errors


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    n = 0
    for d in args.dirs:
        for f in sorted(d.glob("*.txt")) if d.is_dir() else [d]:
            doc, errors = parse_markup(f)
            for e in errors:
                print(e, file=sys.stderr)
            if errors:
                continue
            (args.out / f"{doc.doc_id}.jsonl").write_text(doc.to_jsonl(), encoding="utf-8")
            n += 1
    print(f"wrote {n} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
