"""The Chinese line breaker: punctuation rules, hint words, no-break spaces, widths."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.text import bind_enumerators, break_lines, em_width, wrap
from kiosk.text.linebreak import NO_END, NO_START

COMMITMENT = ("本人承诺：1. 所填信息真实、准确、完整；2. 如有虚假，愿意承担相应的法律责任。"
              "3. 同意在「一网通办」平台（含自助终端）核验身份。")


def test_no_line_starts_with_closing_punctuation() -> None:
    # Greedy filling would put "，" first on line 2; the character before it moves down.
    assert break_lines("一二三四，五六", 4) == ["一二三", "四，五六"]
    assert break_lines("甲乙丙丁。」戊", 4) == ["甲乙丙", "丁。」戊"]
    assert break_lines("甲乙丙 ，丁", 3.5) == ["甲乙", "丙 ，丁"]


def test_no_line_ends_with_opening_punctuation() -> None:
    assert break_lines("一二三（四五）", 4) == ["一二三", "（四五）"]
    assert break_lines("一二三「四", 4) == ["一二三", "「四"]
    assert break_lines("一二三「 四", 4) == ["一二三", "「 四"]


def test_hint_words_stay_whole() -> None:
    text = "愿意承担相应法律责任"
    assert break_lines(text, 9) == ["愿意承担相应法律责", "任"]       # no hint: split
    assert break_lines(text, 9, words=["责任"]) == ["愿意承担相应法律", "责任"]
    assert break_lines("承担法律责\u2060任", 5) == ["承担法律", "责任"]


def test_enumerator_keeps_its_number() -> None:
    bound = bind_enumerators("本人承诺：1. 所填信息；2. 如有虚假")
    assert bound == "本人承诺：1.\u00a0所填信息；2.\u00a0如有虚假"
    assert bind_enumerators("(3) 签名 一、 核对 ① 领取") == \
        "(3)\u00a0签名 一、\u00a0核对 ①\u00a0领取"
    # Width 13: "2." would still fit on line 1, but only together with its first word
    # character, so it moves down with it.
    assert break_lines(bound, 13) == ["本人承诺：1.\u00a0所填信息；", "2.\u00a0如有虚假"]
    plain = "本人承诺：1. 所填信息；2. 如有虚假"
    assert break_lines(plain, 13)[0].endswith("2.")                 # the old defect


def test_latin_and_digit_runs_and_spaces() -> None:
    assert break_lines("电话0871-12345678请拨打", 8) == ["电话", "0871-12345678请", "拨打"]
    assert break_lines("ab cd ef", 2) == ["ab", "cd", "ef"]      # spaces vanish at breaks
    assert break_lines("第一行\n第二行", 10) == ["第一行", "第二行"]
    assert break_lines("", 5) == [""]


def test_a_cluster_wider_than_the_line_is_cut() -> None:
    assert break_lines("12345678901234", 3) == ["123456", "789012", "34"]
    with pytest.raises(ValueError):
        break_lines("一", 0)


def test_custom_measure_and_wrap() -> None:
    assert wrap("一二三四五六", 30, measure=lambda s: 10 * len(s)) == "一二三\n四五六"
    assert em_width("ab一") == 2.0


@pytest.mark.parametrize("width", range(8, 30))
def test_the_commitment_text(width: int) -> None:
    lines = break_lines(bind_enumerators(COMMITMENT), width, words=["责任", "一网通办"])
    assert "".join(lines).replace("\u00a0", " ") == COMMITMENT
    for line in lines:
        assert em_width(line) <= width
        assert line[0] not in NO_START and line[-1] not in NO_END
        assert not line.endswith(("责", "1.\u00a0", "2.\u00a0", "3.\u00a0"))
        assert not line.endswith(("一", "一网", "一网通"))


WORDS = ["社保", "公积金", "责任"]
token = st.tuples(st.sampled_from(["", "（", "「", "“"]),
                  st.text(alphabet=list("办事医户税证查车社保公积金责任"), min_size=1, max_size=4),
                  st.sampled_from(["", "，", "。", "、", "）", "」", "？", "。」"]),
                  st.sampled_from(["", "", " "])).map("".join)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.lists(token, min_size=1, max_size=15).map("".join), st.integers(6, 20))
def test_rules_hold_for_any_sentence(text: str, width: int) -> None:
    lines = break_lines(text, width, words=WORDS)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        assert em_width(line) <= width
        if i:
            assert line and line[0] not in NO_START
        if i < len(lines) - 1:
            assert line[-1] not in NO_END
            nxt = lines[i + 1]
            assert not any(line.endswith(w[:k]) and nxt.startswith(w[k:])
                           for w in WORDS for k in range(1, len(w)))
