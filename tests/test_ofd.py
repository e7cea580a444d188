"""OFD documents: the real files of ../shared/corpus/formats, and OFDs written from real lines of the wild corpus."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import ingest
from ingest.formats.ofd import read_ofd
from ingest.readers import ReadError, read_file
from tests.conftest import ROOT
from tests.ofdmaker import make_ofd

FORMATS = ROOT.parent / "shared" / "corpus" / "formats" / "ofd"
needs_formats = pytest.mark.skipif(not FORMATS.exists(), reason="../shared/corpus/formats is not here")

#: Real lines of ../shared/corpus/wild/sd_046_2023-12-26.txt (item 1 cut short), as a 工作方案 has them.
LINES = [
    "为加快新一代信息技术产业发展，制定本方案。",
    "一、重点任务",
    "（一）实施集成电路“强芯”工程。加快“芯机联动”，支持整机龙头企业联合省内外集成电路设计企业，开发适配一批配套芯片。"
    "力争到2025年，全省集成电路产业规模过千亿。（牵头单位：省工业和信息化厅；责任单位：省发展改革委、省科技厅）",
    "（二）实施高端软件“铸魂”工程。支持济南市、青岛市做强中国软件名城品牌，培育壮大一批本地企业，招引落地一批头部企业，"
    "形成引领全省软件产业发展的主导力量。力争到2025年，全省软件业务收入达到14000亿元。（牵头单位：省工业和信息化厅；"
    "责任单位：省发展改革委、省科技厅）",
    "二、保障措施",
    "加强组织领导，各市要结合实际抓好落实。",
]


@needs_formats
def test_a_real_official_document_reads_as_paragraphs_in_reading_order() -> None:
    notice = ingest.load_notices(FORMATS / "luqiao_weishengju_pifu_2011.ofd")[0]
    text = read_file(FORMATS / "luqiao_weishengju_pifu_2011.ofd")[0].text.splitlines()
    assert text[:4] == ["测试符路桥区卫生局文件", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复", "区中医院："]
    assert "你院《关于给张阿三同志辞职的请示》（路中医发〔2011〕10号）收悉。" in text  # two lines made one paragraph
    assert notice.doc_number == "路卫发〔2011〕76号"


@needs_formats
def test_every_real_ofd_is_read_the_invoice_as_text() -> None:
    texts = {p.name: read_file(p)[0].text for p in sorted(FORMATS.glob("*.ofd"))}
    assert len(texts) == 3
    assert "价税合计（大写） 叁佰壹拾捌圆整" in texts["fapiao_shili.ofd"]  # template labels and page values
    assert "国防部发〔2012〕21号" in texts["synthetic_guofangbu_fangjia_tongzhi.ofd"].splitlines()


def test_an_ofd_of_a_work_plan_gives_the_items_of_its_text(tmp_path: Path) -> None:
    path = make_ofd(LINES, tmp_path / "方案.ofd", header="山东省人民政府办公厅文件", issuer="山东省工业和信息化厅")
    lines = read_ofd(path).splitlines()
    assert lines == ["山东省人民政府办公厅文件", *LINES, "山东省工业和信息化厅"]  # template, body, composite
    assert "印章" not in "\n".join(lines)  # the seal under Signs/ is not body text
    from_ofd = [(c.label, c.lead, c.support) for c in ingest.load_notices(path)[0].chunks if c.kind == "item"]
    from_text = [(c.label, c.lead, c.support) for c in ingest.parse_text("\n".join(LINES)).chunks if c.kind == "item"]
    assert from_ofd == from_text and from_ofd[0][1] == ["省工业和信息化厅"]


def test_a_paragraph_runs_on_across_a_page_break(tmp_path: Path) -> None:
    long = ["（一）" + "推进政务服务标准化规范化便利化。" * 40 + "（市数据局牵头）"]
    lines = read_ofd(make_ofd(long, tmp_path / "长.ofd")).splitlines()
    assert lines == long


def test_a_file_that_is_no_ofd_or_is_damaged_is_refused_naming_it(tmp_path: Path) -> None:
    renamed = tmp_path / "公文.ofd"
    renamed.write_text("<html>not an OFD</html>", encoding="utf-8")
    with pytest.raises(ReadError, match=r"公文\.ofd: not an OFD file"):
        read_file(renamed)
    empty = tmp_path / "空.ofd"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no OFD.xml")
    with pytest.raises(ReadError, match=r"空\.ofd: not a readable OFD \(part OFD.xml is missing\)"):
        read_file(empty)
    images = make_ofd([], tmp_path / "扫描.ofd")
    with pytest.raises(ReadError, match="has no text objects"):
        read_file(images)
