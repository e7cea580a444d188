"""``pip install .`` into a new virtual environment, then the README's Python example run from another folder.

The new environment borrows the test interpreter's installed packages (a ``.pth`` file) so that
nothing is downloaded; the project itself is built and installed from a copy of the tracked files.
Marked ``model``: the example opens the bundled model (≈ 30 s with the build and a fresh index).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.model

#: Runs the first ```python block of a Markdown file as a doctest; the exit code is the number of failures.
RUN_EXAMPLE = """
import doctest, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"```python\\n(.*?)```", text, re.S).group(1)
test = doctest.DocTestParser().get_doctest(block, {}, "README example", sys.argv[1], 0)
runner = doctest.DocTestRunner()
runner.run(test)
sys.exit(runner.failures)
"""


def _tracked_copy(target: Path) -> Path:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_pip_install_puts_the_stages_on_the_path_and_the_readme_example_runs_elsewhere(tmp_path: Path) -> None:
    source = _tracked_copy(tmp_path / "source")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())  # fmt: skip
    for old in site.glob("setuptools*"):  # the venv's own old setuptools would shadow the borrowed one
        shutil.rmtree(old)
    (site / "zz-borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_QA_") or k == "POLICY_QA_CACHE"}
    env |= {"XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONNOUSERSITE": "1"}
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", str(source)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]
    for command in ("policy-qa", "policy-qa-index", "policy-qa-ingest", "policy-qa-eval", "policy-qa-mcp"):
        shown = subprocess.run([venv / "bin" / command, "--help"], capture_output=True, text=True, env=env)
        assert shown.returncode == 0 and "usage" in shown.stdout, (command, shown.stderr[-500:])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import index, index.paths as p; print(index.__file__); print(p.DEFAULT_CORPUS)"],
        cwd=elsewhere, capture_output=True, text=True, env=env, check=True,
    ).stdout.split()  # fmt: skip
    assert where[0].startswith(str(site)) and where[1] == str(venv / "share" / "policy-qa" / "notices")
    example = subprocess.run(
        [python, "-c", RUN_EXAMPLE, str(ROOT / "README.md")], cwd=elsewhere, capture_output=True, text=True, env=env
    )
    assert example.returncode == 0, example.stdout[-3000:] + example.stderr[-2000:]
    assert (tmp_path / "xdg" / "policy-qa" / "index").is_dir()  # built where an installed copy keeps its data
