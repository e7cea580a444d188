"""Scans and photos read offline by OCR: RapidOCR (PP-OCRv4 Chinese models inside its wheel) on onnxruntime.

Each page image gives text boxes; :mod:`ingest.formats.layout` makes them paragraphs and drops
page numbers, running headers and scanner watermarks. The text of a seal (red, inside a red ring)
is dropped here: it is a stamp, not the notice's text. Nothing is downloaded: the detection and
recognition models ship in the ``rapidocr-onnxruntime`` wheel. The per-line direction classifier
is off: on a scan tilted by under a degree it took an upright line with quotation marks for one
upside down, and the line was lost; notices' lines are upright.

Bounds: pictures over :attr:`~ingest.bounds.Limits.max_image_pixels` are refused before they are
decoded; larger sides are scaled down to 3,000 pixels; a PDF has at most
:attr:`~ingest.bounds.Limits.max_ocr_pages` pages read by OCR. Each page reports progress
(:mod:`ingest.progress`), which is also what keeps a bounded reader's time limit per page.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ingest import bounds, progress
from ingest.formats import ReadError
from ingest.formats.layout import Run, paragraphs

#: Picture endings read by OCR.
ENDINGS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
#: A page image's longest side, in pixels, after scaling (200 dpi of A4 is 2,339).
MAX_SIDE = 3000


@functools.cache
def engine() -> Any:
    """The OCR engine, loaded once a process (≈ 0.4 s).

    Raises:
        ReadError: if rapidocr-onnxruntime is not installed.
    """
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - it is in requirements.txt
        raise ReadError(f"OCR needs rapidocr-onnxruntime, which is not installed ({exc})") from exc
    return RapidOCR(use_cls=False)  # per-line 180° guesses turned upright lines over and lost them (see docs)


def page_runs(image: Any, page: int = 0) -> list[Run]:
    """The text boxes of one page image (an RGB ``numpy`` array), seal text left out."""
    found, _ = engine()(image)
    seals = _seals(image)
    runs = []
    for box, text, _score in found or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        run = Run(clean(text), min(xs), min(ys), max(xs), max(ys), page)
        if run.text and not _stamped(image, run, seals):
            runs.append(run)
    return runs


#: Spaces OCR puts between Chinese characters, or inside a number ("1 0万元").
_STRAY_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\d（），。、；：“”])\s+(?=[\u4e00-\u9fff\d（），。、；：“”])")
#: An item number whose full stop was read as a comma or colon ("5，支持…").
_MARKER = re.compile(r"^(\d{1,2})[，,：:](?=[\u4e00-\u9fff])")


def clean(text: str) -> str:
    """One OCR box's text without the slips OCR makes on notices.

    Stray spaces go, an item number's stop read as a comma comes back, and half-width brackets
    next to Chinese become full-width (as a notice sets them).

    >>> clean("5，支持产业集群 转型升级，奖励1 0万元。(市商务局牵头)")
    '5.支持产业集群转型升级，奖励10万元。（市商务局牵头）'
    """
    text = _MARKER.sub(r"\1.", _STRAY_SPACE.sub("", text.strip()))
    return _OPEN.sub("（", _CLOSE.sub("）", text))


#: Half-width brackets that touch Chinese text.
_OPEN = re.compile(r"\((?=[\u4e00-\u9fff])")
_CLOSE = re.compile(r"(?<=[\u4e00-\u9fff])\)")


def read_image(path: Path) -> str:
    """The text of a picture of a notice (a scan or a photo), as paragraphs.

    Raises:
        ReadError: if the file is not a picture, or no text is found on it.
        LimitError: if the picture has more pixels than the limit.
    """
    from PIL import Image, UnidentifiedImageError

    limits = bounds.current()
    runs: list[Run] = []
    try:
        with Image.open(path) as picture:
            frames = getattr(picture, "n_frames", 1)  # a multi-page TIFF is a scanned document
            bounds.check_count(path, "pages", frames, limits.max_ocr_pages)
            for number in range(frames):  # decoded and read one frame at a time: one page in memory
                picture.seek(number)
                bounds.check_count(path, "pixels", picture.width * picture.height, limits.max_image_pixels)
                runs.extend(page_runs(_array(picture), number))
                progress.report(path, number + 1, frames, "pages read by OCR")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReadError(f"{path}: not a readable picture ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(paragraphs(runs))
    if not text.strip():
        raise ReadError(f"{path}: no text found on the picture (OCR read nothing)")
    return text


def _array(picture: Any) -> Any:
    """An RGB array of a PIL image, its longest side at most :data:`MAX_SIDE`."""
    import numpy as np

    image = picture.convert("RGB")
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    return np.asarray(image)


def _red(image: Any) -> Any:
    """The mask of red ink (seals, red headers)."""
    import numpy as np

    rgb = image.astype(np.int16)
    return (rgb[..., 0] > 150) & (rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] - rgb[..., 2] > 80)


def _seals(image: Any) -> list[tuple[int, int, int, int]]:
    """Boxes of red rings: roughly square, at least 1/12 of the page wide, mostly hollow."""
    import cv2
    import numpy as np

    mask = _red(image).astype(np.uint8)
    if not mask.any():
        return []
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    seals = []
    for left, top, width, height, area in stats[1:count]:
        square = 0.75 <= width / max(1, height) <= 1.33
        if square and width >= image.shape[1] / 12 and area < 0.45 * width * height:
            seals.append((int(left), int(top), int(left + width), int(top + height)))
    return seals


def _stamped(image: Any, run: Run, seals: list[tuple[int, int, int, int]]) -> bool:
    """Whether a box is seal text: its middle inside a red ring and most of its ink red."""
    import numpy as np

    middle_x, middle_y = (run.left + run.right) / 2, (run.top + run.bottom) / 2
    if not any(a <= middle_x <= c and b <= middle_y <= d for a, b, c, d in seals):
        return False
    part = image[int(run.top) : int(run.bottom) + 1, int(run.left) : int(run.right) + 1]
    ink = part.astype(np.int16).sum(axis=2) < 600
    return bool(ink.any()) and _red(part)[ink].mean() > 0.5
