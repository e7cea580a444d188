"""Properties on generated notices: parsing never raises, nothing is lost, ids stay unique."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import parse_text
from ingest.clean import is_boilerplate
from tests.audit import unaccounted

HAN = st.text(
    alphabet="政务服务审批监管数据平台推进改革建设完善机制企业群众办事热线事项清单优化", min_size=2, max_size=12
)
SENTENCE = st.builds(
    lambda words, end: "，".join(words) + end,
    st.lists(HAN, min_size=1, max_size=4),
    st.sampled_from(["。", "；", "！", ""]),
)
DEPT = st.sampled_from(["市数据局", "市行政审批服务局", "各县(区)政府", "市人力资源和社会保障局", "市直相关单位"])
NOTE = st.builds(
    lambda lead, sup, brackets: f"{brackets[0]}{'、'.join(lead)}牵头，{'、'.join(sup)}按职责分工负责{brackets[1]}",
    st.lists(DEPT, min_size=1, max_size=3, unique=True),
    st.lists(DEPT, min_size=1, max_size=3, unique=True),
    st.sampled_from(["〔〕", "[]", "()", "（）"]),
)
CN = "一二三四五六七八九十"
FURNITURE = st.sampled_from(["扫一扫在手机打开当前页", "相关解读", "展开全文", "责编|王五", "来源:日报", "评论"])


@st.composite
def notices(draw: st.DrawFn) -> tuple[str, dict[str, list[str]]]:
    """A notice with random headings, items, duty notes, prose and page furniture."""
    lines: list[str] = []
    expected_items: list[str] = []
    if draw(st.booleans()):
        lines += [
            "某市人民政府办公室关于印发某工作方案的通知",
            "各区政府,市直各部门:",
            "现将方案印发给你们,请认真贯彻执行。",
            "某市人民政府办公室",
            "2024年5月28日",
            "某市某工作方案",
        ]
    lines += draw(st.lists(SENTENCE, max_size=2))
    number = 0
    style = draw(st.sampled_from(["{n}.", "{n}、", "({c})", "（{c}）"]))
    for h in range(draw(st.integers(0, 3))):
        lines.append(f"{CN[h]}、{draw(HAN)}")
        for _ in range(draw(st.integers(1, 3))):
            number += 1
            marker = style.format(n=number, c=CN[(number - 1) % 10])
            body = draw(SENTENCE) + (draw(NOTE) if draw(st.booleans()) else "")
            lines.append(f"{marker}{draw(HAN)}。{body}")
            expected_items.append(marker.rstrip(".、"))
            if draw(st.booleans()):
                lines.append(draw(FURNITURE))
    lines += draw(st.lists(SENTENCE, max_size=2))
    sep = draw(st.sampled_from(["\n", "\n\n", "\r\n", "\n\u3000\u3000"]))
    return sep.join(lines), {"items": expected_items}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notices())
def test_generated_notices_keep_everything(case: tuple[str, dict[str, list[str]]]) -> None:
    text, expected = case
    notice = parse_text(text, "gen")
    assert [c.label for c in notice.chunks if c.kind == "item"] == expected["items"]
    assert unaccounted(text, notice) == []
    ids = [c.id for c in notice.chunks]
    assert len(ids) == len(set(ids))
    assert not any(is_boilerplate(c.text) for c in notice.chunks)
    for chunk in notice.chunks:
        if chunk.kind == "item":
            assert chunk.text.startswith(chunk.label)
            assert chunk.section
            assert chunk.section[0][1] == "、"


TOKENS = st.sampled_from(
    [
        "一、",
        "（一）",
        "(二)",
        "1.",
        "2、",
        "3．",
        "（1）",
        "①",
        "第一章",
        "第二节",
        "第三条",
        "十、",
        "(十九)",
        "〔",
        "〕",
        "[",
        "]",
        "(",
        ")",
        "（",
        "）",
        "【",
        "】",
        "牵头",
        "负责",
        "按职责分工负责",
        "均为责任单位",
        "以下不再列出",
        "、",
        "，",
        "；",
        "。",
        "：",
        "\n",
        "\n\n",
        " ",
        "\u3000",
        "\u200b",
        "#",
        "## ",
        "<!-- INFO END -->",
        "市数据局",
        "各县(区)政府",
        "和",
        "等部门",
        "通知",
        "工作方案",
        "2024年5月28日",
        "2023224",
        "附件:",
        "扫一扫在手机打开当前页",
        "展开全文",
        "政务服务",
        "热线",
        "12345",
        "1.7万",
        "《",
        "》",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=60).map("".join))
def test_fuzzed_text_never_raises_and_loses_nothing(text: str) -> None:
    notice = parse_text(text, "fuzz")
    assert unaccounted(text, notice) == []
    ids = [c.id for c in notice.chunks]
    assert len(ids) == len(set(ids))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    notice = parse_text(text, "any")
    assert len({c.id for c in notice.chunks}) == len(notice.chunks)
    assert unaccounted(text, notice) == []
