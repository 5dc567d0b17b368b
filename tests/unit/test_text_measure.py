"""The line breaker with the real CJK font (Kivy's text provider, no window needed)."""

from __future__ import annotations

import pytest

from kiosk.text.linebreak import NO_END, NO_START
from screens.text_measure import fit_text, font_measure
from screens.theme import register_cjk_font

COMMITMENT = ("本人承诺：1. 所填信息真实、准确、完整；2. 如有虚假，愿意承担相应的法律责任。"
              "3. 同意在「一网通办」平台核验身份。")


@pytest.fixture(scope="module", autouse=True)
def cjk_font() -> None:
    register_cjk_font()


def test_glyph_widths_come_from_the_font() -> None:
    measure = font_measure(34)
    assert measure("社") == pytest.approx(34, abs=2)            # a CJK glyph is one em
    assert measure("社保") == 2 * measure("社")
    assert measure("2.") < measure("社")
    assert measure("\u2060") == 0


@pytest.mark.parametrize("width", [300, 420, 560, 700])
def test_fit_text_keeps_the_rules_at_real_widths(width: int) -> None:
    measure = font_measure(34)
    lines = fit_text(COMMITMENT, width, 34, words=["责任", "一网通办"]).split("\n")
    assert "".join(lines).replace("\u00a0", " ") == COMMITMENT
    for line in lines:
        assert measure(line) <= width
        assert line[0] not in NO_START and line[-1] not in NO_END
        assert not line.endswith(("责", "1.\u00a0", "2.\u00a0", "3.\u00a0"))
