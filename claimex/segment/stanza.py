"""The default segmenter: Stanza ``tokenize`` + ``mwt`` for Indonesian, offline.

claimex ships its own Stanza models (``models/stanza-id``) as safetensors + JSON; at load
time they are rebuilt into the ``.pt`` files Stanza reads, in a cache directory
(``$CLAIMEX_CACHE/stanza-id/<hash>`` or ``~/.cache/claimex/stanza-id/<hash>``). A user's
own Stanza ``id`` models can be used instead with ``stanza_dir``. Nothing is downloaded.

A thin rule layer after Stanza fixes what it is known to miss on academic text: a break
after a sentence-final ``dll.`` / ``dsb.`` / ``dst.`` / ``et al.``, after a sentence-final
acronym (Stanza issue #1424) or degree (``…, S.H., M.H. Ia …``), at ``!`` / ``?`` outside a
quotation; no break after a title, an initial or another never-final abbreviation (``hal.`` /
``hlm.`` only before a number), before a lower-case word or a comma, or inside a quotation
that a reporting clause closes; a list marker (``1.``, ``a)``) kept with its item, a closing
quote or bracket kept with the sentence it closes, and punctuation-only pieces, ``Pte. Ltd.``
and a bracketed acronym after a period joined to what precedes them.

Example:
    >>> seg = StanzaSegmenter()                                    # doctest: +SKIP
    >>> [s.text for s in seg.segment(["Data dari BNN. Hasilnya naik."])[0]]  # doctest: +SKIP
    ['Data dari BNN.', 'Hasilnya naik.']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimex.segment.base import SentSpan, TokSpan
from claimex.segment.rules import DEGREES, NEVER_FINAL

MODEL_FILES = ("tokenizer.safetensors", "tokenizer.json", "mwt.safetensors", "mwt.json")
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "stanza-id"

# A period after these ends a sentence when a capitalised word follows (Stanza misses it).
FINAL_ABBREV = re.compile(r"(?<![\w.])(?:dll|dsb|dst|dkk|sda|etc|et al)\.(?=\s+[\"“‘]?[A-Z])")
# A degree closing a sentence: "… oleh Agus Setiawan, S.H., M.H. Ia menuturkan …".
FINAL_DEGREE = re.compile(r"(?<=,\s)((?:[A-Z][a-zA-Z]{0,3}\.){2,})(?=\s+[\"“‘]?[A-Z])")
# "!" or "?" (and a closing quote or bracket) before a capitalised word; Stanza sometimes runs on.
FINAL_MARK = re.compile(r"[!?][\"”’)\]]*(?=\s+[\"“‘(]?[A-Z])")
# An acronym ending a sentence: "… oleh BNN. Selanjutnya …" (Stanza issue #1424).
FINAL_ACRONYM = re.compile(r"(?<![\w.])([A-Z][A-Z0-9&]*[A-Z0-9])\.(?=\s+[\"“‘]?[A-Z])")
NOT_FINAL_ACRONYM = frozenset({"PT", "CV", "UD", "TBK", "NO", "HLM", "JL", "ST", "DR", "DRS", "IR", "PROF", "KH", "HJ"})
CITATION_YEAR = re.compile(r"^\(\d{4}[a-z]?[),:;]")  # "(2019), …" continues "Ahmad dkk."
LIST_MARKER = re.compile(r"^(?:\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)]|[-•*–])$")
# The word before a final period; "Al-Qur'an", "2000-an", "Syafi'i" are words, not "an" or "i".
ABBREV_END = re.compile(r"(?<![\w'’-])([\w.'’-]*\w)\.$")
# Initials after a title or an initial, not a final acronym: "RSJ Prof. HB. Saanin", "M. HB. Nasution".
INITIALS_AFTER = re.compile(r"(?:\b(?:Dr|Drs|Dra|Prof|Ir|H|Hj|KH)|\b[A-Z])\.\s+$")
CLOSING_QUOTES = frozenset({'"', "”", "’", "'", "»"})
CLOSING_BRACKETS = {")": "(", "]": "["}
BEFORE_NUMBER = frozenset({"hal", "hlm"})  # page abbreviations: never final only before a number


class StanzaSegmenter:
    """Sentences and tokens (clitics split into words) from Stanza, with character offsets.

    Args:
        model_dir: a claimex Stanza model folder (safetensors + JSON); default: the shipped one.
        stanza_dir: a Stanza resources directory holding ``id/tokenize/*.pt`` and
            ``id/mwt/*.pt`` (a user's own Stanza models); used instead of ``model_dir``.
        batch_size: Stanza's ``tokenize_batch_size``.
        cache_dir: where the ``.pt`` files are rebuilt (default ``$CLAIMEX_CACHE`` or
            ``~/.cache/claimex``).
        threads: torch CPU threads while Stanza runs (restored afterwards); ``None`` leaves
            torch's setting alone. The default 1 is deliberate: the tokenizer is a small
            character BiLSTM whose per-character steps are too small to share between
            threads, and on a busy 2-core machine 2 threads were 5 to 50 times slower than 1
            (``benchmarks/bench_segmentation.py --all-cores``). For more speed, run several
            processes.

    Raises:
        FileNotFoundError: no model in either place.

    Example:
        >>> seg = StanzaSegmenter()                                # doctest: +SKIP
        >>> s = seg.segment(["Hasilnya baik, dll. Maka selesai."])[0]  # doctest: +SKIP
        >>> [x.text for x in s]                                     # doctest: +SKIP
        ['Hasilnya baik, dll.', 'Maka selesai.']
    """

    name = "stanza"

    def __init__(self, model_dir: str | Path | None = None, stanza_dir: str | Path | None = None,
                 batch_size: int = 64, cache_dir: str | Path | None = None, rules: bool = True,
                 threads: int | None = 1):
        self.batch_size = batch_size
        self.threads = threads
        self.rules = rules
        if stanza_dir is not None:
            self.tokenize_path, self.mwt_path, self.resources_dir = _user_stanza_models(Path(stanza_dir))
            self.source = str(stanza_dir)
        else:
            md = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
            missing = [f for f in MODEL_FILES if not (md / f).is_file()]
            if missing:
                raise FileNotFoundError(
                    f"no claimex Stanza model in {md}: missing {', '.join(missing)}. Expected a folder made "
                    "by scripts/train_stanza.py (e.g. models/stanza-id of a claimex clone); or pass "
                    "stanza_dir= a Stanza resources directory with id/tokenize and id/mwt models")
            cache = built_model_dir(md, cache_dir)
            self.tokenize_path, self.mwt_path = cache / "tokenizer.pt", cache / "mwt.pt"
            self.resources_dir = cache
            self.source = str(md)
        self._nlp: Any = None

    # ---- Stanza ---------------------------------------------------------------------------
    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            import stanza

            self._nlp = stanza.Pipeline(
                lang="id", dir=str(self.resources_dir), processors="tokenize,mwt",
                tokenize_model_path=str(self.tokenize_path), mwt_model_path=str(self.mwt_path),
                download_method=None, use_gpu=False, logging_level="ERROR",
                tokenize_batch_size=self.batch_size,
            )
        return self._nlp

    def segment(self, blocks: list[str]) -> list[list[SentSpan]]:
        """One list of sentences per block; all blocks go through Stanza in one pooled call."""
        import stanza

        out: list[list[SentSpan]] = [[] for _ in blocks]
        todo = [i for i, b in enumerate(blocks) if b.strip()]
        if not todo:
            return out
        with torch_threads(self.threads):
            docs = self.nlp([stanza.Document([], text=blocks[i]) for i in todo])
        for i, doc in zip(todo, docs):
            sents = [_sent_span(blocks[i], s) for s in doc.sentences]
            out[i] = fix_sentences(blocks[i], sents) if self.rules else sents
        return out


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run a block with ``n`` torch CPU threads, then restore the previous number."""
    import torch

    before = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if n:
            torch.set_num_threads(before)


def _sent_span(text: str, sent: Any) -> SentSpan:
    toks = [TokSpan(t.start_char, t.end_char, text[t.start_char:t.end_char], [w.text for w in t.words])
            for t in sent.tokens]
    s, e = toks[0].start, toks[-1].end
    return SentSpan(s, e, text[s:e], toks)


# ---- the rule layer -----------------------------------------------------------------------
def fix_sentences(text: str, sents: list[SentSpan]) -> list[SentSpan]:
    """Apply the academic-text rules to Stanza's sentences of one block."""
    sents = _merge(text, sents)
    out: list[SentSpan] = []
    for s in sents:
        out.extend(_split(text, s))
    return out


def _merge(text: str, sents: list[SentSpan]) -> list[SentSpan]:
    merged: list[SentSpan] = []
    for s in sents:
        if merged and _closing_quote_first(text, merged[-1], s):
            p, q = merged[-1], s.tokens[0]  # '… kata Sari.' + '" Lalu …': the quote closes the previous one
            merged[-1] = SentSpan(p.start, q.end, text[p.start:q.end], p.tokens + [q])
            if len(s.tokens) == 1:
                continue
            a = s.tokens[1].start
            s = SentSpan(a, s.end, text[a:s.end], s.tokens[1:])
        if merged and _join_with_previous(text, merged[-1], s):
            p = merged[-1]
            merged[-1] = SentSpan(p.start, s.end, text[p.start:s.end], p.tokens + s.tokens)
        else:
            merged.append(s)
    return merged


def _closing_quote_first(text: str, prev: SentSpan, cur: SentSpan) -> bool:
    """``cur`` starts with a quote that closes ``prev``: a quote token right after the previous
    sentence's final punctuation and followed by a space (an opening quote touches its word)."""
    q = cur.tokens[0]
    if q.text in CLOSING_BRACKETS:  # "(Catatan … Lampiran 5." + ") Penelitian …"
        opening = CLOSING_BRACKETS[q.text]
        return prev.text[-1:] in ".!?" and prev.text.count(opening) > prev.text.count(q.text)
    return (q.text in CLOSING_QUOTES and prev.text[-1:] in ".!?" and text[prev.end:q.start].strip() == ""
            and (q.end == len(text) or text[q.end].isspace()))


def _join_with_previous(text: str, prev: SentSpan, cur: SentSpan) -> bool:
    if not any(c.isalnum() for c in cur.text) or cur.text[:1] in ",;:":
        return True  # "?", "...", ", menyatakan …": the tail of the previous sentence
    if cur.text[:1].islower():
        return True  # "… paspor, dll." + "yang …", "… bulan ..." + "bahkan …": no sentence starts in lower case
    if re.match(r"\([A-Z]+\)", cur.text):
        return True  # "… Pte. Ltd." + "(SPA) menjual …": an acronym in brackets explains what precedes it
    if prev.end == cur.start and prev.text[-1:] in ".:" and cur.text[:1].isalnum():
        return True  # no space after the period: "UN.GIFT", "3.5", a URL
    if CITATION_YEAR.match(cur.text):
        return True
    if _inside_quote(prev.text) and re.search(r",\s*[”\"]", cur.text):
        return True  # '“Siapa peduli?' + 'Kami tetap menanam,” ujar …': one quotation in a reporting sentence
    if LIST_MARKER.match(prev.text.strip()):
        return True  # "1." alone: a list marker, keep it with its item
    m = ABBREV_END.search(prev.text)
    if m:
        word = m.group(1).lower()
        if word in ("pte", "co") and cur.text.startswith("Ltd"):
            return True  # "Encore Energy Pte. Ltd."
        if word in BEFORE_NUMBER:
            return cur.text[:1].isdigit()  # "hal. 45" joins; "tiga hal. Pertama" is a break
        if word in NEVER_FINAL or (len(word) == 1 and word.isalpha()):
            return True  # "Dr." / "M." (an initial) never end a sentence
        if re.fullmatch(r"[A-Z]{2,3}", m.group(1)) and INITIALS_AFTER.search(prev.text, 0, m.start(1)):
            return True  # "Prof. HB." + "Saanin": initials of a name
    return False


def _split(text: str, s: SentSpan) -> list[SentSpan]:
    cuts = []
    for m in FINAL_ABBREV.finditer(s.text):
        cuts.append(s.start + m.end())
    for m in FINAL_DEGREE.finditer(s.text):
        if m.group(1).rstrip(".").lower() in DEGREES:
            cuts.append(s.start + m.end())
    for m in FINAL_MARK.finditer(s.text):
        if not _inside_quote(s.text[:m.end()]):  # '“Jangan!” Pesan' cuts; '“Apa? Kami …”' does not
            cuts.append(s.start + m.end())
    for m in FINAL_ACRONYM.finditer(s.text):
        if len(m.group(1)) <= 3 and INITIALS_AFTER.search(s.text, 0, m.start()):
            continue
        if m.group(1).upper() not in NOT_FINAL_ACRONYM:
            cuts.append(s.start + m.end())
    cuts = sorted(c for c in set(cuts) if s.start < c < s.end)
    if not cuts:
        return [s]
    pieces, start = [], s.start
    for c in cuts + [s.end]:
        toks = [t for t in s.tokens if start <= t.start and t.end <= c]
        if toks:
            a, b = toks[0].start, toks[-1].end
            pieces.append(SentSpan(a, b, text[a:b], toks))
        start = c
    # a cut inside a token (Stanza kept "BNN.Selanjutnya" together) is undone
    if sum(len(p.tokens) for p in pieces) != len(s.tokens):
        return [s]
    return pieces


def _inside_quote(before: str) -> bool:
    """An opened quotation not yet closed: its "!" or "?" belongs to the quoted words."""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


# ---- model files: safetensors + JSON  <->  Stanza .pt ---------------------------------------
def pack_pt(pt_path: str | Path, out_dir: str | Path, name: str) -> None:
    """Write a Stanza ``.pt`` as ``NAME.safetensors`` (its tensors) + ``NAME.json`` (the rest).

    Absolute paths in the saved training config are cut to their file names.
    """
    import torch
    from safetensors.torch import save_file

    obj = torch.load(str(pt_path), map_location="cpu", weights_only=True)
    tensors: dict[str, Any] = {}
    tree = _encode(obj, "", tensors)
    out = Path(out_dir)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / f"{name}.safetensors"))
    (out / f"{name}.json").write_text(json.dumps(tree, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                      encoding="utf-8")


def unpack_pt(model_dir: str | Path, name: str, pt_path: str | Path) -> None:
    """Rebuild the Stanza ``.pt`` that :func:`pack_pt` packed."""
    import torch
    from safetensors.torch import load_file

    md = Path(model_dir)
    tensors = load_file(str(md / f"{name}.safetensors"))
    tree = json.loads((md / f"{name}.json").read_text(encoding="utf-8"))
    torch.save(_decode(tree, tensors), str(pt_path))


def _encode(x: Any, key: str, tensors: dict[str, Any]) -> Any:
    import torch

    if torch.is_tensor(x):
        tensors[key or "_"] = x.detach().cpu()
        return {"__tensor__": key or "_"}
    if isinstance(x, dict):
        if all(isinstance(k, str) for k in x):
            return {k: _encode(v, f"{key}.{k}" if key else k, tensors) for k, v in x.items()}
        return {"__items__": [[_encode(k, f"{key}.k{i}", tensors), _encode(v, f"{key}.v{i}", tensors)]
                              for i, (k, v) in enumerate(x.items())]}
    if isinstance(x, tuple):
        return {"__tuple__": [_encode(v, f"{key}.{i}", tensors) for i, v in enumerate(x)]}
    if isinstance(x, (set, frozenset)):
        return {"__set__": sorted(x, key=repr)}
    if isinstance(x, list):
        return [_encode(v, f"{key}.{i}", tensors) for i, v in enumerate(x)]
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return {"__float__": repr(x)}
    if isinstance(x, str) and os.path.isabs(x) and ("/" in x[1:] or "\\" in x):
        return os.path.basename(x)
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    raise TypeError(f"cannot pack a {type(x).__name__} at {key!r}; expected tensors, dicts, lists and scalars")


def _decode(x: Any, tensors: dict[str, Any]) -> Any:
    if isinstance(x, dict):
        if "__tensor__" in x:
            return tensors[x["__tensor__"]]
        if "__items__" in x:
            return {_decode(k, tensors): _decode(v, tensors) for k, v in x["__items__"]}
        if "__tuple__" in x:
            return tuple(_decode(v, tensors) for v in x["__tuple__"])
        if "__set__" in x:
            return set(x["__set__"])
        if "__float__" in x:
            return float(x["__float__"])
        return {k: _decode(v, tensors) for k, v in x.items()}
    if isinstance(x, list):
        return [_decode(v, tensors) for v in x]
    return x


def model_hash(model_dir: str | Path) -> str:
    """sha256 over the shipped model files (names and bytes), first 16 hex digits."""
    h = hashlib.sha256()
    for f in MODEL_FILES:
        h.update(f.encode())
        h.update((Path(model_dir) / f).read_bytes())
    return h.hexdigest()[:16]


def cache_root(cache_dir: str | Path | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("CLAIMEX_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "claimex"


def built_model_dir(model_dir: str | Path, cache_dir: str | Path | None = None) -> Path:
    """The cache folder with ``tokenizer.pt``, ``mwt.pt`` and ``resources.json`` for a
    shipped model, rebuilt when missing or when the shipped files changed (hash in the name)."""
    digest = model_hash(model_dir)
    target = cache_root(cache_dir) / "stanza-id" / digest
    stamp = target / "BUILT"
    if stamp.is_file() and stamp.read_text().strip() == digest and \
            (target / "tokenizer.pt").is_file() and (target / "mwt.pt").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=target.parent))
    unpack_pt(model_dir, "tokenizer", tmp / "tokenizer.pt")
    unpack_pt(model_dir, "mwt", tmp / "mwt.pt")
    (tmp / "resources.json").write_text("{}\n")
    (tmp / "BUILT").write_text(digest + "\n")
    if target.exists():  # a stale or half-built folder
        import shutil

        shutil.rmtree(target, ignore_errors=True)
    try:
        tmp.rename(target)
    except OSError:  # another process built it at the same time
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _user_stanza_models(d: Path) -> tuple[Path, Path, Path]:
    """Find ``id`` tokenize and mwt models in a Stanza resources directory."""
    lang = d / "id" if (d / "id").is_dir() else d
    toks = sorted((lang / "tokenize").glob("*.pt"))
    mwts = sorted((lang / "mwt").glob("*.pt"))
    if not toks or not mwts:
        raise FileNotFoundError(
            f"no Stanza Indonesian models in {d}: expected id/tokenize/*.pt and id/mwt/*.pt "
            f"(found tokenize: {len(toks)}, mwt: {len(mwts)}). Point stanza_dir at a Stanza resources "
            "directory that has the 'id' package, or leave it out to use claimex's shipped model")
    pick = lambda ps: next((p for p in ps if p.stem == "gsd"), ps[0])  # noqa: E731
    resources = d if (d / "resources.json").is_file() else None
    if resources is None:
        resources = cache_root() / "stanza-user"
        resources.mkdir(parents=True, exist_ok=True)
        (resources / "resources.json").write_text("{}\n")
    return pick(toks), pick(mwts), resources
