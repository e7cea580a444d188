"""Where a notice belongs and which places a question names: China's provinces, cities and counties.

The gazetteer is the table of administrative divisions that the ``cpca`` package ships
(``cpca/resources/adcodes.csv``, MIT; 3,511 divisions with their 12-digit codes). Only the file
is read: the package itself, and the pandas it imports, are never loaded.

- A **full name** (山西省, 汉中市, 汉台区, 恩施土家族苗族自治州) is found anywhere in a text.
- A **short form** of a province or a city (山西, 汉中, 恩施, 内蒙古) is found only as a whole jieba
  word, so 长治久安 and 大理石 do not name 长治 or 大理. Counties have no short forms: too many are
  ordinary words.
- Two places are **related** when one contains the other or they are the same (by the code's
  prefix): a question about 陕西省 or 汉台区 is about places a 汉中市 notice covers; 长沙 is not.
"""

from __future__ import annotations

import csv
import importlib.util
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: Division names that are not places a question names (placeholders of the table, generic words).
#: The names of development zones, which belong to the city named before them.
_ZONES = ("经济技术开发区", "高新技术产业开发区", "经开区", "高新区", "开发区", "新区")
_NOT_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "城区", "郊区", "矿区", "市中区"}
)
#: The ethnic names that autonomous prefectures' names carry after the place (恩施 土家族苗族 自治州).
_ETHNIC = re.compile(
    "(?:汉|蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
    "塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺)族"
)


@dataclass(frozen=True)
class Place:
    """One administrative division.

    Attributes:
        code: Its 12-digit division code.
        name: Its full name (山西省).
        level: 1 province, 2 city (prefecture), 3 county.
    """

    code: str
    name: str
    level: int

    @property
    def prefix(self) -> str:
        """The part of the code that the divisions inside it share: 2, 4 or 6 digits."""
        return self.code[: 2 * self.level]

    def related(self, other: Place) -> bool:
        """The same place, or one inside the other.

        >>> shaanxi, hanzhong = Place("610000000000", "陕西省", 1), Place("610700000000", "汉中市", 2)
        >>> shaanxi.related(hanzhong), hanzhong.related(Place("430300000000", "湘潭市", 2))
        (True, False)
        """
        shorter = min(len(self.prefix), len(other.prefix))
        return self.code[:shorter] == other.code[:shorter]


def _level(code: str) -> int:
    if code[2:] == "0" * 10:
        return 1
    if code[4:] == "0" * 8:
        return 2
    return 3


def short_form(place: Place) -> str | None:
    """A province's or city's name without its division word (汉中市 → 汉中); None for counties.

    >>> [short_form(Place("450000000000", n, 1)) for n in ("广西壮族自治区", "内蒙古自治区", "黑龙江省")]
    ['广西', '内蒙古', '黑龙江']
    >>> short_form(Place("422800000000", "恩施土家族苗族自治州", 2)), short_form(Place("610702000000", "汉台区", 3))
    ('恩施', None)
    """
    name = place.name
    if place.level == 3:
        return None
    if name.endswith("自治区"):
        return "内蒙古" if name.startswith("内蒙古") else name[:2]
    if name.endswith("自治州"):
        found = _ETHNIC.search(name)
        return name[: found.start()] if found and found.start() >= 2 else None
    for suffix in ("特别行政区", "地区", "省", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _table() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the gazetteer needs the cpca package (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


class Gazetteer:
    """Finds the provinces, cities and counties a text names."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.full: dict[str, list[Place]] = {}
        self.short: dict[str, list[Place]] = {}
        self.by_code: dict[str, Place] = {}
        for place in places:
            self.by_code[place.code] = place
            if place.name in _NOT_NAMES or len(place.name) < 2:
                continue
            self.full.setdefault(place.name, []).append(place)
            short = short_form(place)
            if short:
                self.short.setdefault(short, []).append(place)
        for name, options in self.short.items():  # 海南, 吉林: a province's short form and a city's: the province
            top = min(p.level for p in options)
            self.short[name] = [p for p in options if p.level == top]
        self._full_pattern = re.compile("|".join(sorted(map(re.escape, self.full), key=len, reverse=True)))

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Gazetteer:
        """The gazetteer of ``cpca``'s table (read once)."""
        with _table().open(encoding="utf-8") as table:
            rows = list(csv.DictReader(table))
        return cls(Place(r["adcode"], r["name"], _level(r["adcode"])) for r in rows if len(r["adcode"]) == 12)

    def find(self, text: str) -> dict[str, list[Place]]:
        """The place names in a text → the divisions each may be (a name like 朝阳区 is several).

        >>> found = Gazetteer.default().find("山西省和汉中的工程建设项目，长治久安")
        >>> {name: [p.code[:4] for p in places] for name, places in found.items()}
        {'山西省': ['1400'], '汉中': ['6107']}
        """
        import jieba

        found: dict[str, list[Place]] = {}
        rest = text
        for match in self._full_pattern.finditer(text):
            found.setdefault(match.group(0), self.full[match.group(0)])
            rest = rest.replace(match.group(0), "\0")
        logging.getLogger("jieba").setLevel(logging.WARNING)
        for word in jieba.lcut(rest):
            if word in self.short:
                found.setdefault(word, self.short[word])
        return found

    def resolve(self, names: Iterable[str]) -> set[Place]:
        """The divisions that a notice's place names (its title's and issuer's) stand for.

        Where a name is several divisions, the ones related to another name's are kept (汉台区
        beside 汉中市 is 汉中's 汉台区).

        >>> sorted(p.name for p in Gazetteer.default().resolve(["汉中市", "汉中", "汉台区", "汉台"]))
        ['汉中市', '汉台区']
        """
        candidates = [self._named(n) for n in dict.fromkeys(names)]
        out: set[Place] = set()
        for n, options in enumerate(candidates):
            others = [p for m, opts in enumerate(candidates) if m != n for p in opts if len(opts) == 1]
            fitting = [p for p in options if any(p.related(o) for o in others)] if len(options) > 1 else options
            out.update(fitting or options)
        return out

    def _named(self, name: str) -> list[Place]:
        """The divisions a name is; a development zone's name is its city's (汉中经开区 → 汉中)."""
        found = self.full.get(name) or self.short.get(name)
        if found:
            return found
        for zone in _ZONES:
            if name.endswith(zone) and len(name) > len(zone):
                return self._named(name[: -len(zone)])
        return []


class LibraryPlaces:
    """The places of a library's notices, and which places a question names that none of them covers.

    A notice's places come from its title and issuer (:func:`index.query.place_names`). A notice
    without any (a national statute, a report) is *unplaced*.
    """

    def __init__(self, notice_places: dict[str, set[str]], gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.default()
        self.of_notice = {doc: self.gazetteer.resolve(sorted(names)) for doc, names in notice_places.items()}
        self.places = set().union(*self.of_notice.values()) if self.of_notice else set()

    def placed(self, doc_id: str) -> bool:
        """The notice belongs to some province, city or county."""
        return bool(self.of_notice.get(doc_id))

    def foreign(self, named: Mapping[str, list[Place]]) -> list[str]:
        """The places named (:meth:`Gazetteer.find`) when every one is outside the library's places; else [].

        A question that also names a place of the library ("汉中学习北京的做法") is about the
        library's place. A library without placed notices has no foreign places.
        """
        if not self.places:
            return []
        outside = [n for n, options in named.items() if not any(p.related(q) for p in options for q in self.places)]
        return outside if named and len(outside) == len(named) else []


#: The level a department's first character names: 省 a province, 市 a city, 区/县 a county.
_LEVEL_OF_PREFIX = {"省": 1, "市": 2, "区": 3, "县": 3}


class DepartmentPlaces:
    """Which place a department of a notice belongs to, so that 汉中's 市发改委 and 湘潭's are two departments.

    A department written with a level (市发改委, 区行政审批服务局) belongs to its notice's place of
    that level (汉中市; 汉台区); one without (政务服务中心) to the notice's most specific place. A
    name that already says its place (汉中市发展改革委) needs no other. Names are told apart only when
    the library holds notices of more than one place (:attr:`several`).
    """

    def __init__(self, library: LibraryPlaces) -> None:
        self.library = library
        most_specific = {max(ps, key=lambda p: p.level) for ps in library.of_notice.values() if ps}
        #: The library's notices belong to more than one place.
        self.several = len(most_specific) > 1

    def place(self, doc_id: str, department: str) -> str:
        """The name of the place ``department`` of notice ``doc_id`` belongs to ("" when the notice has none)."""
        places = self.library.of_notice.get(doc_id) or set()
        if not places:
            return ""
        level = _LEVEL_OF_PREFIX.get(department[:1]) if len(department) > 2 else None
        if level is None:
            return max(places, key=lambda p: (p.level, p.code)).name
        fitting = [p for p in places if p.level == level]
        if not fitting and level < max(p.level for p in places):  # a 省 department of a city's notice
            deepest = max(places, key=lambda p: p.level)
            code = deepest.code[: 2 * level].ljust(12, "0")
            above = self.library.gazetteer.by_code.get(code)
            fitting = [above] if above else []
        return fitting[0].name if fitting else max(places, key=lambda p: p.level).name

    def parse(self, listed: str) -> tuple[str, str]:
        """A listed department's name and place; a bracket that names no place is part of the name.

        "市发展改革委（汉中市）" → ("市发展改革委", "汉中市"); "生态环境局（应急管理局）" stays whole.
        """
        name, place = split_place(listed)
        return (name, place) if place in self.library.gazetteer.full else (listed.strip(), "")

    def display(self, doc_id: str, department: str) -> str:
        """The department as lists show it: "市发展改革委（汉中市）" in a library of several places."""
        if not self.several:
            return department
        place = self.place(doc_id, department)
        short = short_form(Place("", place, 2)) or place
        if not place or department.startswith((place, short)):
            return department
        return f"{department}（{place}）"


def split_place(display: str) -> tuple[str, str]:
    """A listed department's name and place: "市发展改革委（汉中市）" → ("市发展改革委", "汉中市").

    >>> split_place("市发展改革委（汉中市）"), split_place("市数据局")
    (('市发展改革委', '汉中市'), ('市数据局', ''))
    """
    match = re.fullmatch(r"(.+?)（([^（）]+)）", display.strip())
    return (match.group(1), match.group(2)) if match else (display.strip(), "")
