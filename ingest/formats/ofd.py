"""OFD (GB/T 33190-2016), the national format of electronic official documents: text objects by position.

An OFD file is a ZIP archive: ``OFD.xml`` names each document's ``Document.xml``, which lists the
pages (and template pages) in order; each page's ``Content.xml`` holds layers of ``TextObject``s,
each with a ``Boundary`` ("x y width height", millimetres) and ``TextCode``s placed inside it
(``X``, the baseline ``Y``, the advances ``DeltaX``). The text of every page is read in this order:
its template pages (background, then the page, then foreground), the text objects inside page
blocks and composite objects (a composite's graphic unit, looked up in the resources, placed at
the composite's boundary), then :mod:`ingest.formats.layout` turns the placed runs into
paragraphs. Signatures, seals (``Signs/``), annotations and attachments are not body text and are
not read.

Bounds: the ZIP directory is checked as an Office file's is, each XML part's elements are counted
streaming before it is parsed, and the parser resolves no entities and fetches nothing.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from ingest import bounds
from ingest.formats import ReadError
from ingest.formats.layout import Run, paragraphs

#: The OFD namespace.
NS = "http://www.ofdspec.org/2016"
_Q = f"{{{NS}}}"


def read_ofd(path: Path) -> str:
    """The text of an OFD file, page by page, as paragraphs.

    Raises:
        ReadError: if the file is not an OFD archive, or has no text (an OFD of scanned images).
        LimitError: if its archive or an XML part is over the limits.
    """
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise ReadError(f"{path}: not an OFD file (an OFD is a ZIP archive; this file is something else)")
    bounds.check_zip(path, ".ofd")
    try:
        with zipfile.ZipFile(path) as archive:
            runs = _Reader(path, archive).runs()
    except (bounds.LimitError, ReadError):
        raise
    except Exception as exc:  # a damaged archive or XML part raises many kinds
        raise ReadError(f"{path}: not a readable OFD ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(paragraphs(runs))
    if not text.strip():
        raise ReadError(f"{path}: the OFD has no text objects (its pages are images: a scan?)")
    return text


class _Reader:
    """The parts of one OFD archive, parsed on demand."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = set(archive.namelist())

    def xml(self, name: str) -> Any:
        """A part's XML tree, its elements counted first."""
        from lxml import etree

        name = name.lstrip("/")
        if name not in self.names:
            raise ReadError(f"{self.path}: not a readable OFD (part {name} is missing)")
        bounds.check_elements(self.path, name)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.fromstring(self.archive.read(name), parser)

    def runs(self) -> list[Run]:
        """The text runs of every page of every document, pages numbered across documents."""
        root = self.xml("OFD.xml")
        out: list[Run] = []
        page_number = 0
        for body in root.iter(f"{_Q}DocBody"):
            doc_root = body.findtext(f"{_Q}DocRoot")
            if not doc_root:
                continue
            document_name = doc_root.strip().lstrip("/")
            document = self.xml(document_name)
            base = posixpath.dirname(document_name)
            units = self._composite_units(document, base)
            templates = {
                t.get("ID"): _join(base, t.get("BaseLoc", "")) for t in document.iter(f"{_Q}TemplatePage")
            }
            for page in document.iter(f"{_Q}Page"):
                content_name = _join(base, page.get("BaseLoc", ""))
                content = self.xml(content_name)
                layers = []
                for template in content.iter(f"{_Q}Template"):
                    where = templates.get(template.get("TemplateID"))
                    if where:
                        layers.append((template.get("ZOrder", "Background"), self.xml(where)))
                behind = [t for z, t in layers if z != "Foreground"]
                ordered = [*behind, content, *(t for z, t in layers if z == "Foreground")]
                for tree in ordered:
                    out.extend(_text_runs(tree, units, page_number, (0.0, 0.0)))
                page_number += 1
        return out

    def _composite_units(self, document: Any, base: str) -> dict[str, Any]:
        """The composite graphic units of the document's resources, by ID."""
        units: dict[str, Any] = {}
        for tag in ("PublicRes", "DocumentRes"):
            for where in document.iter(f"{_Q}{tag}"):
                name = _join(base, (where.text or "").strip())
                if name.lstrip("/") in self.names:
                    for unit in self.xml(name).iter(f"{_Q}CompositeGraphicUnit"):
                        units[unit.get("ID", "")] = unit
        return units


def _text_runs(tree: Any, units: dict[str, Any], page: int, offset: tuple[float, float], depth: int = 0) -> list[Run]:
    """The runs of a page's (or a unit's) text objects, composites resolved to a depth of 4."""
    runs = []
    for element in tree.iter(f"{_Q}TextObject", f"{_Q}CompositeObject"):
        box = _numbers(element.get("Boundary", "0 0 0 0"))
        left, top = offset[0] + box[0], offset[1] + (box[1] if len(box) > 1 else 0.0)
        if element.tag == f"{_Q}CompositeObject":
            unit = units.get(element.get("ResourceID", ""))
            if unit is not None and depth < 4:
                runs.extend(_text_runs(unit, units, page, (left, top), depth + 1))
            continue
        size = float(element.get("Size", "3.5") or 3.5)
        for code in element.iter(f"{_Q}TextCode"):
            text = (code.text or "").strip()
            if not text:
                continue
            x, baseline = left + float(code.get("X", "0") or 0), top + float(code.get("Y", "0") or 0)
            advances = _deltas(code.get("DeltaX", ""))
            width = sum(advances[: len(text) - 1]) + size if advances else size * len(text)
            runs.append(Run(text, x, baseline - size, x + width, baseline + 0.2 * size, page))
    return runs


def _join(base: str, location: str) -> str:
    """A part's name from a location: absolute ("/Doc_0/…") or relative to ``base``."""
    location = location.strip()
    return location.lstrip("/") if location.startswith("/") else posixpath.normpath(posixpath.join(base, location))


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", text)]


def _deltas(text: str) -> list[float]:
    """A ``DeltaX`` list with its "g N value" runs spelled out.

    >>> _deltas("5.57 g 3 2.77 5.57")
    [5.57, 2.77, 2.77, 2.77, 5.57]
    """
    out: list[float] = []
    parts = text.split()
    i = 0
    while i < len(parts):
        if parts[i] == "g" and i + 2 < len(parts):
            out.extend([float(parts[i + 2])] * min(int(float(parts[i + 1])), 100_000))
            i += 3
        else:
            with contextlib.suppress(ValueError):
                out.append(float(parts[i]))
            i += 1
    return out
