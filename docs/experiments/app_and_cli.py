"""The app's writer and a CLI writer at once, N trials: acknowledged adds lost (the reliability table's figure).

Each trial starts ``python -m index add`` on the app's index and, at the same moment, uploads a
notice through the app's :class:`web.library.Library` in this process; an add is acknowledged
when its call returns (the CLI: exit 0). Then the index is opened fresh and both must be there.

    PYTHONPATH=. .venv/bin/python docs/experiments/app_and_cli.py 20
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from eval.harness.crash import notice_text
from index import Searcher
from index.paths import DEFAULT_CORPUS, ROOT
from web.library import Library

trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20
work = Path(tempfile.mkdtemp(prefix="app-and-cli-"))
library = Library(Searcher.build(DEFAULT_CORPUS, work / "index"), work / "data")
acked, lost = 0, 0
for trial in range(trials):
    cli_file, app_file = work / f"cli_{trial}.txt", work / f"app_{trial}.txt"
    cli_file.write_text(notice_text(2 * trial), encoding="utf-8")
    app_file.write_text(notice_text(2 * trial + 1), encoding="utf-8")
    command = [sys.executable, "-m", "index", "add", str(cli_file), "--index", str(work / "index")]
    cli = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    uploaded = library.upload(app_file).doc_id
    cli_ok = cli.wait() == 0
    if not cli_ok:
        print(f"trial {trial}: the CLI add was refused: {cli.stderr.read().strip()[-300:]}")  # type: ignore[union-attr]
    held = {n.doc_id for n in Searcher.open(work / "index", embedder=library.searcher.embedder).notices()}
    for ok, doc_id in ((cli_ok, cli_file.stem), (uploaded is not None, uploaded)):
        acked += ok
        lost += ok and doc_id not in held
print(f"trials {trials}: acknowledged adds {acked}, lost {lost}")
