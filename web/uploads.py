"""What an uploaded file is called and why one is refused: safe names, versions of a notice, reasons in Chinese."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from index.stores.base import NoticeInfo
from ingest.uploaded import safe_stem
from web.entrance.files import regular_file_within

#: The readers' reasons (English, for the CLI and logs) as staff read them in the chat, first match wins.
_REASONS = (
    ("binary data", "是二进制数据，不是文本文件"),
    ("looks binary", "是二进制数据，不是文本文件"),
    ("not text in any", "不是可识别编码的文本"),
    ("not a readable .docx", "Word（.docx）文件已损坏或不完整"),
    ("not a .docx", "不是 Word（.docx）文件，可能是改了扩展名的其他文件"),
    ("is read with LibreOffice, which is not installed", "服务器未安装 LibreOffice，无法读取 .doc 或 .wps 文件"),
    ("not a Word 97 document", "不是 Word 97（.doc）文件，可能是改了扩展名的其他文件"),
    ("not a WPS document", "不是 WPS 文字（.wps）文件，可能是改了扩展名的其他文件"),
    ("not a readable .doc", "Word 97（.doc）文件已损坏或无法读取"),
    ("not a readable .wps", "WPS 文字（.wps）文件已损坏或无法读取"),
    ("not a readable PDF", "PDF 文件已损坏或不完整"),
    ("no text layer", "PDF 没有文字层（可能是扫描件），请先做文字识别"),
    ("no text in the PDF", "PDF 中没有文字（文字层和文字识别都没有读出文字）"),
    ("not an OFD file", "不是 OFD 文件，可能是改了扩展名的其他文件"),
    ("not a readable OFD", "OFD 文件已损坏或无法读取"),
    ("has no text objects", "OFD 文件中没有文字（页面可能是图片）"),
    ("not a readable picture", "图片文件已损坏或无法读取"),
    ("no text found on the picture", "图片上没有识别出文字"),
    ("not a PDF", "不是 PDF 文件，可能是改了扩展名的其他文件"),
    ("not a readable .xlsx", "Excel（.xlsx）文件已损坏或无法读取"),
    ("not an .xlsx", "不是 Excel（.xlsx）文件，可能是改了扩展名的其他文件"),
    ("not an Excel 97 / WPS workbook", "不是 Excel 97 或 WPS 表格（.xls/.et）文件，可能是改了扩展名的其他文件"),
    ("not a readable .xls", "Excel 97（.xls）文件已损坏或无法读取"),
    ("not a readable .et", "WPS 表格（.et）文件已损坏或无法读取"),
    ("would inflate to", "文件解压后体积超过上限，不像真实的通知文件"),
    ("inflates", "文件压缩比异常（疑似压缩炸弹）"),
    ("parts in the", "文件内部部件数量超过上限"),
    ("of memory (the limit)", "读取所需内存超过上限，不像真实的通知文件"),
    ("(the time limit)", "读取时间超过上限，不像真实的通知文件"),
)
#: What a count limit of ingest.bounds counts, in Chinese.
_COUNTED = {
    "rows": "表格行数",
    "pages": "页数",
    "characters of text": "文字字数",
    "chunks": "条目数",
    "bytes of text": "文件大小",
    "XML elements": "文档内部元素数",
    "pixels": "图片像素数",
    "pixels of a page": "页面像素数",
    "pages to read by OCR": "需文字识别的页数",
    "bytes": "文件大小",
}
_OVER = re.compile(
    r"more than ([\d,]+) (rows|pages to read by OCR|pages|characters of text|chunks|bytes of text|XML elements"
    r"|pixels of a page|pixels|bytes)"
)


def reason_in_chinese(problem: str) -> str:
    """A reader's reason for refusing a file, in Chinese, without paths or exception names.

    >>> reason_in_chinese("/tmp/x.pdf: the PDF has no text layer (a scan?); OCR it first")
    'PDF 没有文字层（可能是扫描件），请先做文字识别'
    >>> reason_in_chinese("/tmp/t.xlsx (sheet A): more than 20,000 rows (20,001 or more); the limit is 20,000")
    '表格行数超过上限（20,000）'
    >>> reason_in_chinese("/t/h.docx (part word/document.xml): more than 1,000,000 XML elements (1,000,001 or more)")
    '文档内部元素数超过上限（1,000,000）'
    >>> reason_in_chinese("/tmp/b.docx: reading needs more than 768 MiB of memory (the limit); stopped")
    '读取所需内存超过上限，不像真实的通知文件'
    """
    over = _OVER.search(problem)
    if over:
        return f"{_COUNTED[over.group(2)]}超过上限（{over.group(1)}）"
    return next((chinese for key, chinese in _REASONS if key in problem), "文件内容无法解析，可能已损坏")


__all__ = [
    "UploadError",
    "UploadResult",
    "display_name",
    "read_regular_file",
    "reason_in_chinese",
    "received_upload",
    "safe_stem",
    "same_name",
]


class UploadError(ValueError):
    """An upload that was refused; the message says why, for the person who sent it."""


@dataclass
class UploadResult:
    """What happened to one uploaded file.

    Attributes:
        name: The file's name as sent (made safe to show).
        doc_id: The notice's id in the index (None when nothing was added).
        chunks: How many chunks were added.
        status: What happened, in Chinese, for the person who sent it.
        replaces: The notices this file replaces (done) or would replace (``pending``).
        pending: True when the file has the name of a notice in the library but other content:
            nothing was stored; upload it again with ``replace=True`` to replace that notice.
    """

    name: str
    doc_id: str | None
    chunks: int
    status: str
    replaces: tuple[str, ...] = ()
    pending: bool = False


def display_name(name: str) -> str:
    r"""A sent file name fit to show back: invisible and control characters dropped, 120 at most.

    >>> display_name("a\x00b\u202e.txt")
    'ab.txt'
    """
    shown = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return shown[-120:] or "unnamed"


def same_name(notice: NoticeInfo, stem: str) -> bool:
    """Whether a file named ``stem`` (:func:`safe_stem`) is a version of this notice.

    It is when the stem is the notice's doc_id (a bundled or built notice), or when the notice
    was uploaded (it has a content hash) under that name: its doc_id is the stem and 8 hex digits.

    >>> info = NoticeInfo("汉中_要点_1a2b3c4d", "t", "", "", 1, (), "1a2b3c4d…")
    >>> same_name(info, "汉中_要点"), same_name(info, "汉中"), same_name(info, "汉中_要点_1a2b3c4d")
    (True, False, True)
    """
    if notice.doc_id == stem:
        return True
    return bool(notice.sha256) and re.fullmatch(re.escape(stem) + "_[0-9a-f]{8}", notice.doc_id) is not None


def forget_upload(path: Path) -> None:
    """Delete Gradio's copy of an uploaded file once it is dealt with, when it lies in this app's own temp folder."""
    own = os.environ.get("GRADIO_TEMP_DIR")
    if own and Path(path).resolve().is_relative_to(Path(own).resolve()):
        Path(path).unlink(missing_ok=True)


def received_upload(path: str | Path, folder: str | Path, name: str) -> Path:
    """``path`` if it names a regular file inside ``folder`` (the app's own upload folder), links resolved.

    What a browser's upload reaches a callback as: a file Gradio wrote into its upload folder.
    Anything else (``/etc/passwd``, ``/dev/zero``, a FIFO, ``/proc``, a link out of the folder) is
    refused before it is opened.

    Raises:
        UploadError: naming the file and why.
    """
    if not os.path.lexists(path):
        raise UploadError(f"{name}: 文件已不存在，请重新上传")
    real = regular_file_within(path, folder)
    if real is None:
        raise UploadError(f"{name}: 不是本次上传的普通文件，未读取")
    return real


def read_regular_file(path: str | Path, name: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, checked on the open descriptor.

    The file is opened without following a final link and without blocking (a FIFO cannot hold
    the caller), then ``fstat`` decides: a device, FIFO or socket is refused unread, and at most
    ``limit`` + 1 bytes are ever read (a file that grows while it is read is still refused).

    Raises:
        UploadError: for a missing file, one that is not a regular file, an empty one, or one over ``limit``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise UploadError(f"{name}: 文件已不存在，请重新上传") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UploadError(f"{name}: 不是普通文件（符号链接），未读取") from None
        raise UploadError(f"{name}: 无法打开（{exc.strerror}）") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise UploadError(f"{name}: 不是普通文件，未读取")
        if info.st_size > limit:
            raise UploadError(f"{name}: 文件过大（{info.st_size / 1048576:.1f} MB），上限 {limit // 1048576} MB")
        parts, size = [], 0
        while size <= limit and (block := os.read(handle, min(1 << 20, limit + 1 - size))):
            parts.append(block)
            size += len(block)
    finally:
        os.close(handle)
    if size > limit:
        raise UploadError(f"{name}: 文件过大（超过 {limit // 1048576} MB）")
    if size == 0:
        raise UploadError(f"{name}: 空文件")
    return b"".join(parts)
