"""The 与往年对比 part of the 通知库 tab: the notice chosen above, against an earlier one, on the page and as .xlsx.

When a notice is chosen, the earlier issues of its series (:mod:`web.changes.series`) come first
in the "对比的往年通知" list and the latest is chosen; any other notice of the library may be
picked instead. Every event is private: the JSON API has ``GET /api/compare``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from web.changes.library import comparer_for
from web.changes.sheet import write_comparison_xlsx
from web.changes.view import comparison_html
from web.exports import export_folder

#: How many comparison exports are kept (the newest).
KEEP = 50


class CompareTab:
    """The callbacks, over a library, writing exports under ``export_dir``."""

    def __init__(self, library: Any, export_dir: Path) -> None:
        self.library = library
        self.export_dir = Path(export_dir)

    def choices(self, doc_id: str | None) -> tuple[Any, str]:
        """The 对比 list for the chosen notice (its series' earlier issues first, the latest chosen) and a hint."""
        if not doc_id:
            return gr.update(choices=[], value=None), ""
        comparer = comparer_for(self.library)
        earlier = comparer.earlier(doc_id)
        first = {n.doc_id for n in earlier}
        others = [n for n in self.library.searcher.notices() if n.doc_id != doc_id and n.doc_id not in first]
        label = lambda n: f"{n.title}（{n.date or '日期不详'}）"  # noqa: E731
        options = [(label(n), n.doc_id) for n in [*earlier, *others]]
        if earlier:
            hint = f"库中有同一系列的往年通知：《{html.escape(earlier[0].title)}》（{html.escape(earlier[0].date)}）。"
        else:
            hint = "库中没有同一发文机关、同名的往年通知：可在右侧任选一份通知对比。"
        return gr.update(choices=options, value=earlier[0].doc_id if earlier else None), hint

    def run(self, later: str | None, earlier: str | None, show_kept: bool) -> tuple[str, str, Any]:
        """(summary line, the cards, the .xlsx) of the comparison of ``earlier`` with ``later``."""
        none = gr.update(value=None, visible=False)
        if not later:
            return "请先在上方选择通知。", "", none
        if not earlier:
            return "请选择要对比的往年通知。", "", none
        try:
            result = comparer_for(self.library).compare(earlier, later)
        except KeyError as exc:
            return f"❌ 库中没有这份通知：{html.escape(str(exc.args[0]))}", "", none
        except ValueError as exc:
            return f"❌ {html.escape(str(exc))}", "", none
        folder = export_folder(self.export_dir, "compare", KEEP)
        name = f"{result.after.title[:60]}-与往年对比.xlsx".replace("/", "_")
        path = write_comparison_xlsx(result, folder / name)
        line = f"《{html.escape(result.after.title)}》对比《{html.escape(result.before.title)}》：{result.summary()}"
        return line, comparison_html(result, show_kept), gr.update(value=str(path), visible=True)


def compare_section(library: Any, export_dir: Path, chosen: Any) -> None:
    """The section's components under the 通知库 tab's notice list ``chosen``, with their (private) events."""
    tab = CompareTab(library, export_dir)
    with gr.Accordion("与往年对比", open=False, elem_id="compare-box"):
        hint = gr.Markdown(elem_id="compare-hint")
        with gr.Row(elem_id="compare-actions"):
            earlier = gr.Dropdown([], value=None, label="对比的往年通知", elem_id="compare-with", scale=4)
            show_kept = gr.Checkbox(False, label="显示未改动的条目", elem_id="compare-kept", scale=1)
            go = gr.Button("与往年对比", variant="primary", elem_id="compare", scale=1)
        status = gr.Markdown(elem_id="compare-status")
        cards = gr.HTML(elem_id="compare-rows")
        sheet = gr.File(label="对比表（xlsx，可打印）", elem_id="compare-file", interactive=False, visible=False)
    private = {"api_visibility": "private"}
    chosen.change(tab.choices, [chosen], [earlier, hint], **private)
    go.click(tab.run, [chosen, earlier, show_kept], [status, cards, sheet], **private)
    show_kept.input(tab.run, [chosen, earlier, show_kept], [status, cards, sheet], **private)
