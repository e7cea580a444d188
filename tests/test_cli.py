"""The command line ``python -m index``: plain errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from index import Searcher
from tests.conftest import ROOT


def test_cli_reports_a_full_disk_plainly(monkeypatch, capsys, tmp_path: Path) -> None:
    from index import __main__ as cli

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "index" / "dense.faiss"))

    monkeypatch.setattr(Searcher, "build", full)
    monkeypatch.setattr(cli, "SentenceTransformerEmbedder", lambda *a, **k: None, raising=False)
    code = cli.main(["build", str(ROOT / "data" / "notices"), "--out", str(tmp_path / "index")])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "previous index (if any) is unchanged" in err
    assert "Traceback" not in err
