"""One module per file format: each turns a file into plain text lines, or raises :class:`ReadError`.

:mod:`ingest.readers` picks the module by the file's ending; these modules never import it.
"""

from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be read; the message names the file and the reason."""
