"""What a corpus contributes beyond its chunks: dictionary words, departments and places per notice.

Both backends build their tokenizer and query analyser from these counts; the FAISS searcher
updates them notice by notice when notices are added or removed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.query import QueryAnalyzer, place_names
from index.reading.places import LibraryPlaces
from index.tokenize import dictionary_word
from index.views import vocabulary
from ingest import Chunk


@dataclass
class CorpusStats:
    """What the corpus contributes to tokenising and query analysis, counted per notice.

    Attributes:
        words: Dictionary words (departments, quoted terms, titles) → notices that contain them.
        departments: Department names → notices that name them as lead or support.
        places: doc_id → the place names its titles and issuer start with.
    """

    words: Counter[str] = field(default_factory=Counter)
    departments: Counter[str] = field(default_factory=Counter)
    places: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> CorpusStats:
        """Count a corpus."""
        stats = cls()
        for doc_id, doc in by_doc(chunks).items():
            words, departments, places = notice_terms(doc)
            stats.words.update(words)
            stats.departments.update(departments)
            stats.places[doc_id] = places
        return stats

    def updated(self, removed: Sequence[Chunk], added: Sequence[Chunk]) -> tuple[CorpusStats, set[str], set[str]]:
        """New counts without the notices of ``removed`` and with those of ``added``.

        Returns:
            The new stats, the dictionary words that appear, and those that disappear.
        """
        new = CorpusStats(Counter(self.words), Counter(self.departments), dict(self.places))
        touched: set[str] = set()
        for sign, chunks in ((-1, removed), (1, added)):
            for doc_id, doc in by_doc(chunks).items():
                words, departments, places = notice_terms(doc)
                touched |= words
                for word in words:
                    new.words[word] += sign
                for name in departments:
                    new.departments[name] += sign
                if sign > 0:
                    new.places[doc_id] = places
                else:
                    new.places.pop(doc_id, None)
        new.words = +new.words  # drop zero counts
        new.departments = +new.departments
        appeared = {w for w in touched if w in new.words and w not in self.words}
        gone = {w for w in touched if w in self.words and w not in new.words}
        return new, appeared, gone

    def save(self, path: Path) -> None:
        """Write the counts as JSON (what :meth:`load` reads instead of recounting the corpus)."""
        data = {
            "words": dict(self.words),
            "departments": dict(self.departments),
            "places": {doc: sorted(places) for doc, places in self.places.items()},
        }
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CorpusStats:
        """Read counts written by :meth:`save`.

        Raises:
            ValueError: if the file is not such a record.
        """
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not {"words", "departments", "places"} <= data.keys():
            raise ValueError(f"{path}: not a corpus statistics record")
        return cls(Counter(data["words"]), Counter(data["departments"]), {d: set(p) for d, p in data["places"].items()})

    def analyzer(self) -> QueryAnalyzer:
        """A query analyser over these departments and places."""
        scope: dict[str, set[str]] = {}
        for doc_id, places in self.places.items():
            for place in places:
                scope.setdefault(place, set()).add(doc_id)
        library = LibraryPlaces(self.places)
        return QueryAnalyzer(sorted(self.departments), scope, self.places, library)  # sorted: aliases resolve alike


def by_doc(chunks: Sequence[Chunk]) -> dict[str, list[Chunk]]:
    """Chunks grouped by notice, notices in order of first appearance."""
    out: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        out.setdefault(chunk.doc_id, []).append(chunk)
    return out


def notice_terms(chunks: Sequence[Chunk]) -> tuple[set[str], set[str], set[str]]:
    """One notice's dictionary words, departments and place names."""
    vocab = vocabulary(chunks)
    words = {w for w in map(dictionary_word, vocab["departments"] | vocab["terms"] | vocab["titles"]) if w}
    sources = {s for c in chunks for s in (c.title, c.notice_title, c.issuer or "") if s}
    places = {place for source in sources for place in place_names(source)}
    return words, vocab["departments"], places
