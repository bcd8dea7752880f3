"""Segmentation benchmark: UD test splits, thesis text, and speed.

1. Token / word / sentence F1 (CoNLL 2018 evaluation) of the shipped Stanza model on the
   held-out UD Indonesian test splits (GSD, CSUI, PUD), fed the raw text the way Stanza's
   own tokenizer scores are computed (``conllu_to_text``, one stream per file).
2. Sentence-boundary F1 (exact sentence spans) for StanzaSegmenter (and its Stanza model
   without the rule layer), the rule segmenter and spaCy's sentencizer on ``spacy.blank("id")``:
   on the UD test sentences (10 to a block), and on thesis text: the two seed chapters
   (hand-checked boundaries in ``benchmarks/data/seed_sentences.json``, evaluated on
   ``claimex.clean`` blocks) and the annotated corpus's test documents (gold clean text
   from ``AnnotatedDoc.render()``; one block per paragraph / list item).
3. Speed and memory: words per second and peak RSS of ``StanzaSegmenter.segment`` (all blocks
   pooled) against calling the same ``stanza.Pipeline`` once per document on the same texts,
   each in a fresh process; ``--all-cores`` adds runs with a torch thread per core.

Usage::

    .venv/bin/python benchmarks/bench_segmentation.py [--write-docs] [--all-cores]

``--write-docs`` replaces the ``segmentation`` block of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimex.segment.base import SentSpan  # noqa: E402

SHARED = Path(os.environ.get("CLAIMEX_SHARED", ROOT.parent / "shared"))
UD_TESTS = {
    "UD id-GSD test": SHARED / "data/ud-id-gsd/id_gsd-ud-test.conllu",
    "UD id-CSUI test": SHARED / "data/ud-id-csui/id_csui-ud-test.conllu",
    "UD id-PUD test": SHARED / "data/ud-id-pud/id_pud-ud-test.conllu",
}
SEED_GOLD = ROOT / "benchmarks/data/seed_sentences.json"
HARD_GOLD = ROOT / "benchmarks/data/thesis_hard_sentences.json"
ANNOTATIONS = ROOT / "data/annotations"
PUBLISHED = {"tokens": 99.88, "sentences": 93.04, "version": "1.5.1"}  # Stanza's id_gsd model page


# ---- segmenters -----------------------------------------------------------------------------
class SpacySentencizer:
    """spaCy's rule sentencizer on ``spacy.blank("id")``, as a claimex Segmenter."""

    name = "spacy-sentencizer"

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.blank("id")
        self.nlp.add_pipe("sentencizer")

    def segment(self, blocks: list[str]) -> list[list[SentSpan]]:
        out = []
        for doc in self.nlp.pipe(blocks):
            out.append([SentSpan(s.start_char, s.end_char, s.text) for s in doc.sents if s.text.strip()])
        return out


def segmenters() -> dict[str, object]:
    from claimex.segment.stanza import StanzaSegmenter

    segs: dict[str, object] = {"StanzaSegmenter (claimex)": StanzaSegmenter(),
                               "Stanza model alone (StanzaSegmenter, rules=False)": StanzaSegmenter(rules=False)}
    try:
        from claimex.segment.rules import RuleSegmenter

        segs["RuleSegmenter"] = RuleSegmenter()
    except ImportError:
        pass
    segs["spaCy sentencizer (blank id)"] = SpacySentencizer()
    return segs


# ---- UD test splits -------------------------------------------------------------------------
def ud_scores(seg) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    from stanza.models.common.utils import ud_scores as conll18_scores
    from stanza.utils.datasets import conllu_to_text

    from claimex.segment.stanza import torch_threads

    out = {}
    for name, path in UD_TESTS.items():
        if not path.is_file():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            txt = Path(tmp) / "test.txt"
            conllu_to_text.convert_text(str(path), str(txt))
            text = txt.read_text(encoding="utf-8")
            with torch_threads(seg.threads):
                doc = seg.nlp(text)
            pred = Path(tmp) / "pred.conllu"
            pred.write_text("{:C}\n\n".format(doc), encoding="utf-8")
            ev = conll18_scores(str(path), str(pred))
        out[name] = {k: round(100 * ev[k].f1, 2) for k in ("Tokens", "Words", "Sentences")}
    return out


def ud_sentence_cases(per_block: int = 10) -> list[tuple[str, list[str], list[list[tuple[int, int]]]]]:
    """UD test sentences (``# text``) as blocks of ``per_block`` sentences joined by a space, for
    sentence-boundary F1 of every segmenter on the same general (news, wiki) text."""
    cases = []
    for name, path in UD_TESTS.items():
        if not path.is_file():
            continue
        sents = [ln[len("# text = "):].strip() for ln in path.read_text(encoding="utf-8").splitlines()
                 if ln.startswith("# text = ")]
        blocks, golds = [], []
        for i in range(0, len(sents), per_block):
            text, spans = "", []
            for t in sents[i:i + per_block]:
                start = len(text) + (1 if text else 0)
                text = f"{text} {t}" if text else t
                spans.append((start, start + len(t)))
            blocks.append(text)
            golds.append(spans)
        cases.append((name, blocks, golds))
    return cases


# ---- thesis text ----------------------------------------------------------------------------
def seed_cases() -> list[tuple[str, list[str], list[list[tuple[int, int]]]]]:
    """Per seed: its name, its clean blocks, and gold sentence spans per block (block offsets)."""
    from claimex.clean import clean_document
    from claimex.doc import Document

    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    cases = []
    for f in gold["files"]:
        path = SHARED / "seeds" / f["name"]
        raw_bytes = path.read_bytes()
        if hashlib.sha256(raw_bytes).hexdigest() != f["sha256"]:
            raise SystemExit(f"{path}: sha256 differs from {SEED_GOLD}; re-check the gold boundaries")
        doc = clean_document(Document.from_text(raw_bytes.decode("utf-8")))
        body = [b for b in doc.blocks if b.kind != "heading"]
        blocks = [doc.clean[b.clean_start:b.clean_end] for b in body]
        cases.append((f["name"], blocks, _raw_mapper(doc, body, {tuple(s) for s in f["sentences"]})))
    return cases


def _raw_mapper(doc, blocks, spans):  # type: ignore[no-untyped-def]
    """Gold as block-relative spans: raw spans mapped back through the clean text."""
    per_block = []
    for b in blocks:
        mine = []
        raw_lo, raw_hi = doc.raw_span(b.clean_start, b.clean_end)
        # clean offsets whose raw offset starts / ends a gold sentence
        starts = {doc.raw_span(i, i + 1)[0]: i for i in range(b.clean_start, b.clean_end)}
        ends = {doc.raw_span(i, i + 1)[1]: i + 1 for i in range(b.clean_start, b.clean_end)}
        for s, e in sorted(spans):
            if raw_lo <= s < raw_hi:
                if s not in starts or e not in ends:
                    raise SystemExit(f"gold span {s}-{e} does not fall on clean characters; re-check the gold")
                mine.append((starts[s] - b.clean_start, ends[e] - b.clean_start))
        per_block.append(mine)
    return per_block


def annotated_cases(split: str = "test") -> list[tuple[str, list[str], list[list[tuple[int, int]]]]]:
    from claimex.annotations.corpus import load_corpus

    if not (ANNOTATIONS / "splits.json").is_file():
        return []
    cases = []
    for d in load_corpus(ANNOTATIONS, split=split):
        text, spans = d.render()
        blocks, golds = [], []
        cur: list[int] = []
        units = list(zip(d.units, spans))
        for i, (u, sp) in enumerate(units):
            if u.kind != "sentence":
                continue
            cur.append(i)
            nxt = units[i + 1][0] if i + 1 < len(units) else None
            if nxt is None or nxt.kind != "sentence" or nxt.para != u.para:
                lo, hi = units[cur[0]][1][0], units[cur[-1]][1][1]
                blocks.append(text[lo:hi])
                golds.append([(units[j][1][0] - lo, units[j][1][1] - lo) for j in cur])
                cur = []
        cases.append((d.doc_id, blocks, golds))
    return cases


def hard_cases(split: str = "test") -> list[tuple[str, list[str], list[list[tuple[int, int]]]]]:
    """Thesis paragraphs dense in hard periods (``benchmarks/data/thesis_hard_sentences.json``,
    written by the project): one block per passage, its sentences joined by one space."""
    data = json.loads(HARD_GOLD.read_text(encoding="utf-8"))
    cases = []
    for p in data[split]:
        text, spans = "", []
        for t in p["sentences"]:
            start = len(text) + (1 if text else 0)
            text = f"{text} {t}" if text else t
            spans.append((start, start + len(t)))
        cases.append((p["id"], [text], [spans]))
    return cases


def sentence_f1(seg, cases) -> dict[str, float]:  # type: ignore[no-untyped-def]
    blocks = [b for _, bs, _ in cases for b in bs]
    golds = [g for _, _, gs in cases for g in gs]
    preds = seg.segment(blocks)
    tp = n_pred = n_gold = 0
    for p, g in zip(preds, golds):
        ps = {(s.start, s.end) for s in p}
        gs = set(map(tuple, g))
        tp += len(ps & gs)
        n_pred += len(ps)
        n_gold += len(gs)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"p": prec, "r": rec, "f1": f1, "gold": n_gold, "pred": n_pred}


def errors(seg, cases, limit: int = 8) -> list[str]:  # type: ignore[no-untyped-def]
    """A few wrong sentences, for reading (not printed into the docs)."""
    out = []
    for name, blocks, golds in cases:
        for b, p, g in zip(blocks, seg.segment(blocks), golds):
            ps = {(s.start, s.end) for s in p}
            for s, e in sorted(ps - set(map(tuple, g))):
                out.append(f"{name}: {b[s:e][:120]!r}")
    return out[:limit]


# ---- speed ----------------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ``ru_maxrss`` would carry the parent's peak over fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _speed_child(mode: str, threads: int, docs: list[list[str]]) -> dict[str, float]:
    """In a fresh process: load the model, warm up, time one way of segmenting ``docs``, peak RSS."""
    import stanza

    from claimex.segment.stanza import StanzaSegmenter, torch_threads

    seg = StanzaSegmenter(threads=threads)
    blocks = [b for bs in docs for b in bs]
    seg.segment(blocks[:20])  # warm up: model load, first batch
    rss_loaded = _peak_rss_mb()
    t0 = time.perf_counter()
    if mode == "claimex":
        res = seg.segment(blocks)
        words = sum(len(t.words) for ss in res for s in ss for t in s.tokens)
    else:  # stanza.Pipeline once per document, the blank-line-joined blocks as its text
        words = 0
        with torch_threads(threads):
            for bs in docs:
                d = seg.nlp(stanza.Document([], text="\n\n".join(bs)))
                words += d.num_words
    dt = time.perf_counter() - t0
    return {"words": words, "seconds": dt, "wps": words / dt, "threads": threads,
            "rss_loaded_mb": rss_loaded, "peak_rss_mb": _peak_rss_mb()}


def speed(cases, repeat: int = 3, all_cores: bool = False) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Words/s and peak memory, each way in its own process, on the same documents."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    docs = [bs for _, bs, _ in cases] * repeat
    cores = os.cpu_count() or 1
    runs = {"claimex": ("claimex", 1), "per_doc": ("per_doc", 1)}
    if all_cores and cores > 1:  # torch's default: a thread per core (what a plain Stanza user gets)
        runs["per_doc_all_cores"] = ("per_doc", cores)
        runs["claimex_all_cores"] = ("claimex", cores)
    out = {}
    load = os.getloadavg()[0]
    for key, (mode, threads) in runs.items():
        # a thread per core can be very slow on a busy machine: those rows get the first 2 documents, once
        some = docs if threads == 1 else docs[:2]
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
            out[key] = ex.submit(_speed_child, mode, threads, some).result()
        out[key]["docs"] = len(some)
        out[key]["load"] = load
    return out


# ---- report ---------------------------------------------------------------------------------
def _thesis_verdict(f1s: dict) -> str:
    """One sentence on who is ahead on the held-out thesis text."""
    key = "all held-out thesis text"
    best = {n: round(r[key]["f1"], 3) for n, r in f1s.items() if key in r and "alone" not in n}
    claimex = best.pop("StanzaSegmenter (claimex)")
    ahead = [n for n, f in best.items() if claimex > f]
    tied = [n for n, f in best.items() if claimex == f]
    behind = [n for n, f in best.items() if claimex < f]
    parts = [f"ahead of {', '.join(ahead)}" if ahead else "", f"tied with {', '.join(tied)}" if tied else "",
             f"behind {', '.join(behind)}" if behind else ""]
    return (f"On all held-out thesis text StanzaSegmenter scores {claimex:.3f}: "
            + "; ".join(p for p in parts if p) + ". The Stanza model alone breaks after most abbreviations "
            "(Kab., Dr., No., hlm.); the rule layer after it and the rule segmenter share one list of "
            "abbreviations (`claimex/segment/rules.py`), which is why the two agree on thesis text.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-docs", action="store_true", help="replace the segmentation block of docs/benchmarks.md")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--json", help="also write the numbers to this JSON file")
    ap.add_argument("--all-cores", action="store_true",
                    help="also time a torch thread per core (on the first 2 documents; slow on a busy machine)")
    args = ap.parse_args()
    import torch

    segs = segmenters()
    stanza_seg = segs["StanzaSegmenter (claimex)"]
    ud = ud_scores(stanza_seg)
    seeds = seed_cases()
    ann = annotated_cases("test")
    hard_dev, hard_test = hard_cases("dev"), hard_cases("test")
    thesis = {"seeds": seeds, "annotated test": ann, "hard periods, test": hard_test,
              "all held-out thesis text": seeds + ann + hard_test, "hard periods, dev": hard_dev}
    f1s = {name: {k: sentence_f1(s, c) for k, c in thesis.items() if c} for name, s in segs.items()}
    ud_cases = {c[0]: [c] for c in ud_sentence_cases()}
    ud_f1s = {name: {k: sentence_f1(s, c) for k, c in ud_cases.items()} for name, s in segs.items()}
    if args.show_errors:
        for name, s in segs.items():
            print(f"--- {name}")
            for e in errors(s, seeds + ann + hard_test, 30):
                print("  ", e)
    sp = speed(seeds + ann, all_cores=args.all_cores)
    meta = json.loads((ROOT / "models/stanza-id/meta.json").read_text())
    lines = [
        "## Segmentation",
        "",
        f"Script: `benchmarks/bench_segmentation.py` · run {dt.date.today().isoformat()} · "
        f"{os.cpu_count()} CPU cores ({platform.machine()}), torch {torch.__version__} · "
        f"model `models/stanza-id` v{meta.get('version')} (Stanza tokenize + mwt, no charlm).",
        "",
        "**Held-out UD test splits** (CoNLL 2018 evaluation, F1 %, raw text as in Stanza's own scoring; "
        "no test sentence was used in training or model selection):",
        "",
        "| test split | tokens | words (MWT) | sentences |",
        "|---|---:|---:|---:|",
    ]
    for name, r in ud.items():
        lines.append(f"| {name} — claimex `stanza-id` | {r['Tokens']:.2f} | {r['Words']:.2f} | {r['Sentences']:.2f} |")
    lines.append(f"| UD id-GSD test — Stanza's own `id` GSD model (published, v{PUBLISHED['version']}; "
                 f"trained on GSD train, which claimex cannot ship) | {PUBLISHED['tokens']:.2f} | — | {PUBLISHED['sentences']:.2f} |")
    lines += ["", "**Sentence boundaries on the UD test text, every segmenter** (the `# text` of each test "
              "sentence, 10 sentences to a block joined by a space; exact sentence spans, F1):", ""]
    ud_keys = list(ud_cases)
    lines += ["| segmenter | " + " | ".join(f"{k} ({sum(len(g) for _, _, gs in ud_cases[k] for g in gs)} sent.)"
                                          for k in ud_keys) + " |", "|---|" + "---:|" * len(ud_keys)]
    for name, r in ud_f1s.items():
        lines.append(f"| {name} | " + " | ".join(f"{r[k]['f1']:.3f}" for k in ud_keys) + " |")

    lines += ["", "**Sentence boundaries on thesis text** (exact sentence spans; P / R / F1):", ""]
    keys = [k for k in thesis if thesis[k]]
    head = "| segmenter | " + " | ".join(f"{k} ({sum(len(g) for _, _, gs in thesis[k] for g in gs)} sent.)" for k in keys) + " |"
    lines += [head, "|---|" + "---:|" * len(keys)]
    for name, r in f1s.items():
        cells = [f"{r[k]['p']:.3f} / {r[k]['r']:.3f} / **{r[k]['f1']:.3f}**" for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    n_docs = len(seeds) + len(ann)
    lines += ["", _thesis_verdict(f1s)]
    lines += [
        "",
        f"Seeds: the two chapters in `shared/seeds/`, hand-checked boundaries in `benchmarks/data/seed_sentences.json`, "
        f"on `claimex.clean` blocks. Annotated test: {len(ann)} documents of `data/annotations` (split `test`), "
        "gold clean text from `AnnotatedDoc.render()`, one block per paragraph or list item"
        + ("" if ann else " (not present when this was run)") + ". Hard periods: "
        f"`benchmarks/data/thesis_hard_sentences.json`, {len(hard_dev) + len(hard_test)} thesis-style paragraphs written "
        "by the project (2026-12-02) and checked by hand, dense in what breaks segmenters: citation abbreviations "
        "(hlm., dkk., et al., Vol., pp.), titles, initials and degrees (Prof. Dr. Ir., A. Rahman, S.H., M.H.), "
        "legal and place abbreviations (UU No., Kab., Jl., PT., Tbk.), dll./dsb. mid-sentence and sentence-final, "
        "sentence-final acronyms, numbers, URLs, quotations, questions and ellipses; one block per paragraph. The "
        "rule layer and the rule segmenter's abbreviation lists were developed on its `dev` split (where both "
        "started at 0.774 and 0.946); the `test` split was scored once, after that work.",
        "",
        f"**Speed and memory** ({n_docs} thesis documents × 3 = {sp['claimex']['docs']} documents, "
        f"{sp['claimex']['words']:,} words; each row a fresh process, model loaded and warmed up first; "
        "peak RSS of that process):",
        "",
        "| how | torch threads | words/s | claimex's speed as a ratio | RSS after loading (MB) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {"claimex": "claimex `StanzaSegmenter.segment`: all blocks pooled, rules included (the default)",
             "per_doc": "`stanza.Pipeline` called once per document, same model",
             "per_doc_all_cores": "`stanza.Pipeline` once per document, a thread per core (torch's default)",
             "claimex_all_cores": "claimex pooled, a thread per core (what StanzaSegmenter did before `threads`)"}
    for key, r in sp.items():
        ratio = r["seconds"] / sp["claimex"]["seconds"] * sp["claimex"]["words"] / r["words"]
        scope = "" if r["docs"] == sp["claimex"]["docs"] else f" ({r['docs']} documents, {r['words']:,} words)"
        lines.append(f"| {names[key]}{scope} | {r['threads']} | {r['wps']:,.0f} | {ratio:.2f}× | {r['rss_loaded_mb']:,.0f} | "
                     f"{r['peak_rss_mb']:,.0f} |")
    lines += [
        "",
        f"Load average when the speed runs started: {sp['claimex']['load']:.1f} on {os.cpu_count()} cores "
        "(words/s move with the load, the ratios less). "
        "The tokenizer is a small character BiLSTM whose per-character steps are too small to share between "
        "threads; on a busy machine a thread per core was many times slower than one (`--all-cores` adds those "
        "rows), so StanzaSegmenter runs "
        "Stanza with 1 torch thread (its `threads` argument, restored afterwards). For more throughput, run "
        "several processes (`claimex batch` does).",
    ]
    md = "\n".join(lines)
    print(md)
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"date": dt.date.today().isoformat(), "ud": ud, "ud_sentences": ud_f1s, "thesis": f1s, "speed": sp},
            indent=1))
    if args.write_docs:
        p = ROOT / "docs/benchmarks.md"
        s = p.read_text(encoding="utf-8")
        a, b = "<!-- BEGIN segmentation -->", "<!-- END segmentation -->"
        i, j = s.index(a) + len(a), s.index(b)
        p.write_text(s[:i] + "\n" + md + "\n" + s[j:], encoding="utf-8")


if __name__ == "__main__":
    main()
