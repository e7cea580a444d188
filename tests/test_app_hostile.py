"""The running app under hostile use: authentication, odd API calls, huge uploads, XSS, 20 threads.

One app instance, started with a password from $POLICY_QA_AUTH, serves every test here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.appserver import HAS_CHROMIUM, chromium_page, start_app, stop_app
from tests.conftest import NOTICE_A, NOTICE_B

pytestmark = pytest.mark.model

AUTH = ("staff", "s3cret-pass")
HOTLINE = "哪些部门负责12345热线"
XSS_NOTICE = """某县数据局关于试点工作的通知
一、试点任务
1.上线智能导办系统<img src=x onerror="window.__xss=1">。建立导办知识库<script>window.__xss=2</script>。（县数据局牵头）
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("app-hostile")
    proc, url = start_app(root, env={"POLICY_QA_AUTH": ":".join(AUTH)})
    yield {"url": url, "root": root, "data": root / "data"}
    stop_app(proc)


@pytest.fixture(scope="module")
def client(server: dict[str, Any]) -> Any:
    from gradio_client import Client

    return Client(server["url"], auth=AUTH, verbose=False)


def test_the_app_requires_its_password(server: dict[str, Any]) -> None:
    import httpx
    from gradio_client import Client

    for auth in (None, ("staff", "wrong")):
        with pytest.raises(Exception, match=r"(?i)auth|401|login|credentials"):
            Client(server["url"], auth=auth, verbose=False)
    refused = httpx.post(server["url"] + "gradio_api/call/search", json={"data": [HOTLINE]}, timeout=10)
    assert refused.status_code in (401, 403)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("热" * 10_000,), "10,000 characters long"),
        (("😀🎉",), "empty"),
        (("\u200b\u200b",), "empty"),
        ((HOTLINE, 0), "1 to 100"),
        ((HOTLINE, 10**9), "1 to 100"),
        ((HOTLINE, 5, "hybrid", "", "市气象局"), "no item in the index is led by it"),
        ((HOTLINE, 5, "hybrid", "no-such-notice"), "not in the index"),
        ((HOTLINE, 5, "hybrid", "", "", "24"), "four digits"),
    ],
)
def test_bad_api_calls_get_a_clear_error(client: Any, args: tuple[Any, ...], message: str) -> None:
    result = client.predict(*args, api_name="/search")
    assert message in result["error"] and "Traceback" not in result["error"]


def test_markup_questions_come_back_as_plain_data(client: Any) -> None:
    question = '<img src=x onerror="alert(1)">12345热线'
    result = client.predict(question, api_name="/search")
    assert result["query"] == question and result["hits"]


def test_a_200_mb_upload_is_refused_and_nothing_changes(client: Any, server: dict[str, Any], tmp_path: Path) -> None:
    from gradio_client import handle_file

    before = client.predict(HOTLINE, 10, api_name="/search")["hits"]
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # generated now, deleted below
        handle.write(("一、总体要求\n1.加强数据共享。\n" * 8).encode("utf-8"))
        handle.seek(200 * 1024 * 1024 - 1)
        handle.write(b"\n")
    try:
        try:
            outcome = client.predict(handle_file(str(huge)), api_name="/upload")
        except Exception as exc:  # Gradio refuses it at the door (max_file_size) …
            outcome = {"error": str(exc)}
    finally:
        huge.unlink()
    # … or the library does (文件过大): either way a clear refusal, never a stored file
    assert re.search(r"(?i)文件过大|file size|too large|413|exceed", outcome.get("error", "")), outcome
    assert client.predict(HOTLINE, 10, api_name="/search")["hits"] == before
    uploads = Path(server["data"]) / "uploads"
    assert not uploads.exists() or not [p for p in uploads.iterdir() if "huge" in p.name]


def test_twenty_threads_ask_fifty_questions_each_while_notices_are_uploaded(
    client: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    """Every answer equals the answer of one index state (before, between or after the uploads)."""
    from gradio_client import Client, handle_file

    questions = [HOTLINE, "企业开办时限压缩到多久", "市数据局牵头负责哪些工作", "双随机一公开", "周末能不能办事"]

    def state() -> dict[str, list[str]]:
        return {q: [h["id"] for h in client.predict(q, 5, api_name="/search")["hits"]] for q in questions}

    files = []
    for number, text in enumerate((NOTICE_B.replace("经开区", "新城区"), NOTICE_A.replace("某市", "第四市"))):
        path = tmp_path / f"concurrent-{number}.txt"
        path.write_text(text.replace("12345", "政务"), encoding="utf-8")
        files.append(path)
    states = [state()]
    seen: list[tuple[str, list[str]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        try:
            mine = Client(server["url"], auth=AUTH, verbose=False)
            for n in range(50):
                question = questions[(number + n) % len(questions)]
                result = mine.predict(question, 5, api_name="/search")
                if "error" in result:
                    raise RuntimeError(result["error"])
                with lock:
                    seen.append((question, [h["id"] for h in result["hits"]]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for path in files:
        assert client.predict(handle_file(str(path)), api_name="/upload")["status"] == "已添加"
        states.append(state())
    for thread in threads:
        thread.join(timeout=600)
    assert errors == [] and len(seen) == 20 * 50
    for question, ids in seen:
        assert any(ids == s[question] for s in states), (question, ids)


@pytest.mark.skipif(not HAS_CHROMIUM, reason="Debian's chromium is not installed (the test command installs it)")
def test_markup_in_questions_and_notices_is_shown_never_run(
    client: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    notice = tmp_path / "xss.txt"
    notice.write_text(XSS_NOTICE, encoding="utf-8")
    assert client.predict(handle_file(str(notice)), api_name="/upload")["status"] == "已添加"
    with chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        login = page.request.post(server["url"] + "login", form={"username": AUTH[0], "password": AUTH[1]})
        assert login.ok
        page.goto(server["url"])
        box = page.locator("#question textarea")
        for question in (
            '<img src=x onerror="window.__xss=3;alert(3)">智能导办',
            "<script>window.__xss=4</script>导办知识库",
        ):
            box.fill(question)
            box.press("Enter")
            page.wait_for_function(
                "q => document.querySelector('#chat').innerText.includes(q)", arg=question, timeout=60_000
            )
        page.wait_for_function("document.querySelectorAll('#chat .cite').length >= 2", timeout=60_000)
        chat = page.locator("#chat").inner_text()
        assert '<img src=x onerror="window.__xss=1">' in chat  # the clause's markup, shown as text
        assert page.evaluate("window.__xss") is None and dialogs == []
        assert page.locator("#chat img[src='x']").count() == 0 and page.locator("#chat script").count() == 0


def _outward_address() -> str | None:
    """This machine's address on its network (None when it has only loopback)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # UDP: no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_app_listens_on_loopback_only_by_default(server: dict[str, Any]) -> None:
    import socket

    address = _outward_address()
    if address is None:
        pytest.skip("no network interface besides loopback")
    port = int(server["url"].rstrip("/").rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=2):
        pass
