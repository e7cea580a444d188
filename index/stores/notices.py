"""Which notice each chunk of a local store belongs to, kept beside the notice list so nothing is decoded to find it.

A change (add, replace, remove) needs the chunk numbers of the notices it touches, and the
clause view needs one notice's chunks; finding them by reading every chunk's ``doc_id`` decodes
the whole chunk file (≈ 20 s at a million chunks). The table holds the notices in order of first
appearance and, per chunk, its notice's place in that list (4 bytes a chunk); a change updates
both from the notices it touches alone.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.stores.base import NoticeInfo, notice_info
from ingest import Chunk

#: The notice list and each chunk's place in it, as saved in an index directory.
NOTICES = "notices.json"
CHUNK_NOTICES = "chunk_notices.npy"


@dataclass(frozen=True)
class NoticeTable:
    r"""The notices of a store, in order of first appearance, and each chunk's notice (a position in ``infos``).

    Example:
        >>> from ingest import parse_text
        >>> a = parse_text("一、任务\n1.推进。\n2.落实。", "a").chunks
        >>> b = parse_text("一、任务\n1.办理。", "b").chunks
        >>> table = NoticeTable.of(a + b)
        >>> table.numbers({"b"}).tolist(), [n.doc_id for n in table.infos]
        ([2], ['a', 'b'])
        >>> later = table.updated({"a"}, parse_text("1.新增。", "c").chunks)
        >>> [n.doc_id for n in later.infos], later.chunk_notice.tolist()
        (['b', 'c'], [0, 1])
    """

    infos: list[NoticeInfo]
    chunk_notice: np.ndarray

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> NoticeTable:
        """The table of these chunks (reads every chunk once)."""
        order: dict[str, int] = {}
        groups: list[list[Chunk]] = []
        place = np.empty(len(chunks), dtype=np.int32)
        for number, chunk in enumerate(chunks):
            at = order.get(chunk.doc_id)
            if at is None:
                at = order[chunk.doc_id] = len(groups)
                groups.append([])
            groups[at].append(chunk)
            place[number] = at
        return cls([notice_info(doc) for doc in groups], place)

    def numbers(self, doc_ids: Collection[str]) -> np.ndarray:
        """The chunk numbers of these notices, ascending (none for doc_ids not here)."""
        wanted = [i for i, info in enumerate(self.infos) if info.doc_id in doc_ids]
        return np.flatnonzero(np.isin(self.chunk_notice, wanted))

    def updated(self, removed: Collection[str], added: Sequence[Chunk]) -> NoticeTable:
        """The table after removing these notices and appending the chunks ``added`` (whole notices).

        Kept notices keep their order and the new ones follow in order of first appearance,
        as :meth:`of` over the kept chunks and then the added ones would give.
        """
        kept = np.array([info.doc_id not in removed for info in self.infos], dtype=bool)
        renumbered = np.cumsum(kept, dtype=np.int32) - 1
        chunk_notice = renumbered[self.chunk_notice[kept[self.chunk_notice]]]
        new = NoticeTable.of(added)
        infos = [info for info, k in zip(self.infos, kept, strict=True) if k]
        places = np.concatenate([chunk_notice, new.chunk_notice + len(infos)]).astype(np.int32)
        return NoticeTable(infos + new.infos, places)

    def save(self, folder: Path) -> None:
        """Write the notice list (JSON) and the chunks' notices (.npy) into ``folder``."""
        notices = [info.to_dict() for info in self.infos]
        (folder / NOTICES).write_text(json.dumps(notices, ensure_ascii=False), encoding="utf-8")
        np.save(folder / CHUNK_NOTICES, self.chunk_notice)

    @classmethod
    def load(cls, folder: Path, chunk_count: int) -> NoticeTable | None:
        """The table saved in ``folder``, or None for an index saved before it was (derive it then).

        Raises:
            ValueError: if the saved table does not fit an index of ``chunk_count`` chunks.
        """
        if not (folder / NOTICES).is_file() or not (folder / CHUNK_NOTICES).is_file():
            return None
        raw = json.loads((folder / NOTICES).read_text(encoding="utf-8"))
        infos = [NoticeInfo(**{**n, "leads": tuple(n["leads"])}) for n in raw]
        chunk_notice = np.load(folder / CHUNK_NOTICES, allow_pickle=False)
        counts = np.bincount(chunk_notice, minlength=len(infos)).tolist()
        if len(chunk_notice) != chunk_count or counts != [n.chunks for n in infos]:
            raise ValueError(f"{folder / CHUNK_NOTICES} does not agree with {NOTICES}")
        return cls(infos, chunk_notice)
