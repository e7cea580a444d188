"""The web page's own script and style: confirmations, scrolling, and the link from a citation to its notice.

``app.py`` hands these to Gradio (``js=`` on events and on ``launch``, ``css=``); they hold no
data, and nothing a notice or a user supplies is ever put into them.
"""

#: Brings the confirmation row (确认 / 取消) into view once an ask has shown it, on a phone too.
CONFIRM_IN_VIEW = """() => { setTimeout(() => {
  const row = document.querySelector('#confirm');
  if (row && row.offsetParent) { row.scrollIntoView({block: 'center', behavior: 'instant'}); }
}, 120); }"""
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
#: Gradio's own English labels (aria-label, title) in Chinese, whatever the browser's language: screen readers
#: and tooltips read "复制回答", not "Copy message". A message's label (Gradio gives the answer's HTML source)
#: becomes its text. New elements are labelled as they appear.
CHINESE_LABELS = """() => {
  const words = {
    'Clear': '清空', 'Copy conversation': '复制对话', 'Copy message': '复制回答', 'Copied message': '已复制',
    'Copy table data': '复制表格', 'Copied!': '已复制', 'Copy': '复制', 'Copied': '已复制', 'Like': '有帮助',
    'Dislike': '没有帮助', 'Empty value': '空', 'File upload': '上传文件', 'Fullscreen': '全屏',
    'Exit fullscreen': '退出全屏', 'Exit fullscreen mode': '退出全屏', 'More tabs': '更多标签页',
    'Open cell menu': '单元格菜单', 'Scroll down': '滚动到最新', 'Table actions': '表格操作',
    'chatbot conversation': '问答记录', 'Click to upload or drop files': '点击上传或拖放文件',
    'Download': '下载', 'Remove': '移除', 'Search': '搜索', 'Sort ascending': '升序', 'Sort descending': '降序',
    'Close': '关闭', 'Share': '分享', 'Retry': '重试', 'Undo': '撤销', 'Edit': '编辑', 'Submit': '提交',
    'Loading...': '加载中…', 'Select all': '全选', 'Filter': '筛选', 'Clear sort': '取消排序',
  };
  const text = (html) => new DOMParser().parseFromString(html, 'text/html').body.textContent.trim().slice(0, 300);
  const chinese = (value) => {
    if (Object.prototype.hasOwnProperty.call(words, value)) { return words[value]; }
    if (value.startsWith("bot's message: ")) { return '回答：' + text(value.slice(15)); }
    if (value.startsWith("user's message: ")) { return '问题：' + text(value.slice(16)); }
    return null;
  };
  const fix = (element) => {
    for (const name of ['aria-label', 'title']) {
      const value = element.getAttribute && element.getAttribute(name);
      const wanted = value ? chinese(value) : null;
      if (wanted !== null && wanted !== value) { element.setAttribute(name, wanted); }
    }
  };
  const sweep = (root) => {
    if (root.nodeType !== 1) { return; }
    fix(root);
    root.querySelectorAll('[aria-label], [title]').forEach(fix);
  };
  new MutationObserver((changes) => changes.forEach((change) => {
    if (change.type === 'attributes') { fix(change.target); } else { change.addedNodes.forEach(sweep); }
  })).observe(document.body, {subtree: true, childList: true, attributes: true,
                              attributeFilter: ['aria-label', 'title']});
  sweep(document.body);
}"""
#: The page's own script, run once on load: citation links and Chinese labels.
PAGE_SCRIPT = "() => { (" + OPEN_NOTICE + ")(); (" + CHINESE_LABELS + ")(); }"
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
/* the chat's ↓ (scroll to the newest) floats over the clause being read: the newest answer is scrolled to anyway */
#chat .scroll-down-button-container {display: none}
/* an empty chat is a line, not a 560-px blank: the question box and the examples come first */
#chat:not(:has(.bot-row, .user-row)) {height: 150px !important; min-height: 0 !important}
/* tap targets: 👍/👎 and copy are 40 px (they were 18) */
#chat .message-buttons-left button, #chat .message-buttons button, #chat .message-buttons-right button {
  min-width: 40px; min-height: 40px}
/* 与往年对比: one card per changed item, deleted words red and struck, added ones green and underlined */
.cmp {max-height: 720px; overflow-y: auto}
.cmp-row {margin: .5em 0; padding: .4em .6em; border: 1px solid #e2e8f0; border-radius: 6px}
.cmp-head {font-size: .9em; color: #334155; margin-bottom: .25em}
.cmp-status {color: #fff; border-radius: 4px; padding: 0 .4em; margin-right: .3em}
.cmp-tag {background: #fef3c7; color: #92400e; border-radius: 4px; padding: 0 .3em; margin-left: .3em; font-size: .85em}
.cmp-text {line-height: 1.7}
.cmp-text del {color: #b91c1c; text-decoration: line-through; background: #fee2e2}
.cmp-text ins {color: #047857; text-decoration: underline; background: #dcfce7}
.cmp-units {font-size: .9em; color: #92400e; margin-top: .2em}
.cmp-note {color: #64748b; font-size: .9em}
@media (max-width: 640px) {
  #chat {height: 62vh !important}
  #compare-actions > div:has(#compare-with) {flex: 1 1 100% !important; min-width: 100% !important}
  /* the question takes the whole width; 提问 and 新对话 share the line under it */
  #ask-row > div:has(#question) {flex: 1 1 100% !important; min-width: 100% !important}
  #ask-row > button {flex: 1 1 40% !important; min-width: 0 !important}
  /* the notice picker takes the whole width; its buttons share the line under it */
  #notice-actions > div:has(#doomed) {flex: 1 1 100% !important; min-width: 100% !important}
  #notice-actions > button {flex: 1 1 40% !important; min-width: 0 !important}
  /* the task table's key columns (what, role, by when) fit a phone; the rest scroll in the table's box */
  #tasks th:nth-child(1), #tasks td:nth-child(1) {width: 124px !important; min-width: 124px !important;
    max-width: 124px !important}
  #tasks th:nth-child(2), #tasks td:nth-child(2) {width: 40px !important; min-width: 40px !important;
    max-width: 40px !important}
  #tasks th:nth-child(3), #tasks td:nth-child(3) {width: 104px !important; min-width: 104px !important;
    max-width: 104px !important}
  /* the library's table scrolls in its box instead of running dates and counts down letter by letter */
  #library table {min-width: 720px}
  #library td, #library th {word-break: keep-all}
}
"""
