"""The code's own shape: layers that import one way, no circles, no pickle or eval of data."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT


def test_no_code_path_unpickles_or_evaluates_data() -> None:
    """The project's own code never unpickles or evaluates: a guard against a careless change."""
    risky = re.compile(
        r"\bpickle\b|\bmarshal\b|(?<![\w.])eval\(|(?<![\w.])exec\(|allow_pickle=True|torch\.load\(|yaml\.load\("
    )
    sources = [
        ROOT / "app.py",
        *(ROOT / "index").rglob("*.py"),
        *(ROOT / "ingest").rglob("*.py"),
        *(ROOT / "eval").rglob("*.py"),
        *(ROOT / "web").rglob("*.py"),
        *(ROOT / "tune").rglob("*.py"),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if risky.search(line) and "no pickle" not in line.lower()
    ]
    assert found == []


#: Each top-level package's layer: a module may import its own layer's and lower ones, never a higher one.
LAYERS = {"ingest": 0, "index": 1, "web": 2, "eval": 3, "tune": 4, "app": 4}


def _modules() -> dict[str, Path]:
    """Every module of the project's packages and app.py, by dotted name."""
    found = {"app": ROOT / "app.py"}
    for package in ("ingest", "index", "web", "eval", "tune"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports anywhere in it: top level, in functions, under TYPE_CHECKING."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):  # a package's own __init__
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_imports_run_down_the_layers() -> None:
    graph = _graph()
    against = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in targets
        if LAYERS[target.split(".")[0]] > LAYERS[name.split(".")[0]]
    )
    assert against == []


def test_no_import_circle() -> None:
    graph = _graph()
    circles = []
    for start in graph:  # a path from a module back to itself, found depth-first
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    circles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert circles == []


def test_the_walker_sees_imports_inside_functions_and_type_checking(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from index.answer import Hit\n"
        "def f():\n    from web.library import Library\n    import eval.metrics\n",
        encoding="utf-8",
    )
    known = {"index.answer", "web.library", "eval.metrics", "index", "web", "eval"}
    assert _imports("ingest.m", module, known) == {"index.answer", "web.library", "eval.metrics"}


def test_no_source_file_is_over_400_lines_and_index_keeps_few_modules_at_its_top() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _modules().values() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
    assert len(list((ROOT / "index").glob("*.py"))) <= 22
