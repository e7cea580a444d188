"""Text placed on pages (OCR boxes, OFD text objects) into lines and paragraphs, by geometry alone.

A fixed-layout page knows where each run of text is, not which runs make a paragraph. Runs whose
heights overlap become a line, left to right. A line joins the paragraph above when the line
above ran to the right margin and this one starts at the left margin, close below it; a first
line indented by about two characters, a line above that ends short, or a wider gap starts a new
paragraph. Numbering, duty notes and deadlines then parse as they do from born-digital text.

Page furniture is dropped: page numbers ("— 1 —", "-2-", "第 3 页 共 8 页"), the same line at the
top or bottom of several pages (a running header), and the watermark a scanner app stamps.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A run of text on a page with its box (any unit, y growing downwards)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    page: int = 0

    @property
    def height(self) -> float:
        """The box's height."""
        return self.bottom - self.top


@dataclass
class _Line:
    """Runs of one page that share a line."""

    runs: list[Run]
    page: int

    @property
    def left(self) -> float:
        return min(r.left for r in self.runs)

    @property
    def right(self) -> float:
        return max(r.right for r in self.runs)

    @property
    def top(self) -> float:
        return min(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return max(r.bottom for r in self.runs)

    @property
    def height(self) -> float:
        return statistics.median(r.height for r in self.runs)

    def text(self) -> str:
        """The runs left to right; a gap wider than two characters between two runs is kept as a space."""
        runs = sorted(self.runs, key=lambda r: r.left)
        out = runs[0].text
        for before, run in itertools.pairwise(runs):
            gap = run.left - before.right
            words = before.text[-1:].isascii() and run.text[:1].isascii() and gap > 0.25 * self.height
            out += " " if gap > 2 * self.height or words else ""
            out += run.text
        return out.strip()


#: Page numbers as notices print them.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－~～·•一]+\s*\d{1,4}\s*[—–\-－~～·•一]*|\d{1,4}\s*[—–\-－~～·•一]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|[—–\-－]\s*[一二三四五六七八九十]+\s*[—–\-－])\s*$"
)
#: A bare number: a page number only as the first or last line of a page.
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
#: Watermarks that scanner and camera apps stamp on every page.
_WATERMARK = re.compile(
    r"扫描全能王|全能扫描王|CamScanner|Scanned with|由.{0,8}扫描|夸克扫描|WPS\s*扫描|白描|Office\s*Lens"
    r"|都在用的扫描|扫描\s*App",
    re.I,
)


def is_furniture(text: str) -> bool:
    """A page number or a scanner app's watermark (not a notice's text).

    >>> [is_furniture(t) for t in ("— 3 —", "-12-", "—2一", "第 2 页 共 8 页", "3/8", "扫描全能王 创建")]
    [True, True, True, True, True, True]
    >>> is_furniture("三、保障措施"), is_furniture("2025")
    (False, False)
    """
    return bool(_PAGE_NUMBER.match(text) or _WATERMARK.search(text))


def lines_of(runs: list[Run]) -> list[_Line]:
    """Runs grouped into lines page by page, top to bottom (a run joins a line its middle lies within)."""
    lines: list[_Line] = []
    for page in sorted({r.page for r in runs}):
        current: list[_Line] = []
        for run in sorted((r for r in runs if r.page == page), key=lambda r: (r.top + r.bottom) / 2):
            middle = (run.top + run.bottom) / 2
            home = next((ln for ln in reversed(current[-3:]) if ln.top <= middle <= ln.bottom), None)
            if home is None:
                current.append(_Line([run], page))
            else:
                home.runs.append(run)
        lines.extend(current)
    return [ln for ln in lines if ln.text()]


def paragraphs(runs: list[Run]) -> list[str]:
    """The text of placed runs as paragraphs, one a line, page furniture left out."""
    placed = lines_of(runs)
    edges = {id(ln) for page in {ln.page for ln in placed} for ln in _first_and_last(placed, page)}
    lines = [
        ln for ln in placed
        if not is_furniture(ln.text()) and not (id(ln) in edges and _BARE_NUMBER.match(ln.text()))
    ]  # fmt: skip
    lines = _without_running_lines(lines)
    if not lines:
        return []
    height = statistics.median(ln.height for ln in lines)
    frames = _frames(lines, height)
    out: list[str] = []
    before: _Line | None = None
    for line in lines:
        margin = frames[line.page][0]
        joins = before is not None and (
            before.right >= frames[before.page][1] - 1.5 * height  # the line above ran to the right margin
            and before.left <= frames[before.page][0] + 2.5 * height  # from the left one (not a date set right)
            and abs(line.left - margin) < 0.8 * height  # this one is not indented
            and (
                (before.page == line.page and line.top - before.bottom < 1.0 * height)  # and follows closely
                or before.page + 1 == line.page  # or runs on over the page (a new paragraph is indented)
            )
        )
        if joins:
            out[-1] += line.text()
        else:
            out.append(line.text())
        before = line
    return [p for p in out if p.strip()]


def _frames(lines: list[_Line], height: float) -> dict[int, tuple[float, float]]:
    """Each page's left and right margins: where most lines start, and where full lines end.

    Taken page by page (a scan sits a little differently on each page) where a page has six
    lines or more, else over all pages.
    """

    def frame(group: list[_Line]) -> tuple[float, float]:
        lefts = sorted(ln.left for ln in group)
        margin = lefts[len(lefts) // 5]
        full = sorted(ln.right for ln in group if ln.right > margin + 10 * height) or [max(ln.right for ln in group)]
        return margin, full[min(len(full) - 1, int(len(full) * 0.8))]

    everywhere = frame(lines)
    pages = {ln.page for ln in lines}
    return {
        page: frame(group) if len(group := [ln for ln in lines if ln.page == page]) >= 6 else everywhere
        for page in pages
    }


def _first_and_last(lines: list[_Line], page: int) -> list[_Line]:
    on_page = [ln for ln in lines if ln.page == page]
    return [on_page[0], on_page[-1]] if on_page else []


def _without_running_lines(lines: list[_Line]) -> list[_Line]:
    """Drop a line that stands first or last on three or more pages with the same text (a running header)."""
    pages = sorted({ln.page for ln in lines})
    if len(pages) < 3:
        return lines
    edges: Counter[str] = Counter()
    for page in pages:
        on_page = [ln for ln in lines if ln.page == page]
        edges.update({on_page[0].text(), on_page[-1].text()})
    running = {text for text, n in edges.items() if n >= 3}
    return [ln for ln in lines if ln.text() not in running]
