"""The MCP server on stdio, for a desktop client (Cherry Studio, Claude Desktop…) that starts it as a command.

python -m web.mcp [--index DIR | --milvus URI] [--data-dir DIR]     (installed: policy-qa-mcp)

Standard output carries the protocol alone: whatever opening the index prints goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Open the library and serve its tools on stdin/stdout until the client closes them."""
    from index import ExportError, IndexMismatchError, IndexNotFoundError
    from index.options import add_store_options, open_store, target_of
    from index.paths import default_data_dir

    parser = argparse.ArgumentParser(prog="python -m web.mcp", description=__doc__.splitlines()[0])
    add_store_options(parser, "index directory (default: $POLICY_QA_INDEX or build/index, built on first use)")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(), help="the app's data folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    from web.library import Library
    from web.mcp import mcp_server

    with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol's
        try:
            searcher = open_store(args, build_if_missing=target_of(args) is None)
        except (IndexNotFoundError, IndexMismatchError, ExportError, FileNotFoundError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        library = Library(searcher, args.data_dir)
        library.answer("12345热线")  # warm: the encoder's first run, before the client's first call waits for it
    mcp_server(library).run("stdio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
