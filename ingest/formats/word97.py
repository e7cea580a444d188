"""Word 97–2003 (.doc) and WPS Writer (.wps) documents, read through LibreOffice.

LibreOffice (``soffice --headless``) converts the file to .docx in a scratch folder, and
:func:`ingest.formats.word.read_docx` reads that: body text in reading order, tables as the same
rows a .docx gives, headers, footers and field codes left out. It was chosen by measurement on
``../shared/corpus/formats`` (docs/ingestion.md, "Formats"): it reads every .doc and .wps there,
WPS-saved files included, and the .doc with a .docx twin gives the twin's text exactly; antiword
refuses WPS-saved files and catdoc garbles them. A ``.doc`` that is really RTF or HTML (many
sites serve those) is read too: LibreOffice detects the type from the bytes.

Bounds: the input's size is checked first; the converter runs in its own process group with the
time limit and, where ``prlimit`` exists, the address-space limit of :mod:`ingest.bounds`; its
output is a .docx checked like any other. Each call uses a fresh LibreOffice profile in the
scratch folder, so conversions never share state (≈ 1.3 s a file on 2 cores).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest import bounds
from ingest.formats import ReadError
from ingest.formats.quality import MAX_STRANGE, strange_share
from ingest.formats.word import read_docx

#: File endings read here.
ENDINGS = (".doc", ".wps")
#: Where Debian puts LibreOffice besides the PATH.
_PLACES = ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
#: How a Word 97 / WPS file begins (OLE2), or the RTF, HTML and XML that sites save as .doc.
_SIGNATURES = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf", b"<", b"\xef\xbb\xbf<", b"MIME-Version")
#: What to install when LibreOffice is missing.
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((place for place in _PLACES if os.access(place, os.X_OK)), None)


def read_word97(path: Path) -> str:
    """The text of a .doc or .wps file: paragraphs and table rows (cells joined by " | "), in body order.

    Raises:
        ReadError: if LibreOffice is not installed, or cannot read the file as a document.
        LimitError: if the file is over the size limit, or the conversion over the time or memory limit.
    """
    limits = bounds.current()
    bounds.check_count(path, "bytes", path.stat().st_size, limits.max_part_bytes)
    kind = "a WPS document (.wps)" if path.suffix.lower() == ".wps" else "a Word 97 document (.doc)"
    with path.open("rb") as handle:
        head = handle.read(64).lstrip()
    if not head.startswith(_SIGNATURES):
        raise ReadError(f"{path}: not {kind} (neither an OLE2 file nor RTF or HTML; renamed from another type?)")
    command = soffice()
    if command is None:
        raise ReadError(f"{path}: {kind} is read with LibreOffice, which is not installed ({INSTALL_HINT})")
    with tempfile.TemporaryDirectory(prefix="policy-qa-word97-") as scratch:
        folder = Path(scratch)
        source = folder / f"in{path.suffix.lower()}"  # a plain name: the converter names its output after it
        shutil.copyfile(path, source)
        _convert(command, source, folder, limits, path)
        converted = folder / "out" / "in.docx"
        if not converted.is_file():
            raise ReadError(f"{path}: not a readable {path.suffix.lower()} (LibreOffice could not read it as {kind})")
        try:
            text = read_docx(converted)
        except ReadError as exc:
            raise ReadError(f"{path}: not a readable {path.suffix.lower()} ({exc})") from exc
    strange = strange_share(text)
    if strange > MAX_STRANGE:  # LibreOffice imports a damaged file as its bytes' characters
        raise ReadError(
            f"{path}: not a readable {path.suffix.lower()} ({strange:.0%} of what LibreOffice recovered "
            "is neither Chinese, ASCII nor punctuation: a damaged file)"
        )
    return text


def _convert(command: str, source: Path, folder: Path, limits: bounds.Limits, path: Path) -> None:
    """Run LibreOffice on ``source`` into ``folder/out``, killed with its children at the time limit."""
    argv = [
        command, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "out"), str(source),
    ]  # fmt: skip
    capped = shutil.which("prlimit")
    if capped:
        argv = [capped, f"--as={limits.max_parse_memory}", "--", *argv]
    environment = {**os.environ, "HOME": str(folder), "SAL_USE_VCLPLUGIN": "svp"}
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, start_new_session=True
    )
    try:
        process.wait(timeout=limits.max_parse_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise bounds.LimitError(
            f"{path}: reading took more than {limits.max_parse_seconds:g} s (the time limit); stopped"
        ) from None
    finally:
        with contextlib.suppress(ProcessLookupError):  # nothing of the converter outlives the call
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
