"""Scans made from a notice's text: pages drawn at 200 dpi with a Chinese font, then noise, a tilt and JPEG.

The OCR measurement (``python -m eval.ocr``) and the OCR tests read what these pages show and
compare it with the text they were drawn from. A page looks as a scanned notice does: A4, body in
16-point type with paragraphs indented by two characters and wrapped at the margin, a page number
"— N —" at the foot, a scanner app's watermark in a corner, grey noise, a tilt of up to a degree,
and JPEG compression. Only the font comes from the system (Debian's fonts-wqy-microhei, which
the README's test command installs).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

#: Where Debian puts the font.
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
#: A4 at 200 dpi.
PAGE = (1654, 2339)
MARGIN = 190
SIZE = 44  # ≈ 16 pt at 200 dpi
LEADING = 1.6


def page_images(paragraphs: list[str], seed: int = 0, watermark: str = "扫描全能王 创建") -> list[Any]:
    """The pages (PIL images) of a scan of ``paragraphs``, each page numbered, noisy and tilted."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONT), SIZE)
    width = PAGE[0] - 2 * MARGIN
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(_wrap("\u3000\u3000" + paragraph.strip(), font, width))
    per_page = int((PAGE[1] - 2 * MARGIN) / (SIZE * LEADING))
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    rng = random.Random(seed)
    return [_page(chunk, number, len(chunks), font, rng, watermark) for number, chunk in enumerate(chunks, 1)]


def write_pdf(paragraphs: list[str], path: Path, seed: int = 0) -> Path:
    """A scanned PDF (image pages only, no text layer) of ``paragraphs``."""
    pages = page_images(paragraphs, seed)
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=200)
    return path


#: Marks a Chinese line never starts with (避头): they hang at the end of the line before.
_NO_START = set("，。、；：！？）》」』”’…%")


def _wrap(text: str, font: Any, width: int) -> list[str]:
    """Lines of ``text`` no wider than ``width``, character by character as Chinese wraps (closing marks hang)."""
    lines, current = [], ""
    for ch in text:
        if current and font.getlength(current + ch) > width and ch not in _NO_START:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def _page(lines: list[str], number: int, pages: int, font: Any, rng: random.Random, watermark: str) -> Any:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    image = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=rng.randint(0, 40))
        y += int(SIZE * LEADING)
    foot = f"— {number} —"
    draw.text(((PAGE[0] - font.getlength(foot)) / 2, PAGE[1] - MARGIN / 2), foot, font=font, fill=30)
    small = ImageFont.truetype(str(FONT), 26)
    draw.text((PAGE[0] - 420, PAGE[1] - 70), watermark, font=small, fill=150)
    pixels = np.asarray(image, dtype=np.int16) - 12  # a grey cast
    pixels += np.random.default_rng(rng.randrange(1 << 30)).normal(0, 14, pixels.shape).astype(np.int16)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image = image.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    return _jpeg(image.convert("RGB"), rng.randint(70, 85))


def _jpeg(image: Any, quality: int) -> Any:
    """The image after a round through JPEG at ``quality``, as a scanner app saves it."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")
