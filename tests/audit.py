"""The no-loss audit used by the tests: which input lines are not accounted for."""

from __future__ import annotations

import re

from ingest import Notice
from ingest.clean import is_boilerplate, normalize_line, squash


def unaccounted(text: str, notice: Notice) -> list[str]:
    """Input lines whose text appears in no chunk, no heading and no metadata field.

    Chunk texts are concatenated in document order, so a paragraph split across
    chunks still counts as kept; boilerplate must really be boilerplate.
    """
    stream = squash("".join(c.text for c in notice.chunks))
    kept = {squash(h) for c in notice.chunks for h in c.section}
    kept |= {squash(m) for m in notice.metadata_strings()}
    kept |= {squash(b) for b in notice.boilerplate if is_boilerplate(b) or b.startswith("<!--")}
    missing = []
    for raw in text.splitlines():
        line = normalize_line(raw)
        line = re.sub(r"^#{1,6}\s+", "", line)
        if not line or line.strip("#") == "":
            continue
        key = squash(line)
        if key in kept or key in stream or key.strip("《》") in kept:
            continue
        missing.append(line)
    return missing
