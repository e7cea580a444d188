"""The compact tokenizer: the same ids as the full one on every text, the full one loaded only for other scripts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import Searcher
from index.encoders.compact_vocab import COMPACT, IDS, SOURCE, TokenizerPair
from index.paths import ROOT
from ingest import load

EDGES = [
    "", " ", "a  b", "  lead", "trail  ", "\t\x01x", "ＡＢＣ１２３", "①②Ⅲ㎡ﬁ", "<mask> x", "<s></s>", "★◆→·□≥°",
    "12345热线", "query: 哪些部门负责12345热线", "passage: " + "政务服务" * 300,  # truncated alike
]
OUTSIDE = ["Москва 政务", "مرحبا", "政务😀服务", "ภาษาไทย", "\ue010私用区"]


@pytest.fixture(scope="module")
def tokenizer_json(default_searcher: Searcher) -> Path:
    return default_searcher.embedder.session.tokenizer.source


@pytest.mark.model
def test_compact_ids_equal_the_full_tokenizers_on_notices_edges_and_other_scripts(
    tokenizer_json: Path, tmp_path: Path
) -> None:
    from tokenizers import Tokenizer

    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(tokenizer_json, folder / "tokenizer.json")
    pair = TokenizerPair(folder / "tokenizer.json", 512)  # cuts the compact files on first use
    assert (folder / COMPACT).is_file() and (folder / IDS).is_file() and (folder / SOURCE).is_file()
    assert pair.ids is not None and 100_000 < len(pair.ids) < 130_000  # of 250,002 pieces
    full = Tokenizer.from_file(str(tokenizer_json))
    full.enable_truncation(512)
    chunks = load(ROOT / "data" / "notices")
    texts = [c.text for c in chunks] + [line for c in chunks for line in c.text.split("\n")] + EDGES
    texts += ["passage: " + c.text for c in chunks]
    assert pair.encode(texts) == [e.ids for e in full.encode_batch(texts)]
    assert pair._full is None  # none of those needed the full vocabulary
    assert pair.encode(OUTSIDE) == [e.ids for e in full.encode_batch(OUTSIDE)]
    assert pair._full is not None


@pytest.mark.model
def test_compact_files_cut_from_another_tokenizer_are_cut_again(tokenizer_json: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    shutil.copy(tokenizer_json, folder / "tokenizer.json")
    TokenizerPair(folder / "tokenizer.json", 512)
    (folder / IDS).write_bytes(b"stale")
    (folder / SOURCE).write_text("0" * 64, encoding="utf-8")
    pair = TokenizerPair(folder / "tokenizer.json", 512)
    assert pair.ids is not None and len(pair.ids) > 100_000


def test_a_wordpiece_tokenizer_is_used_whole(tmp_path: Path) -> None:
    from tokenizers import Tokenizer
    from tokenizers.models import WordPiece
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {t: i for i, t in enumerate(["[UNK]", "政", "务", "服", "##务", "a"])}
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    pair = TokenizerPair(tmp_path / "tokenizer.json", 16)
    assert pair.compact is None and not (tmp_path / COMPACT).exists()
    assert pair.encode(["政务 a", "Москва"]) == [[1, 4, 5], [0]]


@pytest.mark.model
def test_a_question_in_a_new_process_loads_neither_torch_nor_the_full_vocabulary(default_searcher: Searcher) -> None:
    probe = (
        "import json, sys\n"
        "from index import Searcher\n"
        f"s = Searcher.open({str(default_searcher.store.path)!r}, build_if_missing=False)\n"
        "a = s.answer('哪些部门负责12345热线')\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'full': s.embedder.session.tokenizer._full is not None,"
        " 'hits': len(a.hits)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(out.stdout.splitlines()[-1]) == {"torch": False, "full": False, "hits": 5}


@pytest.mark.model
def test_the_full_vocabulary_a_question_in_another_script_loads_is_let_go_when_idle(
    default_searcher: Searcher,
) -> None:
    """Issue 40: one Korean question kept ≈ 297 MiB for good; now the memory comes back after the idle time."""
    probe = (
        "import json, time\n"
        "import index.encoders.compact_vocab as cv\n"
        "cv.FULL_IDLE_SECONDS = 1.0\n"
        "from index import Searcher\n"
        "def rss(): return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) // 1024\n"
        f"s = Searcher.open({str(default_searcher.store.path)!r}, build_if_missing=False)\n"
        "pair = s.embedder.session.tokenizer\n"
        "s.answer('哪些部门负责12345热线'); warm = rss()\n"
        "first = [h.id for h in s.answer('12345 핫라인은 어느 부서가 담당합니까').hits]; held = (pair.holds_full(), rss())\n"
        "time.sleep(3); idle = (pair.holds_full(), rss())\n"
        "again = [h.id for h in s.answer('12345 핫라인은 어느 부서가 담당합니까').hits]\n"
        "print(json.dumps({'warm': warm, 'held': held, 'idle': idle, 'same': first == again}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["held"][0] is True and seen["idle"][0] is False and seen["same"], seen
    assert seen["held"][1] - seen["warm"] > 150 and seen["idle"][1] < seen["warm"] + 60, seen  # MiB
