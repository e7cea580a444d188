"""The web page's own script and style: confirmations, scrolling, and the link from a citation to its notice.

``app.py`` hands these to Gradio (``js=`` on events and on ``launch``, ``css=``); they hold no
data, and nothing a notice or a user supplies is ever put into them.
"""

#: Asks before held files replace their notices; a cancelled replacement reaches the server as no choice.
#: (A list returned by an event's script is read as one value per input, hence the outer list.)
CONFIRM_REPLACE = (
    "(chosen) => [(chosen && chosen.length"
    " && confirm('用新文件替换库中的同名通知吗？旧版本将从库中删除。')) ? chosen : []]"
)
#: Scrolls the chat so that the newest answer's top is at the top of the chat window.
SCROLL_TO_ANSWER = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chat .bubble-wrap');
  const rows = document.querySelectorAll('#chat .bot-row');
  const last = rows[rows.length - 1];
  if (wrap && last) { wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top; }
}, 50); }"""
#: A click on a citation's 在通知中查看 asks the server for that clause's notice, through a hidden box.
OPEN_NOTICE = """() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a.open-notice') : null;
    if (!link) { return; }
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#notice-target textarea, #notice-target input');
    if (!box) { return; }
    const chunk = decodeURIComponent((link.getAttribute('href') || '').replace(/^#clause=/, ''));
    box.value = JSON.stringify({chunk: chunk, at: Date.now()});
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
}"""
#: Scrolls each notice view (its own box, not the page) so that the marked clause is in view.
SCROLL_TO_CLAUSE = """() => { setTimeout(() => {
  document.querySelectorAll('.notice-box .notice').forEach((box) => {
    const here = box.querySelector('.here');
    if (!here) { return; }
    box.scrollTop += here.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  });
}, 50); }"""
#: After an overview cell is clicked, brings the task list it opened into view (the page scrolls, on a phone too).
SCROLL_TO_TASKS = """() => { setTimeout(() => {
  const status = document.querySelector('#task-status');
  if (status) { status.scrollIntoView({block: 'start', behavior: 'instant'}); }
}, 80); }"""
CSS = """
.cite {margin: .6em 0; padding: .4em .6em; border-left: 3px solid #4a7bd0; background: rgba(74,123,208,.06)}
.cite blockquote {margin: .3em 0 0; padding: 0}
mark {background: #ffe58f; padding: 0 1px}
.leads {margin-bottom: .4em}
.tasks {margin-bottom: .6em; padding: .4em .6em; background: rgba(74,160,108,.08)}
.tasks ol {margin: .3em 0 0 1.4em}
a.open-notice {font-size: .85em; margin-left: .4em}
.notice-box .notice {max-height: 640px; overflow-y: auto; padding-right: .4em}
.notice-meta {position: sticky; top: 0; z-index: 1; padding: .4em .6em; background: #eef3fb; margin-bottom: .4em}
.notice h4 {margin: .8em 0 .3em}
.notice h4.d1, .outline li.d1 {margin-left: 1em}
.notice h4.d2, .notice h4.d3, .outline li.d2, .outline li.d3 {margin-left: 2em}
.outline ul {margin: .2em 0 .4em 1.2em; padding: 0}
.clause {margin: .3em 0; padding: .2em .4em}
.clause.here {background: #fff3bf; border-left: 3px solid #f08c00}
"""
