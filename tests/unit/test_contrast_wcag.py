"""WCAG relative luminance and contrast ratio, and the colour tokens of every scheme."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.appearance import SCHEMES, TEXT_PAIRS, scheme
from kiosk.contrast import blend, contrast_ratio, parse_colour, relative_luminance, to_hex


def test_known_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFF", "#FFF") == pytest.approx(1.0)
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert relative_luminance("#808080") == pytest.approx(0.2158605, abs=1e-6)
    # classic reference pairs (WebAIM checker figures)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#0B5CAD", "#FFFFFF") == pytest.approx(6.67, abs=0.01)


def test_kivy_rgba_and_translucency() -> None:
    assert parse_colour((1, 0, 0)) == (1.0, 0.0, 0.0, 1.0)
    assert to_hex((1, 0.5, 0, 1)) == "#FF8000"
    half_black = (0, 0, 0, 0.5)
    assert blend(half_black, "#FFFFFF")[:3] == pytest.approx((0.5, 0.5, 0.5))
    assert contrast_ratio(half_black, "#FFFFFF") < contrast_ratio("#000000", "#FFFFFF")


@pytest.mark.parametrize("bad", ["#12", "#GGGGGG", "red", (2, 0, 0), (0, 0)])
def test_malformed_colours_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_colour(bad)  # type: ignore[arg-type]


channel = st.integers(min_value=0, max_value=255)


@given(channel, channel, channel, channel, channel, channel)
def test_ratio_is_symmetric_and_bounded(r1: int, g1: int, b1: int, r2: int, g2: int,
                                        b2: int) -> None:
    a, b = f"#{r1:02X}{g1:02X}{b1:02X}", f"#{r2:02X}{g2:02X}{b2:02X}"
    ratio = contrast_ratio(a, b)
    assert 1.0 <= ratio <= 21.0 + 1e-9
    assert ratio == pytest.approx(contrast_ratio(b, a))


def test_at_least_three_schemes_with_high_contrast_ones() -> None:
    assert {"standard", "high_contrast_dark", "yellow_on_black"} <= set(SCHEMES)
    assert scheme("high_contrast_dark").min_contrast == 7.0
    assert scheme("yellow_on_black").min_contrast == 7.0
    assert scheme("standard").min_contrast == 4.5
    with pytest.raises(ValueError, match="known"):
        scheme("pink")


@pytest.mark.parametrize("name", sorted(SCHEMES))
@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_every_token_pair_meets_its_scheme(name: str, fg: str, bg: str) -> None:
    s = SCHEMES[name]
    assert contrast_ratio(getattr(s, fg), getattr(s, bg)) >= s.min_contrast
