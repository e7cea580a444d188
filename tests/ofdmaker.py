"""A small OFD writer for tests: paragraphs laid out as an OFD 公文 writer lays them out.

Each paragraph is wrapped at 28 characters a line (A4, 16-point type in millimetres), its first
line indented by two characters, each line one ``TextObject`` (some split in two objects, as
writers split runs); the red header stands on a template page and the issuer's line in a
composite object of the document's resources; the last page has a seal's text under ``Signs/``,
which is not body text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
SIZE = 5.6  # mm, about 16 pt
LEFT, TOP, WIDTH = 28.0, 40.0, 28 * SIZE
PER_PAGE = 22


def _text(x: float, y: float, text: str) -> str:
    width = len(text) * SIZE
    deltas = f"g {len(text) - 1} {SIZE}" if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="1" Font="1" Size="{SIZE}" Boundary="{x:.2f} {y:.2f} {width:.2f} {SIZE * 1.4:.2f}">'
        f'<ofd:TextCode X="0" Y="{SIZE:.2f}" DeltaX="{deltas}">{text}</ofd:TextCode></ofd:TextObject>'
    )


def _lines(paragraph: str) -> list[tuple[float, str]]:
    """A paragraph's lines with their left edge: the first indented by two characters."""
    text, out, first = paragraph.strip(), [], True
    while text:
        room = 26 if first else 28
        out.append((LEFT + (2 * SIZE if first else 0.0), text[:room]))
        text, first = text[room:], False
    return out


def make_ofd(paragraphs: list[str], path: Path, header: str = "", issuer: str = "") -> Path:
    """Write an OFD of ``paragraphs`` (a header on a template page, the issuer in a composite object)."""
    lines = [line for p in paragraphs for line in _lines(p)]
    pages = [lines[i : i + PER_PAGE] for i in range(0, len(lines), PER_PAGE)] or [[]]
    parts = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {_NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
        "<ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>",
        "Doc_0/Signs/Signatures.xml": f"<ofd:Signatures {_NS}/>",
        "Doc_0/Signs/Sign_0/Signature.xml": f"<ofd:Signature {_NS}><ofd:SignedInfo><ofd:Seal>"
        "<ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo></ofd:Signature>",
        "Doc_0/Signs/Sign_0/Seal.esl": "某某市人民政府办公室印章",
        "Doc_0/Tpls/Tpl_0/Content.xml": f'<ofd:Page {_NS}><ofd:Content><ofd:Layer ID="2">'
        + (_text(LEFT + 20, 20.0, header) if header else "")
        + "</ofd:Layer></ofd:Content></ofd:Page>",
        "Doc_0/PublicRes.xml": f'<ofd:Res {_NS} BaseLoc="Res"><ofd:CompositeGraphicUnits>'
        f'<ofd:CompositeGraphicUnit ID="90" Width="{WIDTH}" Height="10"><ofd:Content>'
        + (_text(0.0, 0.0, issuer) if issuer else "")
        + "</ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>",
    }
    entries = []
    for number, page in enumerate(pages):
        objects = []
        for row, (x, text) in enumerate(page):
            y = TOP + row * SIZE * 1.8
            half = len(text) // 2 if row % 3 == 1 and len(text) > 4 else len(text)  # some lines in two objects
            objects.append(_text(x, y, text[:half]))
            if half < len(text):
                objects.append(_text(x + half * SIZE, y, text[half:]))
        if number == len(pages) - 1 and issuer:
            y = TOP + len(page) * SIZE * 1.8 + 10
            objects.append(f'<ofd:CompositeObject ID="91" ResourceID="90" Boundary="{LEFT + 80} {y} 80 10"/>')
        parts[f"Doc_0/Pages/Page_{number}/Content.xml"] = (
            f'<ofd:Page {_NS}><ofd:Template TemplateID="5" ZOrder="Background"/><ofd:Content><ofd:Layer ID="3">'
            + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
        entries.append(f'<ofd:Page ID="{10 + number}" BaseLoc="Pages/Page_{number}/Content.xml"/>')
    parts["Doc_0/Document.xml"] = (
        f'<ofd:Document {_NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
        '</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
        '<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        f"<ofd:Pages>{''.join(entries)}</ofd:Pages></ofd:Document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path
