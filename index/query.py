"""Query understanding: normalisation, departments and places named, and what is asked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from index.fuse import MODES
from index.reading.places import LibraryPlaces
from index.tokenize import normalize_text
from ingest.bounds import MAX_QUERY_CHARS
from ingest.departments import canonical, is_generic, variants

_SPACES = re.compile(r"\s+")
_RESPONSIBILITY = re.compile(
    r"哪些部门|哪个部门|什么部门|哪家单位|哪些单位|哪个单位|由谁|谁(来)?(牵头|负责|主管|管)|牵头(单位|部门)|责任(单位|部门)|"
    r"负责(部门|单位)|主管部门|which (department|agency|office|unit)|who (leads|is responsible|is in charge)|"
    r"responsible|in charge",
    re.I,
)
_LED_WORK = re.compile(r"(牵头|负责)(负责)?(哪些|什么|了什么|的)(工作|任务|事项|事)?")
_CROSS = re.compile(r"各地|各市|各区县|哪些地方|各个地方|不同地区|各级|分别")
_ZONES = {"经济技术开发区": "经开区", "高新技术产业开发区": "高新区"}
_PLACE_HEAD = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,6}?(?:经济技术开发区|高新技术产业开发区|经开区|高新区|开发区|新区)|"
    r"[\u4e00-\u9fff]{2,3}?(?:自治区|省|市|县|区))"
)


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def strip_invisible(text: str) -> str:
    r"""Control characters become spaces; zero-width, BOM and bidi-override characters go.

    Pasted text carries them (U+200B from web pages, U+FEFF from files, U+202E to spoof text);
    left in, they split words for jieba and change what the model sees.

    >>> strip_invisible("12345\u200b热线\x07\u202e呢")
    '12345热线 呢'
    """
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            out.append(ch)
    return "".join(out)


def normalize_query(text: str) -> str:
    """Invisible characters out, full-width → half-width (NFKC), traditional → simplified, spaces folded.

    >>> normalize_query("哪些部門負責社會信用體系建設？　１２３４５")
    '哪些部门负责社会信用体系建设? 12345'
    """
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    text = _t2s().convert(text)  # type: ignore[attr-defined]
    return _SPACES.sub(" ", text).strip()


_NOT_WORD = re.compile(r"[\W_]+")


def squash_text(text: str) -> str:
    """Lower case, NFKC, without punctuation or white space: "“双随机、一公开”" → "双随机一公开"."""
    return _NOT_WORD.sub("", normalize_text(text))


def place_names(title: str) -> list[str]:
    """Place names a title or issuer starts with, with their short forms.

    >>> place_names("汉中市汉台区人民政府办公室")
    ['汉中市', '汉中', '汉台区', '汉台']
    >>> place_names("2024年汉中经开区深化改革工作方案")
    ['汉中经开区', '经开区']
    """
    text = re.sub(r"^(关于印发|关于|印发)?《?\d{4}年", "", title)
    text = re.sub(r"^(关于印发|关于|印发)《?", "", text)
    names: list[str] = []
    while m := _PLACE_HEAD.match(text):
        name = m.group(0)
        names.append(name)
        for zone, short in _ZONES.items():
            if name.endswith(zone):
                names.append(name[: -len(zone)] + short)
                name = names[-1]
        if name.endswith(("经开区", "高新区", "新区", "开发区")):
            names.append(next(z for z in ("经开区", "高新区", "新区", "开发区") if name.endswith(z)))
        elif len(name) == 3 and name[-1] in "省市县区":
            names.append(name[:2])
        text = text[m.end() :]
    return list(dict.fromkeys(names))


def department_aliases(name: str) -> list[str]:
    """A department name and its form without the leading 市/区/县/省 ("市数据局" → "数据局").

    >>> department_aliases("市数据局")
    ['市数据局', '数据局']
    """
    out = [name]
    if len(name) >= 4 and name[0] in "市区县省" and not name.startswith(("市级", "市直", "区级", "县级", "省级")):
        out.append(name[1:])
    return out


@dataclass
class QueryInfo:
    """What the analyser found in a query.

    Attributes:
        text: The normalised query.
        departments: Corpus departments the query names, in their canonical forms
            (:func:`ingest.departments.canonical`; generic units are never among them).
        places: Place names the query uses that scope it to some notices.
        doc_scope: doc_ids of the notices those places point to.
        asks_responsibility: "哪些部门负责 / 由谁牵头 / 牵头单位 …" questions.
        asks_led_work: "X牵头负责哪些工作" questions (about what a department leads).
        cross_doc: "各地 / 哪些地方 …" questions that want answers from several notices.
        phrase: The query without punctuation and white space, lower case (for verbatim matches).
        named_places: The provinces, cities and counties the query names (found only when the
            analyser knows the library's places).
        foreign_places: The places the query names when none of them is a place of the library's
            notices (山西省 asked of 汉中's and 湘潭's notices); else empty.
    """

    text: str
    departments: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    doc_scope: set[str] = field(default_factory=set)
    asks_responsibility: bool = False
    asks_led_work: bool = False
    cross_doc: bool = False
    phrase: str = ""
    named_places: list[str] = field(default_factory=list)
    foreign_places: list[str] = field(default_factory=list)


class QueryAnalyzer:
    """Finds corpus departments and places in queries.

    Example:
        >>> qa = QueryAnalyzer(["市数据局"], {"汉中市": {"000"}}, all_docs=["000", "001"])
        >>> info = qa("汉中市数据局牵头负责哪些工作")
        >>> info.departments, info.asks_led_work, sorted(info.doc_scope)
        (['市数据局'], True, ['000'])
    """

    def __init__(
        self,
        departments: Iterable[str],
        places: dict[str, set[str]],
        all_docs: Iterable[str] | None = None,
        library: LibraryPlaces | None = None,
    ) -> None:
        aliases: dict[str, str] = {}
        for name in departments:
            if is_generic(name):
                continue
            main = canonical(name)
            for form in [*variants(name), name]:  # 发改委 finds 市发展和改革委员会, and the other way round
                for alias in department_aliases(form):
                    aliases.setdefault(alias, main)
        self._aliases = sorted(aliases.items(), key=lambda kv: -len(kv[0]))
        self._places = sorted(places.items(), key=lambda kv: -len(kv[0]))
        self._all_docs = set(all_docs) if all_docs is not None else set().union(*places.values())
        #: The places of the library's notices (None: questions are not checked for places).
        self.library = library

    def __call__(self, query: str) -> QueryInfo:
        """Analyse one query."""
        text = normalize_query(query)
        info = QueryInfo(text=text, phrase=squash_text(text))
        rest = text
        for alias, name in self._aliases:
            if alias in rest:
                if name not in info.departments:
                    info.departments.append(name)
                rest = rest.replace(alias, "\0")
        rest = text
        for place, docs in self._places:
            if place in rest and docs != self._all_docs:
                info.places.append(place)
                info.doc_scope |= docs
                rest = rest.replace(place, "\0")
        info.asks_responsibility = bool(_RESPONSIBILITY.search(text))
        info.asks_led_work = bool(info.departments and _LED_WORK.search(text))
        info.cross_doc = bool(_CROSS.search(text))
        if self.library is not None:
            named = self.library.gazetteer.find(text)  # once: for the place rule and the abstain evidence
            info.named_places = list(named)
            info.foreign_places = self.library.foreign(named)
        return info


def analyze_queries(analyzer: QueryAnalyzer, queries: Sequence[str], k: int, mode: str) -> list[QueryInfo]:
    """Check a search's arguments and analyse its queries.

    Raises:
        TypeError: for a single string instead of a list, or a query that is not a string.
        ValueError: for k < 1, an unknown mode, a query over :data:`MAX_QUERY_CHARS`, or one
            with no letters or digits once invisible characters are gone; naming the query.
    """
    if isinstance(queries, str):
        raise TypeError("search_batch takes a list of queries; use search() for one")
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k={k!r}: ask for at least one result (k ≥ 1)")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    for number, query in enumerate(queries, 1):
        if not isinstance(query, str):
            raise TypeError(f"query {number} is a {type(query).__name__}, not a string")
        if len(query) > MAX_QUERY_CHARS:
            raise ValueError(f"query {number} is {len(query):,} characters long; ask in at most {MAX_QUERY_CHARS:,}")
    infos = [analyzer(q) for q in queries]
    for number, info in enumerate(infos, 1):
        if not squash_text(info.text):
            raise ValueError(f"query {number} is empty (no letters or digits): ask a question")
    return infos
