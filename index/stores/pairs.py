"""Which chunks may contain a word, without reading them: bit-sliced signatures of character pairs.

When a notice brings a word into the tokenizer's dictionary, the chunks already indexed whose
text holds that word are tokenised again (so BM25 scores stay those of a fresh build). Finding
them by normalising every chunk's context text costs ≈ 18 µs a chunk (18 s at a million). Here
each adjacent character pair of a chunk's normalised context sets one of ``slices`` bits
(multiplicative hashing); the bits are stored slice-major, one row of ``ceil(chunks / 8)`` bytes
per bit, so the chunks that may hold a word are the AND of its pairs' rows: a few hundred
kilobytes read per pair at a million chunks. A chunk with the word is always among them (no
false negatives); the rest are filtered by reading their text. 2,048 slices cost 256 bytes a
chunk (256 MiB at a million, memory-mapped, only the rows asked for are read); each pair sets
:data:`HASHES` of them, as a Bloom filter does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

#: Bits per chunk (a power of two). A context of ≈ 160 characters sets ≈ 7 % of them.
SLICES = 2048
#: Bits each pair sets (Bloom filter hashes). Measured at 300k law chunks and 2,048 slices, for
#: the 64 new words of a bundled notice (549 chunks hold one): 20,420 candidates with one
#: hash, 4,638 with two, 1,671 with three (docs/performance.md).
HASHES = 3
_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_BLOCK = 8192  # chunks signed at a time (a multiple of 8)


def pair_slots(text: str, slices: int = SLICES, hashes: int = HASHES) -> np.ndarray:
    """The signature bits (slice numbers) set by the adjacent character pairs of ``text``, ``hashes`` per pair.

    A text holding a word sets every bit the word sets:

    >>> set(pair_slots("热线").tolist()) <= set(pair_slots("12345热线服务").tolist())
    True
    >>> len(pair_slots("热线")), len(pair_slots("热"))
    (3, 0)
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < 2:
        return np.zeros(0, dtype=np.int64)
    keys = (codes[:-1] << np.uint64(21)) | codes[1:]  # code points fit in 21 bits
    shift = np.uint64(64 - (slices.bit_length() - 1))
    return np.concatenate([(keys * m) >> shift for m in _MULTIPLIERS[:hashes]]).astype(np.int64)


class PairSignatures:
    """Slice-major bit signatures of a list of texts (position i is text i)."""

    def __init__(self, bits: np.ndarray, count: int, hashes: int = HASHES) -> None:
        self.bits = bits  # (slices, ceil(count / 8)) uint8, little bit order
        self.count = count
        self.hashes = hashes
        self.slices = bits.shape[0]
        if self.slices & (self.slices - 1) or bits.shape[1] != (count + 7) // 8:
            raise ValueError(f"pair signatures of shape {bits.shape} do not fit {count} texts")

    @classmethod
    def of(cls, texts: Iterable[str], count: int, slices: int = SLICES, hashes: int = HASHES) -> PairSignatures:
        """The signatures of ``count`` texts (normalised as the words asked for will be)."""
        items = iter(texts)

        def fill(block: np.ndarray, start: int, end: int) -> None:
            for column, text in zip(range(end - start), items, strict=False):
                block[pair_slots(text, slices, hashes), column] = True
                if column == end - start - 1:
                    return
            raise ValueError(f"fewer texts given than the {count} signatures asked for")

        signatures = cls._packed(count, slices, hashes, fill)
        if next(items, None) is not None:
            raise ValueError(f"more texts given than the {count} signatures asked for")
        return signatures

    @classmethod
    def rebased(cls, old: PairSignatures, origin: np.ndarray, text_of: Callable[[int], str]) -> PairSignatures:
        """Signatures of new texts: text n is ``old``'s text ``origin[n]``, or ``text_of(n)`` where that is −1.

        What folding changes into a new base needs: the kept texts' bits are copied, only the
        texts added since are read.
        """

        def fill(block: np.ndarray, start: int, end: int) -> None:
            places = origin[start:end]
            copied = places >= 0
            block[:, : end - start][:, copied] = old.columns(places[copied])
            for column in np.flatnonzero(~copied).tolist():
                block[pair_slots(text_of(start + column), old.slices, old.hashes), column] = True

        return cls._packed(len(origin), old.slices, old.hashes, fill)

    @classmethod
    def _packed(
        cls, count: int, slices: int, hashes: int, fill: Callable[[np.ndarray, int, int], None]
    ) -> PairSignatures:
        """Signatures of ``count`` texts, block by block: ``fill(block, start, end)`` sets texts start..end−1's bits."""
        bits = np.zeros((slices, (count + 7) // 8), dtype=np.uint8)
        for start in range(0, count, _BLOCK):
            end = min(count, start + _BLOCK)
            block = np.zeros((slices, (end - start + 7) // 8 * 8), dtype=bool)
            fill(block, start, end)
            bits[:, start // 8 : start // 8 + block.shape[1] // 8] = np.packbits(block, axis=1, bitorder="little")
        return cls(bits, count, hashes)

    def columns(self, positions: np.ndarray) -> np.ndarray:
        """The bits of the texts at ``positions``: (slices, len(positions)) booleans."""
        positions = np.asarray(positions, dtype=np.int64)
        shift = (positions & 7).astype(np.uint8)
        return ((self.bits[:, positions >> 3] >> shift) & 1).astype(bool)

    def candidates(self, words: Sequence[str]) -> np.ndarray:
        """Positions of the texts that may contain any of ``words`` (every one that does, and a few more)."""
        hit = np.zeros(self.bits.shape[1], dtype=np.uint8)
        for word in words:
            slots = np.unique(pair_slots(word, self.slices, self.hashes))
            if len(slots) == 0:  # a one-character word: no pair to look for
                return np.arange(self.count)
            row = np.array(self.bits[slots[0]])
            for slot in slots[1:]:
                row &= self.bits[slot]
            hit |= row
        return np.flatnonzero(np.unpackbits(hit, bitorder="little")[: self.count])

    def save(self, path: Path) -> None:
        """Write the bits as .npy."""
        np.save(path, np.ascontiguousarray(self.bits))

    @classmethod
    def load(cls, path: Path, count: int) -> PairSignatures:
        """Map signatures written by :meth:`save` for ``count`` texts.

        Raises:
            ValueError: if the file does not fit ``count`` texts.
        """
        return cls(np.load(path, mmap_mode="r", allow_pickle=False), count)
