"""What the index sees of a chunk: its text in context, its sentences, and corpus vocabulary.

``text`` stays verbatim for display; retrieval sees the document title, section path and
departments alongside it, so a question naming the place or the section finds items whose
own text does not repeat them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from ingest import Chunk

_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,16})[”\"」』]")
_BOOK = re.compile(r"《([^《》]{2,40})》")
_PUNCT = re.compile(r"[、，,·\s]")
_SENTENCE = re.compile(r"(?<=[。；！？!?;])|\n")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|市|自治区|自治州|区|县|新区|经开区|开发区|高新区)")

#: A sentence shorter than this is glued to the previous one.
MIN_SENTENCE = 8


def context_text(chunk: Chunk) -> str:
    """Title, section path, item text, departments and quoted terms: what BM25 sees.

    Quoted terms are added without inner punctuation too, so “双随机、一公开” is also found
    as 双随机一公开.
    """
    parts = [chunk.title, *chunk.section, *lead_in(chunk), chunk.text]
    named = [d for d in chunk.lead + chunk.support if d not in chunk.text]
    squeezed = sorted(t for t in quoted_terms(chunk.text) if t not in chunk.text)
    return "\n".join([*parts, *named, *squeezed])


def lead_in(chunk: Chunk) -> list[str]:
    """The sentence that introduces the chunk's list ("…有下列情形之一的："), as a one-item list, or []."""
    text = (chunk.metadata or {}).get("lead_in")
    return [text] if isinstance(text, str) and text else []


def cite_label(label: str) -> str:
    """How an item label is cited: "13" → "第13项", "(十)" → "（十）", "第五条" → "第五条".

    >>> [cite_label(x) for x in ("13", "(十)", "第五条", "")]
    ['第13项', '（十）', '第五条', '']
    """
    if label.isdigit():
        return f"第{label}项"
    return label.replace("(", "（").replace(")", "）")


def clause_label(label: str, kind: str) -> str:
    """How a clause is cited: its :func:`cite_label`, or "前言" / "段落" for unnumbered prose.

    >>> clause_label("13", "item"), clause_label("", "preamble"), clause_label("", "paragraph")
    ('第13项', '前言', '段落')
    """
    if not label:
        return "前言" if kind == "preamble" else "段落"
    return cite_label(label)


def item_title(chunk: Chunk) -> str:
    r"""The short title an item opens with: "13.强化政务服务效能监管。…" → "强化政务服务效能监管".

    >>> from ingest import parse_text
    >>> item_title(parse_text("一、任务\n（一）牵头部门。负责筹划与实施。", "t").chunks[0])
    '牵头部门'
    """
    if chunk.kind != "item" or not chunk.label:
        return ""
    head = chunk.text[len(chunk.label) :].lstrip("、.．) ）")
    title = re.split(r"[。；;：:\n]", head, maxsplit=1)[0]
    return title if 2 <= len(title) <= 30 else ""


def sentences(text: str) -> list[str]:
    r"""Sentences of an item (split after 。；！？ and at line breaks; short ones glued on).

    >>> sentences("1.深化审批改革。全面推行告知承诺制。好。\n（市数据局牵头）")
    ['1.深化审批改革。', '全面推行告知承诺制。好。', '（市数据局牵头）']
    """
    out: list[str] = []
    for part in _SENTENCE.split(text):
        part = part.strip() if part else ""
        if not part:
            continue
        if out and len(part) < MIN_SENTENCE:
            out[-1] += part
        else:
            out.append(part)
    return out


def sentence_views(chunk: Chunk) -> list[str]:
    """Sentence-level views of a chunk for multi-vector dense retrieval (empty if one sentence)."""
    parts = sentences(chunk.text)
    return parts if len(parts) > 1 else []


def quoted_terms(text: str) -> set[str]:
    """Terms the notices set off in quotes or book-title marks, also without inner punctuation.

    >>> sorted(quoted_terms("综合运用“双随机、一公开”监管"))
    ['双随机、一公开', '双随机一公开']
    """
    terms = set()
    for term in _QUOTED.findall(text) + _BOOK.findall(text):
        terms.add(term)
        squeezed = _PUNCT.sub("", term)
        if squeezed != term and len(squeezed) >= 2:
            terms.add(squeezed)
    return terms


def vocabulary(chunks: Iterable[Chunk]) -> dict[str, set[str]]:
    """Corpus vocabulary: departments (from lead/support), quoted terms, titles and place names."""
    departments: set[str] = set()
    terms: set[str] = set()
    titles: set[str] = set()
    places: set[str] = set()
    for chunk in chunks:
        departments.update(d for d in chunk.lead + chunk.support if 2 <= len(d) <= 20)
        terms.update(quoted_terms(chunk.text))
        for title in (chunk.title, chunk.notice_title):
            if title:
                titles.add(title)
                places.update(_PLACE.findall(title))
        if chunk.issuer:
            places.update(_PLACE.findall(chunk.issuer))
    return {"departments": departments, "terms": terms, "titles": titles, "places": places}


_CJK = re.compile(r"[\u4e00-\u9fff]")


def dense_text(chunk: Chunk) -> str:
    r"""The whole-chunk view the encoder sees: title, section path and lead-in the text does not repeat, then the text.

    The title and headings often carry the topic ("关于延长2020年春节假期的通知" over the item
    "……延长至2月2日"); with them, the chunk's vector answers questions the text alone does not
    name. A title made from a file name (no Chinese in it, "sd_046_2023-12-26") is left out.
    The sentence views stay bare: they match the question's wording, the whole view its topic.
    Measured in docs/search.md ("Context in the dense view").

    >>> from ingest import parse_text
    >>> chunk = parse_text("关于延长春节假期的通知\n一、假期安排\n（一）春节假期延长至2月2日。", "t").chunks[0]
    >>> dense_text(chunk)
    '关于延长春节假期的通知\n一、假期安排\n（一）春节假期延长至2月2日。'
    """
    title = chunk.title if _CJK.search(chunk.title or "") else ""
    head = [part for part in dict.fromkeys([title, *chunk.section, *lead_in(chunk)]) if part and part not in chunk.text]
    return "\n".join([*head, chunk.text])


#: Weight of the whole-chunk vector against its best view (sentence) in a chunk's dense score.
FULL_WEIGHT = 0.5


def chunk_views(chunks: Sequence[Chunk], first: int = 0) -> tuple[list[str], np.ndarray]:
    """What is embedded for each chunk (its :func:`dense_text`, then its sentences) and the chunk number of each.

    Chunk numbers start at ``first``; every store embeds these views, so a chunk's dense score
    (:data:`FULL_WEIGHT` × its text's cosine + the rest × its best view's) is the same on each.
    """
    views: list[str] = []
    owners: list[int] = []
    for n, chunk in enumerate(chunks):
        for view in [dense_text(chunk), *sentence_views(chunk)]:
            views.append(view)
            owners.append(first + n)
    return views, np.asarray(owners, dtype=np.int64)
