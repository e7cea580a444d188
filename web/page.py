"""The web page's own script and style: confirmations, scrolling, and the link from a citation to its notice.

``app.py`` hands these to Gradio (``js=`` on events and on ``launch``, ``css=``); they hold no
data, and nothing a notice or a user supplies is ever put into them.
"""

#: Asks before held files replace their notices; a cancelled replacement reaches the server as no choice.
#: (A list returned by an event's script is read as one value per input, hence the outer list.)
CONFIRM_REPLACE = (
    "(chosen, token) => [(chosen && chosen.length"
    " && confirm('用新文件替换库中的同名通知吗？旧版本将从库中删除。')) ? chosen : [], token]"
)
#: Scrolls the chat so that the newest answer's top is at the top of the chat window, just below the
#: chat's own buttons (copy, clear), which float over the window's top edge.
SCROLL_TO_ANSWER = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chat .bubble-wrap');
  const rows = document.querySelectorAll('#chat .bot-row');
  const last = rows[rows.length - 1];
  if (!wrap || !last) { return; }
  const top = wrap.getBoundingClientRect().top;
  let below = top;
  document.querySelectorAll('#chat .icon-button-wrapper').forEach((b) => {
    const r = b.getBoundingClientRect();
    if (r.height && r.top < top + 80) { below = Math.max(below, r.bottom); }
  });
  wrap.scrollTop += last.getBoundingClientRect().top - below - 4;
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
  // a link from elsewhere (Dify's records: /#clause=ID) opens that clause once the page is ready
  const asked = location.hash.startsWith('#clause=') ? decodeURIComponent(location.hash.slice(8)) : '';
  let tries = 0;
  const open = () => {
    const box = document.querySelector('#notice-target textarea, #notice-target input');
    if (!box) { if (++tries < 100) { setTimeout(open, 100); } return; }
    box.value = JSON.stringify({chunk: asked, at: Date.now()});
    box.dispatchEvent(new Event('input', {bubbles: true}));
  };
  if (asked) { setTimeout(open, 300); }
}"""
#: Scrolls each notice view (its own box) so that the marked clause is in view, and the page too when the
#: box is out of sight: on a phone the panel opens below the chat, on any screen below the task table.
SCROLL_TO_CLAUSE = """() => { setTimeout(() => {
  document.querySelectorAll('.notice-box .notice').forEach((box) => {
    const here = box.querySelector('.here');
    if (!here || !box.offsetParent) { return; }
    const r = box.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 120) {
      box.closest('.notice-box').scrollIntoView({block: 'start', behavior: 'instant'});
    }
    box.scrollTop += here.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  });
}, 50); }"""
#: After an overview cell is clicked, brings the task list it opened into view (the page scrolls, on a phone too).
SCROLL_TO_TASKS = """() => { setTimeout(() => {
  const status = document.querySelector('#task-status');
  if (status) { status.scrollIntoView({block: 'start', behavior: 'instant'}); window.scrollBy(0, -8); }
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
/* the chat's copy/clear buttons float over its top edge: the first answer line starts below them */
#chat .bubble-wrap {padding-top: 2.6em}
/* the upload box speaks Chinese whatever the browser's language (Gradio follows navigator.language) */
#upload [data-testid="upload-text"] {font-size: 0; visibility: hidden}
#upload [data-testid="upload-text"] .icon-wrap {font-size: 1rem; visibility: visible}
#upload [data-testid="upload-text"] .or {display: none}
#upload [data-testid="upload-text"]::after {content: "拖放文件到此处，或点击选择文件（可多选）"; visibility: visible;
  display: block; font-size: var(--text-lg); color: var(--body-text-color-subdued)}
/* an export's name is read in full, wrapped on a phone, never cut to ".x" */
.file-preview .filename {white-space: normal}
.file-preview .filename .stem {white-space: normal; overflow-wrap: anywhere; text-overflow: clip}
"""
