"""The staff web chat: a question in, cited source clauses out.

Only the page's layout and the command line live here: what each event does is
:class:`web.chat.Chat`, the JSON endpoints :class:`web.api.WebApi`, retrieval ``index.Searcher``.

    python app.py [--host 127.0.0.1] [--port 7860] [--index DIR | --milvus URI [--collection NAME]]
                  [--model PATH] [--backend torch|onnx|onnx-int8] [--data-dir DIR]
"""

import argparse
import atexit
import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from index import ExportError, IndexMismatchError, IndexNotFoundError
from index.options import add_store_options, open_store, target_of, where_of
from index.paths import default_data_dir, default_index_path
from index.writing import tidy
from ingest.bounds import MAX_QUERY_CHARS, MAX_UPLOAD_BYTES, UPLOAD_TYPES
from web import TASK_VIEW_COLUMNS, Library
from web.changes.tab import compare_section
from web.due_tab import due_section
from web.entrance.access import WriteAccess, add_access_options, kept_token
from web.entrance.files import FileGuard
from web.entrance.routes import RouteGate
from web.entrance.serving import serve
from web.feedback_tab import feedback_tab
from web.page import CONFIRM_IN_VIEW, CSS, PAGE_SCRIPT, SCROLL_TO_ANSWER, SCROLL_TO_CLAUSE, SCROLL_TO_TASKS
from web.server import LOOPBACK, server_app

EXAMPLES = [
    "哪些部门负责12345热线",
    "市数据局牵头负责哪些工作",
    "企业开办时限压缩到多久",
    "双随机一公开",
    "Which department leads the 12345 government service hotline?",
]
#: Questions answered at once (searches share the index; uploads still go one at a time).
CONCURRENCY = 4


def temp_dir(data_dir: Path) -> Path:
    """The app's own temporary folder, under its data directory (never the machine-wide /tmp/gradio)."""
    return Path(data_dir) / "tmp"


def fresh_temp_dir(data_dir: Path) -> Path:
    """:func:`temp_dir`, emptied of what an earlier run left (raw uploads, exports), and created."""
    folder = temp_dir(data_dir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_folder(data_dir: Path) -> Path:
    """Where Gradio puts the browser's uploads: ``$GRADIO_TEMP_DIR``, else the app's own temporary folder."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or temp_dir(data_dir) / "gradio")


def build_ui(library: Library, access: WriteAccess | None = None) -> Any:
    """The Gradio Blocks app for a :class:`web.Library`: the page layout, each event wired to :class:`web.chat.Chat`.

    Writes from the page need ``access``'s token (none: the library cannot be changed from it).
    Only ``/search``, ``/tasks`` and ``/notice`` are offered to ``gradio_client``; no callback
    that reads or writes files is (docs/reliability.md lists every route).
    """
    import gradio as gr

    from web.api import WebApi
    from web.chat import DEFAULT_MODE_LABEL, LIBRARY_COLUMNS, MODE_HELP, MODE_LABELS, Chat

    chat = Chat(
        library, export_dir=temp_dir(library.data_dir) / "exports", access=access,
        upload_folder=upload_folder(library.data_dir), conversation_dir=Path(library.data_dir) / "conversations",
    )  # fmt: skip
    # the key of the browser's conversation id, kept so that the id outlives a restart of the app
    browser_secret = kept_token(Path(library.data_dir) / "browser-secret")
    notices, leads, years = chat.choices()
    with gr.Blocks(title="政策条款问答") as demo:
        gr.Markdown(
            "## 政策条款问答\n输入问题，查看出处条款、所属通知与牵头部门。（其他系统可调用 [接口](/api/docs)。）"
        )
        # a citation's 在通知中查看 writes {chunk} here (OPEN_NOTICE); hidden, but in the page
        notice_target = gr.Textbox(label="条款", visible="hidden", elem_id="notice-target")
        with gr.Tab("问答"), gr.Row():
            with gr.Column(scale=3):  # the chat on the left, the notice a citation opens on the right
                records = gr.State([])
                # the browser keeps only its conversation's id; the chat itself is kept on the server
                conversation = gr.BrowserState("", storage_key="policy-qa-conversation", secret=browser_secret)
                # no floating label over the answers (the tab says what this is; screen readers still read it)
                chatbot = gr.Chatbot(
                    label="对话", show_label=False, height=560, feedback_options=("Like", "Dislike"), elem_id="chat",
                    sanitize_html=True, autoscroll=False, placeholder="在下方输入问题，或点击示例问题。",
                )  # fmt: skip
                # right under the chat: a 👍/👎 is confirmed where it was given, in view at 900 px
                feedback = gr.Markdown(elem_id="feedback-status")
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(
                        placeholder="例如：哪些部门负责12345热线",
                        label="问题",
                        show_label=False,
                        scale=8,
                        elem_id="question",
                        max_length=MAX_QUERY_CHARS,
                    )
                    send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
                    fresh = gr.Button("新对话", scale=1, elem_id="new-conversation")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="示例问题（点击即提问）", api_visibility="private"
                )
                with gr.Accordion("检索设置与筛选", open=False):
                    with gr.Row():
                        k = gr.Slider(1, 10, value=5, step=1, label="结果条数")
                        mode = gr.Radio(list(MODE_LABELS), value=DEFAULT_MODE_LABEL, label="检索方式", info=MODE_HELP)
                    with gr.Row():
                        docs = gr.Dropdown(notices, value=[], multiselect=True, label="通知")
                        lead = gr.Dropdown([("（全部）", ""), *[(d, d) for d in leads]], value="", label="牵头部门")
                        year = gr.Dropdown([("（全部）", ""), *[(y, y) for y in years]], value="", label="年份")
                        due = gr.Textbox(label="完成时限不晚于", placeholder="YYYY-MM-DD，如 2024-06-30", max_length=10)
                with gr.Accordion("回答不对？指出正确的条款", open=False, elem_id="pick-box"):
                    with gr.Row(elem_id="find-row"):
                        find = gr.Textbox(
                            label="在全库中查找", placeholder="输入条款中的词语，如：企业开办", scale=4,
                            elem_id="find", max_length=MAX_QUERY_CHARS,
                        )  # fmt: skip
                        find_go = gr.Button("查找", elem_id="find-go", scale=1)
                    with gr.Row(elem_id="pick-row"):
                        right = gr.Dropdown(
                            [], value=None, label="正确的条款是（针对最新回答）", elem_id="right", scale=4
                        )
                        pick = gr.Button("记录正确条款", elem_id="pick", scale=1)
                export = gr.File(label="导出本次回答的引用（CSV）", interactive=False, elem_id="export")
                inputs = [question, chatbot, records, k, mode, docs, lead, year, due, conversation]
                outputs = [question, chatbot, records, export, right]
                # a new answer is shown from its top (its lead line and [1]), not scrolled to its end
                ask = {"api_visibility": "private", "concurrency_limit": CONCURRENCY}
                for asked in (
                    question.submit(chat.respond, inputs, outputs, **ask),
                    send.click(chat.respond, inputs, outputs, **ask),
                    # an example chip asks its question, as if it had been typed and sent
                    examples.load_input_event.then(chat.respond, inputs, outputs, **ask),
                ):
                    asked.then(None, None, None, js=SCROLL_TO_ANSWER, api_visibility="private")
                chatbot.like(chat.on_like, [records], [feedback], api_visibility="private")
                pick.click(chat.on_pick, [records, right], [feedback], api_visibility="private")
                for found in (find.submit, find_go.click):
                    found(chat.find_clause, [find, records], [feedback, right], api_visibility="private")
                chatbot.clear(chat.on_clear, [conversation], [records, feedback], api_visibility="private")
                fresh.click(
                    chat.new_conversation, None, [conversation, chatbot, records, feedback, right],
                    api_visibility="private",
                )  # fmt: skip
                demo.load(chat.restore, [conversation], [conversation, chatbot, records], api_visibility="private")
            with gr.Column(scale=2, visible=False, elem_id="notice-panel") as notice_panel:
                with gr.Row():
                    gr.Markdown("#### 条款所在通知")
                    close_notice = gr.Button("关闭", size="sm", elem_id="close-notice", scale=0, min_width=60)
                notice_view = gr.HTML(elem_id="notice-view", elem_classes="notice-box")
            notice_target.change(
                chat.open_notice, [notice_target], [notice_panel, notice_view], api_visibility="private"
            ).then(None, None, None, js=SCROLL_TO_CLAUSE, api_visibility="private")
            close_notice.click(lambda: gr.update(visible=False), None, [notice_panel], api_visibility="private")
        with gr.Tab("部门任务"):
            tab = chat.departments
            gr.Markdown("选择部门，查看它在各通知中牵头或配合的全部条目，可导出 Excel 或 CSV。")
            overview_title = "部门 × 通知 总览（点击一格，查看该部门在该通知中的条目）"
            with gr.Accordion(overview_title, open=False, elem_id="overview-box"):
                overview = gr.Dataframe(
                    interactive=False, label="各部门牵头、配合条目数", elem_id="overview", max_height=420, wrap=True
                )
                with gr.Row():
                    overview_export = gr.Button("导出总览", elem_id="overview-export", scale=0, min_width=120)
                    overview_status = gr.Markdown(elem_id="overview-status")
                overview_file = gr.File(label="部门总览（.xlsx）", interactive=False, elem_id="overview-file")
            with gr.Row():
                department = gr.Dropdown(library.departments(), value=None, label="部门", elem_id="department", scale=3)
                role = gr.Radio(["全部", "牵头", "配合"], value="全部", label="角色", scale=2)
            in_notice = gr.State("")  # the notice an overview cell chose; "" = every notice
            task_status = gr.Markdown(elem_id="task-status")
            task_table = gr.Dataframe(
                headers=list(TASK_VIEW_COLUMNS),
                interactive=False,
                label="条目",
                elem_id="tasks",
                wrap=True,
                column_widths=["260px", "64px", "150px", "80px", "240px", "110px", "220px", "110px", "220px"],
            )
            with gr.Row():
                # min_width: side by side on a wide screen, one under the other on a phone (names in full)
                task_xlsx = gr.File(label="导出 Excel（.xlsx）", interactive=False, elem_id="tasks-xlsx", min_width=300)
                task_csv = gr.File(label="导出 CSV", interactive=False, elem_id="tasks-csv", min_width=300)
            gr.Markdown("点击表中一行，在下方阅读该条目所在的通知。")
            task_notice = gr.HTML(elem_id="task-notice", elem_classes="notice-box")
            exports = temp_dir(library.data_dir) / "exports"
            due_section(library, exports, chat.clause_page, department, role, task_notice)  # opens rows above
            # a new list empties the notice panel: a clause of the list before is not this one's
            task_outputs = [task_status, task_table, task_xlsx, task_csv, task_notice]
            task_table.select(tab.open_task, None, [task_notice], api_visibility="private").then(
                None, None, None, js=SCROLL_TO_CLAUSE, api_visibility="private"
            )
            # .input, not .change: a cell of the overview sets both without asking for the whole list
            department.input(
                lambda d, r: ("", *tab.show_tasks(d, r)), [department, role], [in_notice, *task_outputs],
                api_visibility="private",
            )  # fmt: skip
            role.input(tab.show_tasks, [department, role, in_notice], task_outputs, api_visibility="private")
            overview.select(
                tab.open_cell, None, [department, role, in_notice, *task_outputs], api_visibility="private"
            ).then(None, None, None, js=SCROLL_TO_TASKS, api_visibility="private")
            overview_export.click(tab.export_overview, None, [overview_status, overview_file], api_visibility="private")
        with gr.Tab("通知库"):
            limit = f"单个文件不超过 {MAX_UPLOAD_BYTES // 1048576} MB"
            gr.Markdown(f"上传通知（{' '.join(UPLOAD_TYPES)}，{limit}），上传后即可检索。")
            write_token = gr.Textbox(
                label="写入令牌（上传、替换、删除需要；由管理员提供）", type="password", max_length=200,
                elem_id="write-token",
            )  # fmt: skip
            files = gr.File(
                file_count="multiple",
                file_types=list(UPLOAD_TYPES),
                label="上传通知",
                elem_id="upload",
            )
            status = gr.Markdown(elem_id="upload-status")
            with gr.Row(visible=False) as replace_row:
                held_files = gr.CheckboxGroup(
                    [], label="同名但内容不同的文件（勾选后替换库中的旧版本）", elem_id="held", scale=4
                )
                replace = gr.Button("替换所选通知", variant="primary", elem_id="replace", scale=1)
            with gr.Row(elem_id="notice-actions"):
                doomed = gr.Dropdown(notices, value=None, label="选择通知", elem_id="doomed", scale=4)
                breakdown = gr.Button("导出任务分解表", elem_id="breakdown", scale=1)
                delete = gr.Button("删除所选通知", variant="stop", elem_id="delete", scale=1)
            # one confirmation for every write that loses something (a deletion, a replacement), right under the
            # buttons that ask for it and scrolled into view (CONFIRM_IN_VIEW): never the browser's confirm()
            with gr.Row(visible=False, elem_id="confirm") as confirm_row:
                confirm_question = gr.Markdown(elem_id="confirm-question")
                confirm = gr.Button("确认", variant="stop", elem_id="confirm-yes", scale=0, min_width=100)
                cancel = gr.Button("取消", elem_id="confirm-no", scale=0, min_width=80)
            deleted = gr.Markdown(elem_id="delete-status")
            pending = gr.State({})  # held server-side: what the ask asked (its delete token), spent by 确认
            breakdown_status = gr.Markdown(elem_id="breakdown-status")
            breakdown_files = gr.File(label="任务分解表（xlsx 可打印，docx 可粘贴）", file_count="multiple",
                                      elem_id="breakdown-files", interactive=False, visible=False)  # fmt: skip
            compare_section(library, temp_dir(library.data_dir) / "exports", doomed)  # 与往年对比
            table = gr.Dataframe(
                chat.notice_rows(),
                headers=list(LIBRARY_COLUMNS),
                column_widths=["44%", "20%", "11%", "7%", "18%"],
                wrap=True,
                interactive=False,
                label="库中通知",
                elem_id="library",
            )
            # the upload box is emptied after each run, so the next upload processes only its own files
            view = [table, docs, lead, year, department, doomed, overview]
            held_outputs = [held_files, replace_row]
            notices_tab = chat.notices  # every write below checks the write token typed above
            private = {"api_visibility": "private"}  # the page calls these; no client library may
            files.upload(notices_tab.on_upload, [files, write_token], [status, files, *held_outputs, *view], **private)
            asked = [status, confirm_question, confirm_row, pending]
            replace.click(notices_tab.on_replace_ask, [held_files, write_token], asked, **private).then(
                None, None, None, js=CONFIRM_IN_VIEW, **private
            )
            breakdown.click(notices_tab.on_breakdown, [doomed], [breakdown_status, breakdown_files], **private)
            asked = [deleted, confirm_question, confirm_row, pending]
            delete.click(notices_tab.on_delete_ask, [doomed, write_token], asked, **private).then(
                None, None, None, js=CONFIRM_IN_VIEW, **private
            )
            confirm.click(
                notices_tab.on_confirm, [pending, write_token],
                [status, deleted, confirm_row, pending, *held_outputs, *view], **private,
            )  # fmt: skip
            cancel.click(notices_tab.on_cancel, [pending], [status, deleted, confirm_row, pending], **private)
            doomed.change(lambda: (gr.update(visible=False), {}), None, [confirm_row, pending], queue=False, **private)
        with gr.Tab("反馈"):
            feedback_tab(demo, library, temp_dir(library.data_dir) / "exports")
        # a reload or a second browser shows the library as the index has it, uploads included
        demo.load(chat.library_view, None, view, api_visibility="private")

        api = WebApi(library)
        gr.api(api.search, api_name="search", concurrency_limit=CONCURRENCY)
        gr.api(api.tasks, api_name="tasks", concurrency_limit=CONCURRENCY)
        gr.api(api.notice, api_name="notice", concurrency_limit=CONCURRENCY)
        # no upload here: a FileData argument names a path on the server (uploads: POST /api/notices)
    return demo


def make_server(
    library: Library,
    access: WriteAccess,
    *,
    auth: tuple[str, str] | None = None,
    host: str = "127.0.0.1",
    port: int = 7860,
) -> Any:
    """The whole app as one FastAPI app: the JSON API at ``/api``, the chat at ``/``, the route gate and file guard.

    Every route it serves is in :data:`web.entrance.routes.ROUTES` (``python -m web routes`` prints them);
    Gradio's routes this app does not use answer 404, and no event may name a file on the server.
    """
    import gradio as gr

    uploads = upload_folder(library.data_dir)
    server = server_app(library, access=access, open_reads=host in LOOPBACK, host=host)  # /api, /mcp
    server = gr.mount_gradio_app(
        server, build_ui(library, access), "/", auth=auth, max_file_size=MAX_UPLOAD_BYTES, css=CSS, js=PAGE_SCRIPT,
        footer_links=[], show_error=False, server_name=host, server_port=port,
    )  # fmt: skip
    # Gradio checks the paths an event names only in an app it launched: this mounted one checks them itself
    server.add_middleware(FileGuard, folder=uploads)
    server.add_middleware(RouteGate, upload_folder=uploads)  # outermost: closed routes never reach the guard
    return server


def main(argv: list[str] | None = None) -> int:
    """Start the web app (building the index from the bundled notices the first time)."""
    parser = argparse.ArgumentParser(prog="python app.py", description="政策条款问答 — web chat")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port to serve on (default 7860)")
    add_store_options(parser, "index directory (default: build/index, built from data/notices on first use)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default_data_dir(),
        help="uploads and the feedback log live here (default: $POLICY_QA_DATA or build/data)",
    )
    parser.add_argument("--feedback-log", type=Path, help="feedback JSON Lines file (default DATA_DIR/feedback.jsonl)")
    add_access_options(parser)
    args = parser.parse_args(argv)
    auth = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        if not user or not password:
            print("error: --auth takes user:password", file=sys.stderr)
            return 2
        auth = (user, password)
    if args.host not in LOOPBACK and auth is None:
        print(
            f"error: refusing to serve on {args.host} without authentication; "
            "add --auth user:password (or set POLICY_QA_AUTH)",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "faiss.loader", "httpx", "sentence_transformers", "mcp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

    own_temp = fresh_temp_dir(args.data_dir)  # Gradio's uploads and our exports: this app's only, gone at a clean stop
    os.environ.setdefault("GRADIO_TEMP_DIR", str(own_temp / "gradio"))
    atexit.register(shutil.rmtree, own_temp, ignore_errors=True)
    started = time.time()
    if args.milvus is None:  # what killed saves left beside the index goes (not while another writer saves)
        for name in tidy(Path(args.index or default_index_path())):
            print(f"removed {name}, left by an interrupted save", flush=True)
    try:
        searcher = open_store(args, build_if_missing=target_of(args) is None)
    except (IndexNotFoundError, IndexMismatchError, ExportError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, IndexMismatchError) and args.milvus is None:
            print(
                f"this app's uploads are in {args.data_dir / 'uploads'}; repair keeps them: "
                f"python -m index repair --index {where_of(args)} --data {args.data_dir}",
                file=sys.stderr,
            )
        return 2
    library = Library(searcher, args.data_dir, args.feedback_log)
    library.answer(EXAMPLES[0])  # warm: the encoder's first run and the lazy tables, before a user waits for them
    print(f"index ready: {len(searcher)} chunks in {where_of(args)} ({time.time() - started:.1f} s)", flush=True)
    try:
        access = WriteAccess.for_app(args.api_token, args.data_dir, args.read_token)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = make_server(library, access, auth=auth, host=args.host, port=args.port)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Running on http://{shown}:{args.port} (the chat; the JSON API at /api, described at /api/docs)", flush=True)
    if access.source == "--api-token":
        print("uploads and deletes need the write token given by --api-token", flush=True)
    else:
        print(f"uploads and deletes need the write token in {access.source} (--api-token sets your own)", flush=True)
    key = "given by --read-token" if access.read_source == "--read-token" else f"in {access.read_source}"
    print(f"Dify's API key, and reads off loopback (JSON API, MCP): the read key {key}", flush=True)
    serve(server, args.host, args.port, on_stop=lambda: shutil.rmtree(own_temp, ignore_errors=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
