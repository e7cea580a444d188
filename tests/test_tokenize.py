"""The jieba tokenizer: corpus terms kept whole, stopwords dropped, words that come and go."""

from __future__ import annotations

from index.tokenize import JiebaTokenizer


def test_tokenizer_keeps_corpus_terms_whole_and_drops_stopwords() -> None:
    tok = JiebaTokenizer(["市行政审批服务局", "陕企通"])
    tokens = tok("市行政审批服务局负责“陕企通”平台的哪些工作？")
    assert "市行政审批服务局" in tokens and "陕企通" in tokens
    assert not {"的", "哪些", "？", "“"} & set(tokens)
    assert tok("ＡＢＣ　Hotline") == ["abc", "hotline"]


def test_tokenizer_words_can_come_and_go_as_if_built_fresh() -> None:
    text = "推动陕企通平台与秦政通对接，市行政审批服务局牵头"
    base = JiebaTokenizer(["市行政审批服务局"])
    grown = base.with_words(added=["陕企通", "秦政通"])
    assert grown(text) == JiebaTokenizer(["市行政审批服务局", "陕企通", "秦政通"])(text)
    assert "秦政通" in grown(text) and "秦政通" not in base(text)  # the original is unchanged
    shrunk = grown.with_words(removed=["陕企通", "市行政审批服务局"])
    assert shrunk(text) == JiebaTokenizer(["秦政通"])(text)
    assert shrunk.userwords == ["秦政通"]


def test_a_term_broken_over_lines_is_not_a_dictionary_word() -> None:
    """The lexicon holds one word per line: a term with a newline in it came back as two other
    words (“标” and “准体系建设指南(2021版)”, from a wild notice) with guessed frequencies."""
    tokenizer = JiebaTokenizer(["标\n准体系建设指南(2021版)", "智能\t制造", "秦政通"])
    assert list(tokenizer.frequencies()) == ["秦政通"]
