"""Session-wide test settings.

Every index, model conversion and cache goes to a temporary directory, so no test (doctests
included) writes into the repository or the home directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("POLICY_QA_CACHE", "POLICY_QA_INDEX")}
    root = tmp_path_factory.mktemp("policy-qa")
    os.environ["POLICY_QA_CACHE"] = str(root / "cache")
    os.environ["POLICY_QA_INDEX"] = str(root / "index")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
