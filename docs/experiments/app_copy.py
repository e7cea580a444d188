"""The experiments' running app: ``python app.py`` on a copy of an index, with a write token, until it serves."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def start_on_copy(index: Path, port: int, token: str, prefix: str) -> tuple[subprocess.Popen, Path]:
    """Start the app on a copy of ``index`` (its data folder beside it); once it serves, the process and folder.

    The caller stops the process and removes the folder.
    """
    work = Path(tempfile.mkdtemp(prefix=prefix))
    shutil.copytree(index, work / "index")
    app = subprocess.Popen(
        [sys.executable, "app.py", "--index", str(work / "index"), "--data-dir", str(work / "data"),
         "--port", str(port), "--api-token", token],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    for line in app.stdout:  # type: ignore[union-attr]
        if "Running on" in line:
            break
    return app, work
