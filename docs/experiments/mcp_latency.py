"""What an MCP ``search`` call adds over ``POST /api/search``: the same 100 questions, alternating, on a running app.

    .venv/bin/python app.py &        # then:
    .venv/bin/python docs/experiments/mcp_latency.py [--url http://127.0.0.1:7860/] [--calls 100]

Questions are the bundled and lay gold (eval/queries: dev, lay), the first ``--calls`` distinct
ones. Each question is asked both ways, the order alternating, so the machine's noise falls on
both alike. The MCP client keeps one session (the SDK's client over Streamable HTTP), as an
agent does; a call is timed from the client's call to its structured result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent


def questions(count: int) -> list[str]:
    """The first ``count`` distinct gold questions of the bundled notices (dev, then lay)."""
    found: list[str] = []
    for name in ("dev.jsonl", "lay.jsonl"):
        for line in (ROOT / "eval" / "queries" / name).read_text(encoding="utf-8").splitlines():
            query = json.loads(line)["query"]
            if query not in found:
                found.append(query)
    return found[:count]


async def measure(url: str, asked: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds of each REST and each MCP search, and a check that both found the same clauses."""
    from mcp.client import Client
    from mcp.client.streamable_http import streamable_http_client

    rest, mcp = [], []
    async with httpx.AsyncClient(timeout=60) as http, Client(streamable_http_client(f"{url}mcp")) as session:
        await session.call_tool("search", {"question": "预热", "k": 5})  # the session's first call
        for number, question in enumerate(asked):
            for way in ("rest", "mcp") if number % 2 == 0 else ("mcp", "rest"):
                started = time.perf_counter()
                if way == "rest":
                    answer = (await http.post(f"{url}api/search", json={"question": question, "k": 5})).json()
                    rest.append((time.perf_counter() - started) * 1000)
                    by_rest = [h["id"] for h in answer["hits"]]
                else:
                    result = await session.call_tool("search", {"question": question, "k": 5})
                    mcp.append((time.perf_counter() - started) * 1000)
                    by_mcp = [h["id"] for h in result.structured_content["hits"]]
            assert by_rest == by_mcp, question
    return rest, mcp


def main() -> None:
    """Print p50 and p95 of both ways and the difference of their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    url = args.url if args.url.endswith("/") else args.url + "/"
    asked = questions(args.calls)
    rest, mcp = asyncio.run(measure(url, asked))

    def p(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    print(f"{len(asked)} questions, each both ways, alternating; the same clauses each time")
    print(f"POST /api/search   p50 {statistics.median(rest):6.1f} ms   p95 {p(rest, 95):6.1f} ms")
    print(f"MCP search (HTTP)  p50 {statistics.median(mcp):6.1f} ms   p95 {p(mcp, 95):6.1f} ms")
    print(f"MCP adds (p50 − p50): {statistics.median(mcp) - statistics.median(rest):.1f} ms")


if __name__ == "__main__":
    main()
