"""The route table: every route the app serves is named with its rule, and the routes it does not use are closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app
from web.entrance.access import WriteAccess
from web.entrance.routes import ROUTES, RouteGate, route_of, served_routes, table
from web.library import Library


@pytest.fixture
def server(library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    return app.make_server(library, WriteAccess("t"))


def test_every_route_the_app_serves_is_in_the_table(server: object) -> None:
    served = served_routes(server)
    assert len(served) > 60  # the JSON API and Gradio's routes, mounts followed
    unnamed = [(methods, path) for methods, path in served if route_of(path, methods) is None]
    assert unnamed == [], "classify these in web/entrance/routes.py ROUTES (who may call them, what they accept)"
    used = {route_of(path, methods) for methods, path in served}
    assert all(route in used for route in ROUTES), [r.shown for r in ROUTES if r not in used]  # no stale rows


def test_the_routes_this_app_does_not_use_answer_404_and_server_files_403(server: object) -> None:
    client = TestClient(server)
    for method, path in [
        ("GET", "/monitoring"), ("GET", "/monitoring/summary"), ("GET", "/gradio_api/dev/reload"),
        ("GET", "/gradio_api/runs"), ("POST", "/gradio_api/run-history/connect"), ("POST", "/gradio_api/vibe-edit"),
        ("POST", "/gradio_api/vibe-code"), ("POST", "/gradio_api/process_recording"),
        ("POST", "/gradio_api/component_server"), ("GET", "/gradio_api/proxy=http://127.0.0.1:1/"),
        ("POST", "/gradio_api/api/search"), ("GET", "/openapi.json"),
    ]:  # fmt: skip
        answer = client.request(method, path, json={"data": []})
        assert answer.status_code == 404 and "closed" in answer.json()["error"], (method, path)
    assert client.get("/gradio_api/file=/etc/passwd").status_code == 403
    assert client.get("/api/notices").status_code == 200 and client.get("/config").status_code == 200


def test_uploads_wait_while_the_upload_folder_is_full(tmp_path: Path) -> None:
    from fastapi import FastAPI

    inner = FastAPI()

    @inner.post("/gradio_api/upload")
    def upload() -> dict[str, bool]:
        return {"stored": True}

    folder = tmp_path / "gradio"
    folder.mkdir()
    inner.add_middleware(RouteGate, upload_folder=folder, max_folder_bytes=1000)
    client = TestClient(inner)
    assert client.post("/gradio_api/upload").json() == {"stored": True}
    (folder / "held.bin").write_bytes(b"x" * 1001)
    full = client.post("/gradio_api/upload")
    assert full.status_code == 507 and "已满" in full.json()["error"]


def test_the_table_printed_for_the_docs_names_every_row() -> None:
    printed = table()
    assert all(route.shown in printed for route in ROUTES) and printed.count("\n") == len(ROUTES) + 1
