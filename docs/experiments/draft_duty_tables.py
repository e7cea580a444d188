"""Draft eval/duties/tables.json: task tables laid out from real items of the wild corpus.

Each row's task is the item's opening (its title and first sentence), its departments are the
item's duty note (as in the checked gold sample), its deadline a limit the item's own text sets
("2023年底前") where it sets one, else "长期坚持". The layouts vary what real annexes vary:
column order, a 责任单位-only table, merged category rows, a lead column merged down, a header
repeated as on a new page. Checked by hand after drafting.

    PYTHONPATH=. python docs/experiments/draft_duty_tables.py ../shared/corpus/wild > eval/duties/tables.json
"""

from __future__ import annotations

import json
import re
import sys

import ingest
from ingest.deadlines import due_date, title_year

LAYOUTS = [
    # name, format, source notice, header, column order of (number, task, lead, support, deadline)
    ("sd046_tasks", "docx", "sd_046", ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"], [2]),
    ("sd051_tasks", "xlsx", "sd_051", ["序号", "牵头单位", "具体措施", "完成时间", "配合单位"], []),
    ("sd019_tasks", "html", "sd_019", ["序号", "工作任务", "牵头单位", "参加单位", "时间节点"], [2]),
    ("sd007_tasks", "xlsx", "sd_007", ["序号", "任务类别", "工作内容", "责任单位", "完成时限"], [1]),
]


def main(folder: str) -> None:
    """Print the tables spec as JSON."""
    notices = {n.doc_id[:6]: n for n in ingest.load_notices(folder)}
    tables = []
    for name, fmt, source, header, merge in LAYOUTS:
        notice = notices[source]
        rows: list[dict] = []
        category = None
        items = [c for c in notice.chunks if c.lead or c.support][:12]
        for number, chunk in enumerate(items, 1):
            if chunk.section and chunk.section[0] != category and "类别" not in "".join(header):
                category = chunk.section[0]
                rows.append({"category": category})
            text = re.sub(r"[（(][^（）()]*(单位|牵头|负责|配合)[^（）()]*[）)]", "", chunk.text)
            text = re.sub(r"^\S{1,4}?[、.．）)]", "", text.split("\n")[0])
            task = "。".join(text.split("。")[:2])[:120].rstrip("。") + "。"
            limit = re.search(r"20\d{2}年(?:年)?底前|(?<=到)20\d{2}年(?=[，,])", chunk.text)
            deadline = limit.group(0) if limit else ("长期坚持", "持续推进")[number % 2]
            lead, support = chunk.lead, chunk.support
            responsible_only = "责任单位" in header and "牵头单位" not in header
            cell = {
                "序号": str(number),
                "牵头单位": "、".join(lead),
                "配合单位": "、".join(support),
                "参加单位": "、".join(support),
                "责任单位": "、".join(support if not responsible_only else lead),
                "完成时限": deadline,
                "完成时间": deadline,
                "时间节点": deadline,
                "任务类别": chunk.section[0] if chunk.section else "",
            }
            cells = [cell.get(h, task) for h in header]
            year = title_year(notice.notice_title)
            rows.append(
                {
                    "cells": cells,
                    "task": task,
                    "lead": lead,
                    "support": support if not responsible_only else [],
                    "deadline": deadline,
                    "due": due_date(deadline, year),
                }
            )
        tables.append(
            {
                "name": name,
                "format": fmt,
                "title": f"{notice.notice_title}重点任务分工表"[:60]
                if not notice.notice_title.startswith(source)
                else f"重点任务分工表（{source}）",
                "header": header,
                "rows": rows,
                "repeat_header_at": [6],
                "merge_down": merge,
            }
        )
    print(json.dumps(tables, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
