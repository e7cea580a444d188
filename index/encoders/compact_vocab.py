"""A Unigram tokenizer cut to the scripts of Chinese notices, exactly equal to the full one on the texts it takes.

The bundled encoder's tokenizer (XLM-R's SentencePiece Unigram, 250,002 pieces) holds ≈ 290 MiB
in memory (its trie of pieces, tokenizers' Rust structures), more than the int8 model itself.
Unigram segmentation is a Viterbi search over the pieces that *occur in the text*, so for a text
whose every character lies in a set ``S`` only the pieces made of characters of ``S`` can take
part. The compact tokenizer keeps exactly those (plus the special tokens and the lowest-scoring
piece, which fixes the unknown-token score): 121,688 pieces, ≈ 110 MiB. A text with a character
outside ``S`` (Korean, Cyrillic, Arabic, emoji…) goes to the full tokenizer, loaded on first need
and let go again after :data:`FULL_IDLE_SECONDS` without such a text (its ≈ 290 MiB returned to the
system), so a question in another script costs memory for a minute, not for the life of the app.

``S`` is CJK (with Extension A), ASCII, Latin-1, Greek, general and CJK punctuation, letterlike
and number forms, arrows, mathematical operators, enclosed numbers, box drawing, geometric and
miscellaneous symbols, and full-width forms: 99.99 % of the wild notices' lines, MSGABench and
the laws corpus. Checked: 212,667 texts (the wild notices whole and by line, MSGABench with its
prompts, 800 regulations by line) tokenised both ways, 0 differences
(``docs/experiments/compact_vocab.py``; ``tests/test_compact_vocab.py`` on the bundled notices).
Ids are mapped back to the full vocabulary's, so the model sees the same input either way.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Unicode ranges whose characters the compact vocabulary covers completely.
RANGES = (
    (0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x22FF),
    (0x2460, 0x24FF), (0x2500, 0x26FF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x2581, 0x2581),
)  # fmt: skip
_OUTSIDE = re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in RANGES) + "]")
COMPACT = "tokenizer.compact.json"
IDS = "tokenizer.compact.ids.npy"
#: The sha256 of the tokenizer.json the compact files were cut from.
SOURCE = "tokenizer.compact.source"
#: Seconds the full tokenizer is kept after the last text that needed it (reloading it takes ≈ 0.5 s).
FULL_IDLE_SECONDS = 60.0


def _return_freed_memory() -> None:
    """Ask glibc to give freed heap pages back to the system (the full tokenizer's); nothing elsewhere."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(name).malloc_trim(0)


def _covered(piece: str) -> bool:
    return _OUTSIDE.search(piece) is None


def write_compact(source: Path) -> bool:
    """Write the compact tokenizer and its id map beside ``source``; False when it cannot be cut exactly.

    Only a Unigram model with at most a Metaspace pre-tokenizer and no byte fallback is cut:
    other models (WordPiece, BPE) segment by rules a smaller vocabulary would change.
    """
    spec = json.loads(source.read_text(encoding="utf-8"))
    model, pre = spec.get("model", {}), spec.get("pre_tokenizer") or {}
    if model.get("type") != "Unigram" or model.get("byte_fallback") or pre.get("type") not in (None, "Metaspace"):
        return False
    vocab = model["vocab"]
    special = {int(t["id"]) for t in spec.get("added_tokens", [])}
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])  # its score sets the unknown token's
    kept = [i for i, (piece, _) in enumerate(vocab) if i in special or i == lowest or _covered(piece)]
    new_of = {old: new for new, old in enumerate(kept)}
    model["vocab"] = [vocab[i] for i in kept]
    if model.get("unk_id") is not None:
        model["unk_id"] = new_of[model["unk_id"]]
    for token in spec.get("added_tokens", []):
        token["id"] = new_of[int(token["id"])]
    for token in ((spec.get("post_processor") or {}).get("special_tokens") or {}).values():
        token["ids"] = [new_of[int(i)] for i in token["ids"]]
    _atomic(source.parent / IDS, lambda handle: np.save(handle, np.array(kept, dtype=np.int32)))
    _atomic(source.parent / COMPACT, lambda handle: handle.write(json.dumps(spec, ensure_ascii=False).encode()))
    _atomic(source.parent / SOURCE, lambda handle: handle.write(_sha256(source).encode()))  # written last: complete
    return True


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class TokenizerPair:
    """Texts → token ids of the full vocabulary: the compact tokenizer where it is exact, else the full one.

    Args:
        source: The model's ``tokenizer.json``. Its compact form is made beside it on first use
            (once per exported model); a model that cannot be cut uses the full tokenizer only.
        max_length: Truncation length (special tokens included), as the full tokenizer applies it.
    """

    def __init__(self, source: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.source = Path(source)
        self.max_length = max_length
        self._full: Any = None
        self._full_used = 0.0
        self._release: threading.Timer | None = None
        self._lock = threading.Lock()
        self.compact: Any = None
        self.ids: np.ndarray | None = None
        compact, ids = self.source.parent / COMPACT, self.source.parent / IDS
        if not (compact.is_file() and ids.is_file() and self._matches()):
            try:
                made = write_compact(self.source)
            except OSError:  # a read-only model folder: the full tokenizer does the work
                made = False
            if not made:
                return
        self.compact = self._configured(Tokenizer.from_file(str(compact)))
        self.ids = np.load(ids)

    def _matches(self) -> bool:
        """Whether the compact files were cut from this very ``tokenizer.json``."""
        recorded = self.source.parent / SOURCE
        return recorded.is_file() and recorded.read_text(encoding="utf-8").strip() == _sha256(self.source)

    def _configured(self, tokenizer: Any) -> Any:
        tokenizer.enable_truncation(self.max_length)
        tokenizer.no_padding()
        return tokenizer

    def full(self) -> Any:
        """The full tokenizer: loaded on first need, let go after :data:`FULL_IDLE_SECONDS` unused."""
        with self._lock:
            if self._full is None:
                from tokenizers import Tokenizer

                self._full = self._configured(Tokenizer.from_file(str(self.source)))
            self._full_used = time.monotonic()
            if self.compact is not None and self._release is None:  # the compact one does the usual work
                self._release = threading.Timer(FULL_IDLE_SECONDS, self._release_idle)
                self._release.daemon = True
                self._release.start()
            return self._full

    def _release_idle(self) -> None:
        """Drop the full tokenizer when no text has needed it for :data:`FULL_IDLE_SECONDS`, else look again later."""
        with self._lock:
            idle = time.monotonic() - self._full_used
            if idle < FULL_IDLE_SECONDS:
                self._release = threading.Timer(FULL_IDLE_SECONDS - idle, self._release_idle)
                self._release.daemon = True
                self._release.start()
                return
            self._full, self._release = None, None
        gc.collect()
        _return_freed_memory()

    def holds_full(self) -> bool:
        """Whether the full tokenizer is in memory now."""
        return self._full is not None

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids (full-vocabulary ids, special tokens included, truncated)."""
        texts = list(texts)
        if self.compact is None or self.ids is None:
            return [e.ids for e in self.full().encode_batch(texts)]
        normalizer = self.compact.normalizer
        inside = [
            i for i, t in enumerate(texts) if _OUTSIDE.search(normalizer.normalize_str(t) if normalizer else t) is None
        ]
        out: list[list[int]] = [[] for _ in texts]
        for i, encoding in zip(inside, self.compact.encode_batch([texts[i] for i in inside]), strict=True):
            out[i] = self.ids[encoding.ids].tolist()
        outside = sorted(set(range(len(texts))) - set(inside))
        if outside:
            for i, encoding in zip(outside, self.full().encode_batch([texts[i] for i in outside]), strict=True):
                out[i] = encoding.ids
        return out
