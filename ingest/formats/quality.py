"""Whether recovered text is text: the share of characters that are neither Chinese, ASCII nor common punctuation."""

from __future__ import annotations

import unicodedata

#: Above this share of strange characters, what a converter recovered is taken as garbage (a damaged file).
MAX_STRANGE = 0.10


def strange_share(text: str) -> float:
    """The share of non-space characters that are neither CJK, ASCII, nor common (CJK or general) punctuation.

    >>> strange_share("一、总体要求（市数据局牵头）")
    0.0
    >>> round(strange_share("쿐놡椃ᥬ荙"), 2)
    0.6
    """
    seen = strange = 0
    for ch in text:
        if ch.isspace():
            continue
        seen += 1
        strange += not _common(ch)
    return strange / seen if seen else 0.0


def _common(ch: str) -> bool:
    """CJK ideographs, ASCII, full-width forms and punctuation, CJK symbols, number and letter forms."""
    code = ord(ch)
    if code < 128 or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x3000 <= code <= 0x303F:
        return True
    if 0xFF00 <= code <= 0xFFEF or 0x2000 <= code <= 0x206F or 0x2460 <= code <= 0x24FF or 0x2150 <= code <= 0x218F:
        return True  # full-width forms, general punctuation (—…“”), circled and roman numerals
    return unicodedata.category(ch) in ("Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Zs") or ch in "·×÷°№"
