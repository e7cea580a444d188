"""HTML pages: the body text without navigation, scripts and styles, tables as rows of cells."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.formats.text import bounded_bytes, decode_bytes
from ingest.grids import html_grid

_HTML_DROP = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "select",
    "button",
    "svg",
    "template",
)
_HTML_CHROME = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumb|crumb|footer|header|sidebar|"
    r"share|toolbar|topbar|copyright)([-_ ]|$)",
    re.I,
)
_HTML_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
)


def html_to_text(html: str) -> str:
    """Body text of an HTML page without navigation, scripts and styles, one block a line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        marks = " ".join([*tag.get("class", []), tag.get("id", ""), tag.get("role", "")])
        if _HTML_CHROME.search(marks):
            tag.decompose()
    root = soup.body or soup
    for table in reversed(root.find_all("table")):  # innermost first: a nested table becomes cell text
        rows = [" | ".join(cells) for cells in html_grid(table)]
        table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
    for tag in root.find_all(_HTML_BLOCKS):
        if tag.name == "br":
            tag.replace_with("\n")
        elif tag.name in ("td", "th"):
            tag.insert_after(" | ")
        else:
            tag.insert_before("\n")
            tag.insert_after("\n")
    lines = [re.sub(r"(\s*\|\s*)+$", "", line).strip() for line in root.get_text().split("\n")]
    return "\n".join(line for line in lines if line)


def read_html(path: Path) -> str:
    """Read an HTML page's body text (encoding detected as for .txt)."""
    return html_to_text(decode_bytes(bounded_bytes(path), str(path)))
