"""The MCP server: the SDK's own client through real sessions (in process, stdio, Streamable HTTP on the app's port).

The in-process tests use the fake keyword encoder; the stdio and HTTP ones run the real app and
model over the bundled notices (marked ``model``; ≈ 15 s beside the shared app server).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT
from web.api import WebApi
from web.library import Library
from web.mcp import mcp_server
from web.server import server_app

TOOLS = {"search", "answer", "department_tasks", "notice", "breakdown", "list_notices"}
QUESTIONS = ("哪些部门负责12345热线", "市数据局牵头负责哪些工作", "企业开办时限压缩到多久")


async def _session(client: Any, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    """Open a session on ``client``, list the tools, make ``calls``; the tools and the results."""
    async with client as session:
        tools = (await session.list_tools()).tools
        return tools, [await session.call_tool(name, args) for name, args in calls]


def _run(client: Any, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    return asyncio.run(_session(client, calls))


def _every_tool(doc_id: str, department: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        *[("search", {"question": q, "k": 5}) for q in QUESTIONS],
        ("answer", {"question": QUESTIONS[0]}),
        ("department_tasks", {"department": department}),
        ("notice", {"doc_id": doc_id}),
        ("breakdown", {"doc_id": doc_id}),
        ("list_notices", {}),
    ]


def test_six_tools_with_schemas_descriptions_in_two_languages_and_read_only(library: Library) -> None:
    from mcp.client import Client

    tools, _ = _run(Client(mcp_server(library)), [])
    assert {t.name for t in tools} == TOOLS
    for tool in tools:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in tool.description), tool.name  # Chinese
        assert any(word in tool.description for word in ("The ", "Find", "Answer", "Every", "One", "A notice")), (
            tool.name
        )
        assert tool.input_schema["type"] == "object" and tool.output_schema["type"] == "object", tool.name
        assert tool.annotations.read_only_hint is True and tool.annotations.destructive_hint is False
    search = next(t for t in tools if t.name == "search")
    assert search.input_schema["required"] == ["question"] and {"k", "lead", "doc_id"} <= set(
        search.input_schema["properties"]
    )
    assert "hits" in search.output_schema["properties"] and "abstained" in search.output_schema["properties"]


def test_each_tool_answers_what_the_json_api_answers(library: Library) -> None:
    from mcp.client import Client

    api = WebApi(library)
    _, results = _run(Client(mcp_server(library)), _every_tool("b", "政务服务中心"))
    assert not any(r.is_error for r in results), [r.content for r in results if r.is_error]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for (name, _), result in zip(_every_tool("b", "政务服务中心"), results, strict=True):
        by_name.setdefault(name, []).append(result.structured_content)
    for question, found in zip(QUESTIONS, by_name["search"], strict=True):
        expected = api.search(question, k=5)
        assert [h["id"] for h in found["hits"]] == [h["id"] for h in expected["hits"]], question
        assert found["lead_line"] == expected["lead_line"] and found["abstained"] == expected["abstained"]
    chat = by_name["answer"][0]
    assert chat["lead_line"] in chat["text"] and chat["clauses"] == [h["id"] for h in api.search(QUESTIONS[0])["hits"]]
    tasks = {key: value for key, value in by_name["department_tasks"][0].items() if value is not None}
    assert tasks == api.tasks("政务服务中心")  # doc_id: null here, left out there
    assert [c["id"] for c in by_name["notice"][0]["clauses"]] == [c["id"] for c in api.notice(doc_id="b")["clauses"]]
    rows = by_name["breakdown"][0]["rows"]
    assert [r["chunk_id"] for r in rows] == ["b#一/(一)", "b#一/(二)"] and rows[0]["lead"] == "政务服务中心"
    assert {n["doc_id"] for n in by_name["list_notices"][0]["notices"]} == {"a", "b"}


def test_a_refusal_and_a_follow_up_come_through_the_answer_tool(library: Library) -> None:
    from mcp.client import Client

    calls = [
        ("answer", {"question": "今天天气怎么样"}),
        ("answer", {"question": "它由哪个部门牵头？", "history": ["12345热线是什么"]}),
    ]
    _, (refused, follow) = _run(Client(mcp_server(library)), calls)
    assert refused.structured_content["abstained"] and refused.structured_content["clauses"] == []
    assert refused.structured_content["text"].startswith("没有找到足够相关的条款")
    assert follow.structured_content["reading"] == "按上文理解为：12345热线由哪个部门牵头？"
    assert "市数据局" in follow.structured_content["lead_line"]


@pytest.mark.parametrize(
    ("name", "args", "said"),
    [
        ("notice", {"doc_id": "nope"}, "库中没有这份通知：nope"),
        ("breakdown", {"doc_id": "nope"}, "库中没有这份通知：nope"),
        ("search", {"question": "热线", "k": 0}, "参数 k 应为 1 到 100 的整数，收到 0"),
        ("search", {"question": "  "}, "问题为空"),
        ("department_tasks", {"department": "市数据局", "role": "主办"}, "参数 role 应为以下之一"),
        ("department_tasks", {"department": "局" * 201}, "参数 department 应为不超过 200 个字符"),
        ("search", {"question": "热线", "lead": "市气象局"}, "库中没有由“市气象局”牵头的条目"),
    ],
)
def test_a_bad_call_is_a_tool_error_in_chinese(library: Library, name: str, args: dict[str, Any], said: str) -> None:
    from mcp.client import Client

    _, (result,) = _run(Client(mcp_server(library)), [(name, args)])
    assert result.is_error and said in result.content[0].text


def test_mcp_over_http_follows_the_read_rule(library: Library) -> None:
    """Bound beyond loopback, /mcp wants the token as the JSON API's reads do; the SDK answers past the gate."""
    initialize = {
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }  # fmt: skip
    accept = {"Accept": "application/json, text/event-stream"}
    app = server_app(library, token="s3cret", open_reads=False, host="0.0.0.0")
    with TestClient(app) as client:
        refused = client.post("/mcp", json=initialize, headers=accept)
        assert refused.status_code == 401 and refused.json()["error"].startswith("需要令牌")
        wrong = client.post("/mcp", json=initialize, headers={**accept, "Authorization": "Bearer guess"})
        assert wrong.status_code == 401
        done = client.post("/mcp", json=initialize, headers={**accept, "Authorization": "Bearer s3cret"})
        assert done.status_code == 200 and done.json()["result"]["serverInfo"]["name"] == "policy-qa"
        # no stream to hold open, no session to end: 405, as the spec has a server without them answer
        for method in ("GET", "DELETE"):
            refused = client.request(method, "/mcp", headers={**accept, "Authorization": "Bearer s3cret"})
            assert refused.status_code == 405 and refused.headers["allow"] == "POST"


def _api_hits(url: str, question: str) -> list[str]:
    answer = httpx.post(f"{url}api/search", json={"question": question, "k": 5}, timeout=60).json()
    return [h["id"] for h in answer["hits"]]


def _check_real_session(tools: list[Any], results: list[Any], url: str) -> None:
    assert {t.name for t in tools} == TOOLS
    assert not any(r.is_error for r in results), [r.content for r in results if r.is_error]
    for question, result in zip(QUESTIONS, results, strict=False):
        assert [h["id"] for h in result.structured_content["hits"]] == _api_hits(url, question), question
    notices = httpx.get(f"{url}api/notices", timeout=60).json()["notices"]
    assert results[-1].structured_content["notices"] == notices


@pytest.mark.model
def test_the_sdk_client_over_streamable_http_on_the_app_port(app_server: dict[str, Any]) -> None:
    from mcp.client import Client
    from mcp.client.streamable_http import streamable_http_client

    url = str(app_server["url"])
    doc_id = "000_4339a6bb93f327d8"
    tools, results = _run(Client(streamable_http_client(f"{url}mcp")), _every_tool(doc_id, "市数据局"))
    _check_real_session(tools, results, url)
    for method in ("GET", "DELETE"):  # in the real app too, where the chat is mounted at / beside /mcp
        refused = httpx.request(method, f"{url}mcp", timeout=10)
        assert refused.status_code == 405 and refused.headers["allow"] == "POST", method
    breakdown = httpx.get(f"{url}api/notices/{doc_id}/breakdown", timeout=60).json()
    assert results[-2].structured_content["rows"] == breakdown["rows"]


@pytest.mark.model
def test_the_sdk_client_over_stdio(app_server: dict[str, Any], tmp_path: Path) -> None:
    """``python -m web.mcp`` started by the client, over the app's own index: the same clauses as its JSON API."""
    from mcp.client import Client
    from mcp.client.stdio import StdioServerParameters

    server = StdioServerParameters(
        command=sys.executable, cwd=str(ROOT),
        args=["-m", "web.mcp", "--index", str(Path(app_server["root"]) / "index"), "--data-dir", str(tmp_path)],
    )  # fmt: skip
    tools, results = _run(Client(server, read_timeout_seconds=120), _every_tool("000_4339a6bb93f327d8", "市数据局"))
    _check_real_session(tools, results, str(app_server["url"]))
