"""Line normalisation and page-furniture (boilerplate) detection."""

from __future__ import annotations

import re

# Characters that carry no text: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"[\s\u3000\u00a0\u2000-\u200a\u202f\u205f]+")


def normalize_line(line: str) -> str:
    r"""Strip a line, drop invisible characters and fold runs of white space into one space.

    >>> normalize_line("\u3000\u3000强基固本\u3000 精简前行\u200b ")
    '强基固本 精简前行'
    """
    return _SPACES.sub(" ", line.translate(_INVISIBLE)).strip()


def squash(text: str) -> str:
    """Remove all white space and invisible characters (for containment checks)."""
    return _SPACES.sub("", text.translate(_INVISIBLE))


# Whole-line patterns of web-page furniture and editorial credits. Each must match the
# entire normalised line, so running text that merely mentions these words is kept. A pattern
# that runs on after its cue ("来源：…", "上一篇：…") takes a short tail with no sentence in it
# (_TAIL): a 200-character content line that opens with 来源： is text, not furniture.
_TAIL = r"[^。；;！？!?]{0,60}"
_BOILERPLATE = [
    r"首\s?页(\s+\S{2,8}){3,}",  # site navigation bar: 首 页 走进汉台 新闻中心 …
    r"扫一扫在手机(上)?打开(当前|本)页",
    r"相关(解读|稿件|文章|链接|阅读|新闻)",
    r"展开全文|收起全文|阅读全文",
    rf"评论|我要评论|发表评论|分享到[:：]?{_TAIL}|打印本页|关闭窗口|返回顶部|【?打印】?|【?关闭】?",
    rf"[上下]一篇[:：]{_TAIL}",
    rf"(总编|责编|编辑|审核|校对|责任编辑|主编|编审|初审|终审)\s*[|｜:：]{_TAIL}",
    rf"(来源|稿源|作者)\s*[:：|｜]{_TAIL}",
    rf"【?字[体号][:：]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小[】\]]?】?{_TAIL}",
    rf"【法宝引证码】{_TAIL}|原文链接[:：]\s*\S{{0,200}}|北大法宝{_TAIL}|{_TAIL}pkulaw\.(com|cn){_TAIL}",
    # page headers ("XX门户网站 www.… 发布时间:…"): short, and never a sentence
    r"(?!.*[。；;])(?=.{0,80}$).*(发布时间|发布日期|浏览次数|访问量|点击数)[:：].*",
    r"(?!.*[。；;])(?=.{0,80}$).*www\.[\w.-]+\.(gov\.cn|com|cn|net|org).*",
    r"[（(]此件(主动|依申请|不予)?公开[)）]",
    r"<!--.*-->",
    r"[-=_*·•]{3,}",
]
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE))


def is_boilerplate(line: str) -> bool:
    """True when a normalised line is page furniture rather than notice text.

    >>> is_boilerplate("扫一扫在手机打开当前页"), is_boilerplate("责编|王倩倩")
    (True, True)
    >>> is_boilerplate("规范12345政务服务热线运行管理。")
    False
    >>> is_boilerplate("来源：市政府办公室"), is_boilerplate("来源：群众反映的问题，由市数据局在3个工作日内办结。")
    (True, False)
    """
    return bool(line) and _BOILERPLATE_RE.fullmatch(line) is not None
