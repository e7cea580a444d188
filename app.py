"""The staff web chat: a question in, cited source clauses out.

Only wiring lives here: retrieval is ``index.Searcher``, rendering ``index.render``, uploads
and feedback ``index.library``, limits ``index.limits``.

    python app.py [--host 127.0.0.1] [--port 7860] [--index DIR | --milvus URI [--collection NAME]]
                  [--model PATH] [--backend torch|onnx|onnx-int8] [--data-dir DIR]
"""

import argparse
import html
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from index.limits import MAX_QUERY_CHARS, MAX_UPLOAD_BYTES, UPLOAD_TYPES
from index.options import add_store_options, open_store, target_of, where_of
from index.page import CONFIRM_DELETE, CONFIRM_REPLACE, CSS, OPEN_NOTICE, SCROLL_TO_ANSWER, SCROLL_TO_CLAUSE
from index.paths import ROOT
from index.searcher import DEFAULT_MODE

EXAMPLES = [
    "哪些部门负责12345热线",
    "市数据局牵头负责哪些工作",
    "企业开办时限压缩到多久",
    "双随机一公开",
    "Which department leads the 12345 government service hotline?",
]
#: How many CSV exports the app keeps on disk (the newest; Gradio serves its own copies).
KEEP_EXPORTS = 200
#: Questions answered at once (searches share the index; uploads still go one at a time).
CONCURRENCY = 4
#: The search modes as staff see them (label → mode), and what each does, in one line.
MODE_LABELS = {"混合（默认）": "convex", "混合·按排名": "hybrid", "语义": "dense", "关键词": "bm25"}
MODE_HELP = (
    "混合：语义与关键词两种检索按分数加权融合，再按牵头部门、地名等规则调整；混合·按排名：两种检索按排名融合（RRF），规则相同；"
    "语义：只看意思是否相近；关键词：只看字词是否出现"
)


def build_ui(library: Any) -> Any:
    """The Gradio Blocks app for a :class:`index.library.Library`."""
    import gradio as gr

    from index.notice_view import notice_html
    from index.render import answer_html, citations_csv, label_text, tasks_csv
    from index.tasks import COLUMNS as TASK_COLUMNS
    from index.tasks import write_xlsx
    from index.web_api import WebApi, filters_of

    export_dir = Path(tempfile.mkdtemp(prefix="policy-qa-exports-"))

    def choices() -> tuple[list[tuple[str, str]], list[str], list[str]]:
        rows = library.notices()
        notices = [(f"{title[:40]}（{doc_id[:12]}）", doc_id) for doc_id, title, *_ in rows]
        return notices, library.lead_departments(), library.years()

    def respond(
        question: str,
        history: list[dict[str, Any]],
        records: list[dict[str, Any]],
        k: int,
        mode_label: str,
        docs: list[str],
        lead: str | None,
        year: str | None,
        due_before: str | None = None,
    ) -> tuple[Any, ...]:
        question = (question or "").strip()
        if not question:
            return "", history, records, None, no_pick()
        shown = html.escape(question)  # the question is shown as typed, never as markup
        try:
            filters = filters_of(docs, lead, year, (due_before or "").strip())
            answer_mode = MODE_LABELS.get(mode_label, DEFAULT_MODE)
            answer = library.answer(question, k=int(k), mode=answer_mode, filters=filters)
        except ValueError as exc:  # an empty, over-long or badly filtered question: say why
            reply = f'<p class="error">无法检索：{html.escape(str(exc))}</p>'
            history = [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": reply}]
            return "", history, records, None, no_pick()
        # Records of messages no longer shown (the chat was cleared or cut back) can never be voted on.
        records = [r for r in records if r["message"] < len(history)]
        history = [
            *history,
            {"role": "user", "content": shown},
            {"role": "assistant", "content": answer_html(answer, led_tasks(answer.led_work_of))},
        ]
        records = [
            *records,
            {
                "message": len(history) - 1,
                "answer_id": uuid.uuid4().hex[:16],
                "question": question,
                "chunk_ids": [h.id for h in answer.hits],
                "mode": answer_mode,
                "filters": filters or {},
                "index_version": library.index_version(),
            },
        ]
        if answer.abstained or not answer.hits:
            return "", history, records, None, no_pick()  # nothing to export or pick for a refused answer
        csv_path = export_dir / f"引用-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}.csv"
        csv_path.write_text(citations_csv(answer, time.strftime("%Y-%m-%d %H:%M:%S")), encoding="utf-8")
        for old in sorted(export_dir.glob("引用-*.csv"))[:-KEEP_EXPORTS]:
            old.unlink(missing_ok=True)  # keep the newest exports only
        picks = [(f"[{h.rank}] {(h.title or h.notice_title)[:30]} {label_text(h)}", h.id) for h in answer.hits]
        return "", history, records, str(csv_path), gr.update(choices=picks, value=None)

    def no_pick() -> Any:
        return gr.update(choices=[], value=None)

    def on_pick(records: list[dict[str, Any]], chunk_id: str | None) -> str:
        """Record which shown clause answers the newest question (a pick, bound to that answer)."""
        if not records or not chunk_id:
            return "请先在最新回答的引用中选择正确的条款。"
        record = records[-1]
        if chunk_id not in record["chunk_ids"]:
            return "所选条款不在最新回答中，请重新选择。"
        library.record_feedback(
            record["question"], record["chunk_ids"], "pick", answer_id=record["answer_id"], mode=record["mode"],
            filters=record["filters"], index_version=record["index_version"], right=chunk_id,
        )  # fmt: skip
        return f"已记录正确条款：{html.escape(record['question'])}"

    def on_like(records: list[dict[str, Any]], data: gr.LikeData) -> str:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        record = next((r for r in reversed(records) if r["message"] == index), None)
        if record is None:
            return "只能对回答进行评价。"
        vote = "up" if data.liked else "down"
        library.record_feedback(
            record["question"], record["chunk_ids"], vote, answer_id=record["answer_id"], mode=record["mode"],
            filters=record["filters"], index_version=record["index_version"],
        )  # fmt: skip
        return f"已记录{'👍' if vote == 'up' else '👎'}：{html.escape(record['question'])}"

    # files with a notice's name but other content, waiting for staff to confirm the replacement:
    # token → (path, name); tokens are random, so one session cannot name another's files
    held: dict[str, tuple[str, str]] = {}

    def on_upload(files: list[Any] | None) -> tuple[Any, ...]:
        lines = []
        waiting = []
        for item in files or []:
            path = Path(getattr(item, "name", item))
            name = getattr(item, "orig_name", None) or path.name
            result, line = upload_line(path, name, replace=False)
            lines.append(line)
            if result is not None and result.pending:
                token = uuid.uuid4().hex
                held[token] = (str(path), name)
                titles = {row[0]: row[1] for row in library.notices()}
                olds = "、".join(f"《{titles.get(d, d)}》（{d}）" for d in result.replaces)
                waiting.append((f"{result.name} → 替换 {olds}", token))
        while len(held) > KEEP_EXPORTS:
            held.pop(next(iter(held)))  # forget the oldest held files
        return ("\n\n".join(lines) or "未选择文件。", None, *held_view(waiting), *library_view())

    def on_replace(tokens: list[str] | None) -> tuple[Any, ...]:
        """Replace the chosen held files' notices (the browser asked for confirmation; [] when cancelled)."""
        if not tokens:
            return ("未替换（未选择文件或已取消）。", *held_view(None), *library_view())
        lines = []
        for token in tokens:
            if token not in held:
                lines.append("❌ 该文件已过期，请重新上传。")
                continue
            path, name = held.pop(token)
            lines.append(upload_line(Path(path), name, replace=True)[1])
        return ("\n\n".join(lines), *held_view([]), *library_view())

    def upload_line(path: Path, name: str, replace: bool) -> tuple[Any, str]:
        """Upload one file; the result and a line for the status box (names shown as text, never as markup)."""
        from index.uploads import UploadError

        try:
            result = library.upload(path, name, replace=replace)
        except UploadError as exc:
            return None, f"❌ {html.escape(str(exc))}"
        if result.pending:
            return result, f"⚠️ {html.escape(result.name)}：{html.escape(result.status)}（见下方「替换」）"
        return result, f"✅ {html.escape(result.name)}：{html.escape(result.status)}（{result.chunks} 条）"

    def held_view(waiting: list[tuple[str, str]] | None) -> tuple[Any, ...]:
        """The held files as choices (all chosen), shown only while some wait; None keeps the choice as it is."""
        if waiting is None:
            return gr.update(), gr.update()
        return gr.update(choices=waiting, value=[t for _, t in waiting]), gr.update(visible=bool(waiting))

    def led_tasks(departments: list[str]) -> dict[str, list[Any]]:
        """What each department leads, for "X牵头负责哪些工作" questions (none for unknown ones)."""
        out = {}
        for name in departments:
            try:
                out[name] = library.tasks(name, "牵头")
            except ValueError:
                continue
        return out

    def show_tasks(department: str | None, role: str) -> tuple[Any, ...]:
        """The task list of a department for the tab, and its .xlsx and CSV exports."""
        if not department:
            return "", [], None, None
        try:
            tasks = library.tasks(department, "" if role == "全部" else role)
        except ValueError as exc:
            return html.escape(str(exc)), [], None, None
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}"
        xlsx = write_xlsx(tasks, department, export_dir / f"任务-{stamp}.xlsx")
        csv_path = export_dir / f"任务-{stamp}.csv"
        csv_path.write_text(tasks_csv(tasks), encoding="utf-8")
        for old in sorted(export_dir.glob("任务-*"))[: -2 * KEEP_EXPORTS]:
            old.unlink(missing_ok=True)
        led = sum(t.role == "牵头" for t in tasks)
        summary = f"{html.escape(department)}：共 {len(tasks)} 项（牵头 {led} 项，配合 {len(tasks) - led} 项）"
        return summary, [t.row() for t in tasks], str(xlsx), str(csv_path)

    def clause_page(chunk_id: str) -> str:
        """The notice that holds a clause, with the clause marked; a line saying so when it is gone."""
        try:
            info, chunks = library.searcher.document(library.doc_of(chunk_id))
        except KeyError:
            return "<p>这份通知已不在库中（可能已被删除或替换），请重新提问。</p>"
        return notice_html(info, chunks, chunk_id)

    def open_notice(payload: str) -> tuple[Any, ...]:
        """The panel beside the chat, for the clause a citation's link names (the page sends {"chunk": id})."""
        try:
            wanted = json.loads(payload or "{}")
            chunk_id = str(wanted.get("chunk") or "")
        except (ValueError, AttributeError):
            chunk_id = ""
        return gr.update(visible=True), clause_page(chunk_id)

    def open_task(evt: gr.SelectData) -> str:
        """The notice of the task row staff clicked, with that item marked."""
        row = evt.row_value or []
        return clause_page(str(row[-1]) if row else "")

    def library_view() -> tuple[Any, ...]:
        """The notice table and the dropdowns as the index has them now (on each page load and upload)."""
        notices, leads, years = choices()
        return (
            library.notices(),
            gr.update(choices=notices),
            gr.update(choices=[("（全部）", ""), *[(d, d) for d in leads]]),
            gr.update(choices=[("（全部）", ""), *[(y, y) for y in years]]),
            gr.update(choices=library.departments()),
            gr.update(choices=notices, value=None),
        )

    def on_delete(doc_id: str | None) -> tuple[Any, ...]:
        """Delete the chosen notice (the browser asked for confirmation; None when it was cancelled)."""
        from index.uploads import UploadError

        if not doc_id:
            return ("未删除（未选择通知或已取消）。", *library_view())
        try:
            title = library.delete(doc_id)
        except UploadError as exc:
            return (f"❌ {html.escape(str(exc))}", *library_view())
        return (f"✅ 已删除：{html.escape(title)}", *library_view())

    notices, leads, years = choices()
    with gr.Blocks(title="政策条款问答") as demo:
        gr.Markdown("## 政策条款问答\n输入问题，查看出处条款、所属通知与牵头部门。")
        # a citation's 在通知中查看 writes {chunk} here (OPEN_NOTICE); hidden, but in the page
        notice_target = gr.Textbox(visible="hidden", elem_id="notice-target")
        with gr.Tab("问答"), gr.Row():
            with gr.Column(scale=3):  # the chat on the left, the notice a citation opens on the right
                records = gr.State([])
                chatbot = gr.Chatbot(
                    label="对话", height=560, feedback_options=("Like", "Dislike"), elem_id="chat", sanitize_html=True,
                    autoscroll=False,
                )  # fmt: skip
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="例如：哪些部门负责12345热线",
                        show_label=False,
                        scale=8,
                        elem_id="question",
                        max_length=MAX_QUERY_CHARS,
                    )
                    send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
                examples = gr.Examples(
                    EXAMPLES, inputs=question, label="示例问题（点击即提问）", api_visibility="private"
                )
                with gr.Accordion("检索设置与筛选", open=False):
                    with gr.Row():
                        k = gr.Slider(1, 10, value=5, step=1, label="结果条数")
                        mode = gr.Radio(list(MODE_LABELS), value="混合（默认）", label="检索方式", info=MODE_HELP)
                    with gr.Row():
                        docs = gr.Dropdown(notices, value=[], multiselect=True, label="通知")
                        lead = gr.Dropdown([("（全部）", ""), *[(d, d) for d in leads]], value="", label="牵头部门")
                        year = gr.Dropdown([("（全部）", ""), *[(y, y) for y in years]], value="", label="年份")
                        due = gr.Textbox(label="完成时限不晚于", placeholder="YYYY-MM-DD，如 2024-06-30", max_length=10)
                feedback = gr.Markdown(elem_id="feedback-status")
                with gr.Row():
                    right = gr.Dropdown(
                        [], value=None, label="正确的条款是（可选，针对最新回答）", elem_id="right", scale=4
                    )
                    pick = gr.Button("记录正确条款", elem_id="pick", scale=1)
                export = gr.File(label="导出本次回答的引用（CSV）", interactive=False, elem_id="export")
                inputs = [question, chatbot, records, k, mode, docs, lead, year, due]
                outputs = [question, chatbot, records, export, right]
                # a new answer is shown from its top (its lead line and [1]), not scrolled to its end
                for asked in (
                    question.submit(respond, inputs, outputs, api_visibility="private", concurrency_limit=CONCURRENCY),
                    send.click(respond, inputs, outputs, api_visibility="private", concurrency_limit=CONCURRENCY),
                    # an example chip asks its question, as if it had been typed and sent
                    examples.load_input_event.then(
                        respond, inputs, outputs, api_visibility="private", concurrency_limit=CONCURRENCY
                    ),
                ):
                    asked.then(None, None, None, js=SCROLL_TO_ANSWER, api_visibility="private")
                chatbot.like(on_like, [records], [feedback], api_visibility="private")
                pick.click(on_pick, [records, right], [feedback], api_visibility="private")
                chatbot.clear(lambda: ([], ""), None, [records, feedback], api_visibility="private")
            with gr.Column(scale=2, visible=False, elem_id="notice-panel") as notice_panel:
                with gr.Row():
                    gr.Markdown("#### 条款所在通知")
                    close_notice = gr.Button("关闭", size="sm", elem_id="close-notice", scale=0, min_width=60)
                notice_view = gr.HTML(elem_id="notice-view", elem_classes="notice-box")
            notice_target.change(
                open_notice, [notice_target], [notice_panel, notice_view], api_visibility="private"
            ).then(None, None, None, js=SCROLL_TO_CLAUSE, api_visibility="private")
            close_notice.click(lambda: gr.update(visible=False), None, [notice_panel], api_visibility="private")
        with gr.Tab("部门任务"):
            gr.Markdown("选择部门，查看它在各通知中牵头或配合的全部条目，可导出 Excel 或 CSV。")
            with gr.Row():
                department = gr.Dropdown(library.departments(), value=None, label="部门", elem_id="department", scale=3)
                role = gr.Radio(["全部", "牵头", "配合"], value="全部", label="角色", scale=2)
            task_status = gr.Markdown(elem_id="task-status")
            task_table = gr.Dataframe(headers=list(TASK_COLUMNS), interactive=False, label="条目", elem_id="tasks")
            with gr.Row():
                task_xlsx = gr.File(label="导出 Excel（.xlsx）", interactive=False, elem_id="tasks-xlsx")
                task_csv = gr.File(label="导出 CSV", interactive=False, elem_id="tasks-csv")
            task_outputs = [task_status, task_table, task_xlsx, task_csv]
            gr.Markdown("点击表中一行，在下方阅读该条目所在的通知。")
            task_notice = gr.HTML(elem_id="task-notice", elem_classes="notice-box")
            task_table.select(open_task, None, [task_notice], api_visibility="private").then(
                None, None, None, js=SCROLL_TO_CLAUSE, api_visibility="private"
            )
            department.change(show_tasks, [department, role], task_outputs, api_visibility="private")
            role.change(show_tasks, [department, role], task_outputs, api_visibility="private")
        with gr.Tab("通知库"):
            limit = f"单个文件不超过 {MAX_UPLOAD_BYTES // 1048576} MB"
            gr.Markdown(f"上传通知（{' '.join(UPLOAD_TYPES)}，{limit}），上传后即可检索。")
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
            with gr.Row():
                doomed = gr.Dropdown(notices, value=None, label="选择要删除的通知", elem_id="doomed", scale=4)
                delete = gr.Button("删除所选通知", variant="stop", elem_id="delete", scale=1)
            deleted = gr.Markdown(elem_id="delete-status")
            table = gr.Dataframe(
                library.notices(),
                headers=["doc_id", "标题", "发文机关", "日期", "条款数"],
                interactive=False,
                label="库中通知",
                elem_id="library",
            )
            # the upload box is emptied after each run, so the next upload processes only its own files
            view = [table, docs, lead, year, department, doomed]
            held_outputs = [held_files, replace_row]
            files.upload(on_upload, [files], [status, files, *held_outputs, *view], api_visibility="private")
            replace.click(
                on_replace, [held_files], [status, *held_outputs, *view], js=CONFIRM_REPLACE, api_visibility="private"
            )
            delete.click(on_delete, [doomed], [deleted, *view], js=CONFIRM_DELETE, api_visibility="private")
        # a reload or a second browser shows the library as the index has it, uploads included
        demo.load(library_view, None, view, api_visibility="private")

        api = WebApi(library)
        gr.api(api.search, api_name="search", concurrency_limit=CONCURRENCY)
        gr.api(api.tasks, api_name="tasks", concurrency_limit=CONCURRENCY)
        gr.api(api.notice, api_name="notice", concurrency_limit=CONCURRENCY)
        gr.api(api.upload, api_name="upload")
    return demo


def main(argv: list[str] | None = None) -> int:
    """Start the web app (building the index from the bundled notices the first time)."""
    parser = argparse.ArgumentParser(prog="python app.py", description="政策条款问答 — web chat")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860)
    add_store_options(parser, "index directory (default: build/index, built from data/notices on first use)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("POLICY_QA_DATA", ROOT / "build" / "data")),
        help="uploads and the feedback log live here (default build/data)",
    )
    parser.add_argument("--feedback-log", type=Path, help="feedback JSON Lines file (default DATA_DIR/feedback.jsonl)")
    parser.add_argument(
        "--auth",
        default=os.environ.get("POLICY_QA_AUTH"),
        help="user:password required to use the app (or $POLICY_QA_AUTH); needed off loopback",
    )
    args = parser.parse_args(argv)
    auth = None
    if args.auth:
        user, _, password = args.auth.partition(":")
        if not user or not password:
            print("error: --auth takes user:password", file=sys.stderr)
            return 2
        auth = (user, password)
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(
            f"error: refusing to serve on {args.host} without authentication; "
            "add --auth user:password (or set POLICY_QA_AUTH)",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "faiss.loader", "httpx", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

    from index import IndexMismatchError, IndexNotFoundError
    from index.library import Library
    from index.onnx_export import ExportError

    started = time.time()
    try:
        searcher = open_store(args, build_if_missing=target_of(args) is None)
    except (IndexNotFoundError, IndexMismatchError, ExportError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    library = Library(searcher, args.data_dir, args.feedback_log)
    print(f"index ready: {len(searcher)} chunks in {where_of(args)} ({time.time() - started:.1f} s)", flush=True)
    demo = build_ui(library)
    demo.launch(
        auth=auth,
        server_name=args.host,
        server_port=args.port,
        css=CSS,
        js=OPEN_NOTICE,
        footer_links=["api"],
        max_file_size=MAX_UPLOAD_BYTES,
        show_error=False,
        quiet=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
