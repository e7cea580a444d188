"""What verifying an index's checksums costs at open (docs/reliability.md): CRC32 against SHA-256.

Times ``index.stores.checksums.crc32_of`` and SHA-256 over a file of the laws index's size
(808 MiB, random bytes, read from the page cache after a first pass). Run from the project root:

    .venv/bin/python docs/experiments/checksum_speed.py [MIB]
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from index.stores.checksums import crc32_of


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


if __name__ == "__main__":
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 808
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vectors.bin"
        with path.open("wb") as handle:
            for _ in range(mib):
                handle.write(os.urandom(1 << 20))
        crc32_of(path)  # into the page cache
        for name, check in (("crc32", crc32_of), ("sha256", sha256_of)):
            started = time.perf_counter()
            check(path)
            seconds = time.perf_counter() - started
            print(f"{name:7s} {mib} MiB in {seconds:.2f} s ({mib / seconds:,.0f} MiB/s)")
