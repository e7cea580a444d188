"""Plain text of unknown encoding: UTF-8 (with or without BOM), GB18030/GBK, or lines of both."""

from __future__ import annotations

from pathlib import Path

from ingest import bounds
from ingest.formats import ReadError

#: Encodings a notice may come in besides UTF-8 (as charset_normalizer names them).
_TEXT_ENCODINGS = frozenset(
    {"gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "ascii", "cp1252", "latin_1", "iso8859_1"}
)


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode text of unknown encoding: UTF-8 (with or without BOM), GB18030/GBK, or lines of both.

    Raises:
        ReadError: if the bytes are not text (NUL bytes, many control characters, or no
            encoding fits).
    """
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(f"{name}: binary data (NUL bytes), not a text file")
    try:
        text: str | None = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_mixed(data)
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ReadError(f"{name}: not text in any known encoding")
        encoding = best.encoding.lower().replace("-", "_")
        if encoding in ("gb2312", "gbk", "gb18030", "hz", "big5") or encoding.startswith("gb"):
            encoding = "gb18030" if encoding != "big5" else "big5"
        if encoding not in _TEXT_ENCODINGS:  # a guess such as EBCDIC means the bytes are not text
            raise ReadError(f"{name}: not text in any encoding notices use (the closest guess was {encoding})")
        text = data.decode(encoding, errors="replace")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if control > max(8, len(text) // 100):
        raise ReadError(f"{name}: looks binary ({control} control characters), not a text file")
    return text


def _decode_mixed(data: bytes) -> str | None:
    """Decode line by line: UTF-8 where a line is UTF-8, GB18030 elsewhere; None unless both occur.

    Files pasted together from both (a UTF-8 notice with a GBK attachment) need this.
    """
    lines = data.splitlines(keepends=True)
    utf8 = gbk = 0
    decoded = []
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            gbk += 1
        decoded.append(text)
    if not (utf8 and gbk):
        return None
    text = "".join(decoded)
    return text[1:] if text.startswith("\ufeff") else text


def read_txt(path: Path) -> str:
    """Read a text file, detecting UTF-8, UTF-8 with BOM, or GB18030/GBK."""
    return decode_bytes(bounded_bytes(path), str(path))


def bounded_bytes(path: Path) -> bytes:
    """A text file's bytes, refused from its size alone when it cannot be under the character limit."""
    limit = bounds.current().max_text_chars
    bounds.check_count(path, "bytes of text", path.stat().st_size, 4 * limit)  # ≤ 4 bytes a character
    return path.read_bytes()
