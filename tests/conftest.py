from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_PDF_TEXT = SEEDS / "000_aa302228cb1b8149.txt"
SEED_MARKDOWN = SEEDS / "004_1a9651c621a4b1d7.txt"


@pytest.fixture
def seeds() -> Path:
    if not SEED_PDF_TEXT.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    return SEEDS


@pytest.fixture(scope="session")
def rules_pipeline():
    from claimex.pipeline import Pipeline

    return Pipeline(model="rules", segmenter="rules", entities=False)


def build_tiny_bert(folder: Path, texts: list[str]) -> Path:
    """A 2-layer BERT (hidden 32, random weights) with a WordPiece tokenizer trained on ``texts``."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=400, special_tokens=specials))
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]", model_max_length=128)
    fast.save_pretrained(str(folder))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, pad_token_id=tok.token_to_id("[PAD]"))
    BertModel(cfg, add_pooling_layer=False).save_pretrained(str(folder))
    return folder


_SEED_DOCS: dict = {}


def seed_doc(seeds: Path, name: str, rules_pipeline, rec):
    """A seed chapter read, cleaned, segmented by the rules and tagged by ``rec`` (cached per recogniser)."""
    key = (name, id(rec))
    if key not in _SEED_DOCS:
        from claimex.clean import clean_document
        from claimex.ingest import read

        d = read(seeds / name)
        clean_document(d)
        rules_pipeline.segment([d])
        rec.annotate([d])
        _SEED_DOCS[key] = (d, rec)  # the recogniser is kept so that its id is not reused
    return _SEED_DOCS[key][0]


# Sentence ends learnt on the hard-period dev set (benchmarks/data/thesis_hard_sentences.json), in the
# project's own sentences; both segmenters must get them right.
HARD_PERIOD_CASES = [
    ("Model ini diuji oleh Putri et al. Hasil ujinya stabil.", ["Model ini diuji oleh Putri et al.", "Hasil ujinya stabil."]),
    ("Putri et al. (2020) mengujinya lebih dulu.", ["Putri et al. (2020) mengujinya lebih dulu."]),
    ("Ketua majelis ialah Budi Hartono, S.H., M.H. Ia memimpin sidang.",
     ["Ketua majelis ialah Budi Hartono, S.H., M.H.", "Ia memimpin sidang."]),
    ("Menurut Rina Wati, M.Si., program ini berhasil.", ["Menurut Rina Wati, M.Si., program ini berhasil."]),
    ("Artikelnya dimuat pada Vol. 3, pp. 12-20 dan diterbitkan tgl. 5 Mei.",
     ["Artikelnya dimuat pada Vol. 3, pp. 12-20 dan diterbitkan tgl. 5 Mei."]),
    ("Kantornya di Jl. K.H. Hasyim Asyari No. 4 sejak lama.", ["Kantornya di Jl. K.H. Hasyim Asyari No. 4 sejak lama."]),
]
