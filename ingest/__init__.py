"""Ingestion: notices (.txt .html .docx .pdf .jsonl) into item-sized chunks.

Example:
    >>> import ingest
    >>> chunks = ingest.load("data/notices")
    >>> chunk = next(c for c in chunks if c.id == "000_4339a6bb93f327d8#四/13")
    >>> chunk.label, chunk.lead
    ('13', ['市行政审批服务局', '市数据局'])
"""

from ingest.api import load, load_notices, parse_text, write_jsonl
from ingest.duties import Duties, extract_duties
from ingest.model import Chunk, Notice
from ingest.readers import SUPPORTED, RawDocument, ReadError, read_file
from ingest.structure import parse_document

__all__ = [
    "SUPPORTED",
    "Chunk",
    "Duties",
    "Notice",
    "RawDocument",
    "ReadError",
    "extract_duties",
    "load",
    "load_notices",
    "parse_document",
    "parse_text",
    "read_file",
    "write_jsonl",
]
