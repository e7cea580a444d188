"""Notice metadata: titles, issuing body, date, document number, addressees, attachments."""

from __future__ import annotations

import datetime as _dt
import re

_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_NUM = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_DATE_COMPACT = re.compile(r"((?:19|20)\d{2})(\d{2,4})")
_DATE_LINE = re.compile(
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2}|"
    r"[二〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日|\d{6,8})"
)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
_ORG_SUFFIX = re.compile(
    r"(办公室|办公厅|人民政府|政府|委员会|管委会|管理委员会|领导小组|局|厅|部|院|中心|委|办|署|会)$"
)
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")
_ANY_PUNCT = re.compile(r"[。；;！!？?，,、：:“”\"《》()（）|｜·\[\]〔〕【】]")
_DOC_KIND = re.compile(
    r"(工作要点|要点|工作方案|实施方案|方案|意见|办法|规定|细则|规则|计划|规划|纲要|条例|决定|措施|"
    r"指引|指南|通知|公告|通告|报告|综述|规范|标准|制度|分工表|任务表|清单|台账|一览表)(（[^）]*）|\([^)]*\))?$"
)
_BOOK_TITLE = re.compile(r"《([^《》]{4,80})》")
_ATTACHMENT = re.compile(r"附件\s*\d*\s*[:：].{0,120}|附件\s*\d*\s*[:：]?\s*\S.{0,60}(清单|表|目录|方案|名单)")


def parse_date(text: str) -> str | None:
    """ISO 8601 date from "2024年5月28日", "2023-03-20" or digits run together; ``None`` when ambiguous.

    Digits run together ("2023224", a page's separators lost) are read when only one split
    into month and day is a date: 2023224 can only be 2023-02-24, while 2023111 could be
    January 11 or November 1 and is not guessed.

    >>> parse_date("2024年5月28日"), parse_date("2023224"), parse_date("20230315"), parse_date("2023111")
    ('2024-05-28', '2023-02-24', '2023-03-15', None)
    """
    m = _DATE_CN.search(text) or _DATE_NUM.search(text)
    if not m:
        compact = _DATE_COMPACT.fullmatch(text.replace(" ", ""))
        return _only_date(compact.group(1), compact.group(2)) if compact else None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _only_date(year: str, rest: str) -> str | None:
    """The one valid (month, day) split of ``rest`` (2–4 digits) in ``year``, else None."""
    found = set()
    for cut in (1, 2):
        month, day = rest[:cut], rest[cut:]
        if 1 <= len(day) <= 2:
            try:
                found.add(_dt.date(int(year), int(month), int(day)).isoformat())
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None


def is_date_line(line: str) -> bool:
    """True for a line that is only a date ("2024年5月28日", "2023-03-20", or bare "2023224")."""
    return _DATE_LINE.fullmatch(line.replace(" ", "")) is not None


def is_title_like(line: str, limit: int = 40) -> bool:
    """A short line that names rather than says: no sentence-ending punctuation."""
    return len(line) <= limit and not _SENTENCE_PUNCT.search(line)


def is_bare_heading(line: str, limit: int = 24) -> bool:
    """An unnumbered subheading such as "强基固本 精简前行": short, no punctuation at all."""
    return 2 <= len(line) <= limit and not _ANY_PUNCT.search(line) and not is_date_line(line)


def is_issuer_line(line: str) -> bool:
    """A short line naming an office: "汉中市人民政府办公室", "…领导小组"."""
    return (
        len(line) <= 40
        and not _ANY_PUNCT.search(line.replace("“", "").replace("”", ""))
        and _ORG_SUFFIX.search(line) is not None
    )


def is_notice_title(line: str) -> bool:
    """The 通知 line, "…关于印发…的通知", or the title of another kind of 公文 (GB/T 9704): "关于…的批复".

    >>> is_notice_title("关于同意张阿三同志辞职的批复"), is_notice_title("安全生产的意见")
    (True, False)
    """
    if len(line) > 200 or _SENTENCE_PUNCT.search(line):
        return False
    return re.search(r"通知[)）]?$", line) is not None or _OTHER_KIND.search(line) is not None


#: The other kinds of 公文 a title names after "关于…的".
_OTHER_KIND = re.compile(r"关于.{2,}的(批复|复函|函|通报|决定|意见|公告|通告|请示|报告|决议|纪要)[)）]?$")


def is_doc_title(line: str) -> bool:
    """A line shaped like the title of a 工作要点 / 方案 / 办法 …."""
    return 6 <= len(line) <= 80 and not re.search(r"[。；;！!？?：:，,]", line) and _DOC_KIND.search(line) is not None


#: What a 主送 addressee ends with: a body of government, or people.
_ORG_END = re.compile(
    r"(人民政府|政府|办事处|部门|单位|管委会|委员会|机构|机关|局|委|办|厅|院|室|处|科|中心|公司|企业|集团|学校|高校|医院|"
    r"党委|党组|组织|团体|协会|商会|大队|支队|部|街道|乡镇|镇|乡|社区|村|园区|新区|开发区|兵团|同志|人员|成员|小组|分局|"
    r"直辖市|自治区|自治州|省|市|县|区|旗)$"
)
#: Words of a sentence, never of a list of addressees ("…有下列情形之一的除外：").
_SENTENCE_WORDS = re.compile(
    r"下列|如下|以下|包括|应当|可以|情形|之一|按照|根据|为了|为进一步|需要|提交|履行|负有|不得|是否|分为|的"
)
#: An article or a numbered item opens the line: never an addressee.
_NUMBERED = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+条|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])"
)


def is_addressee_line(line: str) -> bool:
    """The 主送 block: "各县(区)人民政府,…,市人民政府各工作部门、直属事业单位:".

    Every part between commas must name a body (it ends in 政府, 部门, 单位, 局, 管委会 …) and no
    part may read as a sentence; a single part must address a whole group (各…). A line such as
    "承包方不得单方解除土地经营权流转合同，但受让方有下列情形之一的除外：" opens an article, and is
    kept as text.

    >>> is_addressee_line("各县(区)人民政府,汉中经济技术开发区、兴汉新区管委会,市人民政府各工作部门、直属事业单位:")
    True
    >>> is_addressee_line("第十条 建成三十年以上，并有下列情形之一的建筑，可以确定为优秀历史建筑：")
    False
    >>> is_addressee_line("推荐单位：")
    False
    """
    if len(line) > 300 or not line.endswith((":", "：")) or _SENTENCE_PUNCT.search(line):
        return False
    body = re.sub(r"[(（][^()（）]*[)）]", "", line[:-1]).strip()
    if not body or _SENTENCE_WORDS.search(body) or _NUMBERED.match(line):
        return False
    parts = [p.strip() for p in re.split(r"[,，、；;]", body) if p.strip()]
    if len(parts) == 1 and "各" not in parts[0]:
        return False
    return all(_ORG_END.search(p) or p.startswith("各") for p in parts)


def is_single_addressee(line: str) -> bool:
    """One body addressed right under a title, as a 批复 or 函 is: "区中医院：", "市自然资源和规划局：".

    Only where it follows the title line: elsewhere "推荐单位：" is a form's label.

    >>> is_single_addressee("区中医院："), is_single_addressee("具体要求如下：")
    (True, False)
    """
    if len(line) > 40 or not line.endswith((":", "：")) or _ANY_PUNCT.search(line[:-1]):
        return False
    return _ORG_END.search(line[:-1]) is not None and not _SENTENCE_WORDS.search(line[:-1])


def is_attachment_line(line: str) -> bool:
    """Lines such as "附件:…" that list a notice's attachments."""
    return _ATTACHMENT.fullmatch(line) is not None


def book_titles(text: str) -> list[str]:
    """Names in 《…》, e.g. the documents a notice says it issues."""
    return _BOOK_TITLE.findall(text)


def find_doc_number(lines: list[str]) -> str | None:
    """The notice's own document number (文号), from a line of the header that is only that."""
    for line in lines:
        m = _DOC_NUMBER.fullmatch(line.replace(" ", ""))
        if m:
            return m.group(0)
    return None


def issuer_from_title(title: str) -> str | None:
    """The office before 关于 in "汉中市人民政府办公室关于印发…的通知"."""
    head = title.split("关于", 1)[0] if "关于" in title else ""
    return head if head and _ORG_SUFFIX.search(head) else None
