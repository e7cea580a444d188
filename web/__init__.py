"""Everything only the web app uses: the notice library, uploads, feedback, rendering, task lists, the page.

The Gradio-bound modules, :mod:`web.chat` (the page's callbacks) and :mod:`web.api` (its JSON
endpoints), are imported by ``app.py`` itself, so the rest loads without Gradio.
"""

from web.feedback import FeedbackLog
from web.library import Library
from web.notice_view import notice_dict, notice_html
from web.render import answer_html, citations_csv, tasks_csv
from web.tasks import COLUMNS as TASK_COLUMNS
from web.tasks import VIEW_COLUMNS as TASK_VIEW_COLUMNS
from web.tasks import Task, department_tasks, departments, write_xlsx
from web.uploads import UploadError, UploadResult

__all__ = [
    "TASK_COLUMNS",
    "TASK_VIEW_COLUMNS",
    "FeedbackLog",
    "Library",
    "Task",
    "UploadError",
    "UploadResult",
    "answer_html",
    "citations_csv",
    "department_tasks",
    "departments",
    "notice_dict",
    "notice_html",
    "tasks_csv",
    "write_xlsx",
]
