"""The audit core on synthetic element trees that contain known violations."""

from __future__ import annotations

import dataclasses
import itertools
import json

from kiosk.appearance import ELDERLY, SCHEMES, STANDARD
from kiosk.audit import AuditReport, Element, View, Violation, check_tokens, check_view

STD = SCHEMES["standard"]
HC = SCHEMES["high_contrast_dark"]
VIEW = View("home", "elderly", "standard", "zh_CN")


def _rules(violations: list[Violation]) -> list[tuple[str, str]]:
    return sorted((v.widget, v.rule) for v in violations)


def test_compliant_elderly_view_has_no_violations() -> None:
    elements = [
        Element("Title", "办事大厅", 48, 1.4, 1, (800, 70), "#1A1F2B", "#F4F6FA"),
        Element("Tile", "社保查询", 34, 1.4, 2, (300, 200), "#FFFFFF", "#0B5CAD", True),
        Element("Icon", touchable=True, size_dp=(96, 96)),
    ]
    checks, violations = check_view(VIEW, elements, ELDERLY, STD)
    assert violations == []
    # title: size + contrast; tile: size + spacing + contrast + target; icon: target;
    # and the view's largest text
    assert checks == 2 + 4 + 1 + 1


def test_every_kind_of_violation_is_found() -> None:
    elements = [
        Element("SmallNote", "小字说明", 16, 1.4, 1, (200, 30), "#1A1F2B", "#F4F6FA"),
        Element("Cramped", "多行文字", 30, 1.0, 3, (200, 120), "#1A1F2B", "#F4F6FA"),
        Element("Grey", "灰色文字", 32, 1.4, 1, (200, 50), "#999999", "#FFFFFF"),
        Element("TinyButton", "返回", 30, 1.4, 1, (120, 44), "#FFFFFF", "#0B5CAD", True),
    ]
    checks, violations = check_view(VIEW, elements, ELDERLY, STD)
    assert _rules(violations) == [
        ("Cramped", "line_spacing"),
        ("Grey", "contrast"),
        ("Grey", "largest_text"),  # the largest text (32 dp) is under 48 dp
        ("SmallNote", "text_size"),
        ("TinyButton", "target_size"),
    ]
    by_rule = {v.rule: v for v in violations}
    assert by_rule["text_size"].value == 16 and by_rule["text_size"].needed == 28
    assert by_rule["target_size"].value == 44 and by_rule["target_size"].needed == 96
    assert by_rule["contrast"].value < 4.5 and by_rule["contrast"].needed == 4.5
    assert checks > len(violations)


def test_same_tree_passes_standard_mode_sizes() -> None:
    elements = [Element("Button", "返回", 16, 1.3, 1, (120, 44), "#FFFFFF", "#0B5CAD", True)]
    _, violations = check_view(dataclasses.replace(VIEW, mode="standard"), elements,
                               STANDARD, STD)
    assert violations == []


def test_high_contrast_scheme_needs_seven_to_one() -> None:
    # 5.7:1 is fine for the standard scheme, not for the high-contrast ones
    el = Element("Label", "提示", 24, 1.4, 1, (200, 40), "#808080", "#000000")
    assert check_view(VIEW, [el], STANDARD, STD)[1] == []
    _, violations = check_view(VIEW, [el], STANDARD, HC)
    assert [v.rule for v in violations] == ["contrast"]
    assert violations[0].needed == 7.0


def test_text_without_known_background_is_size_checked_only() -> None:
    el = Element("Scrolled", "看不见的文字", 12, 1.0, 1, (100, 20), "#000000", None)
    checks, violations = check_view(VIEW, [el], STANDARD, STD)
    assert checks == 1 and [v.rule for v in violations] == ["text_size"]


def test_report_json_shape_and_round_trip() -> None:
    el = Element("Grey", "灰色文字", 22, 1.4, 1, (200, 40), "#999999", "#FFFFFF")
    assert Element.from_dict(json.loads(json.dumps(el.to_dict()))) == el
    report = AuditReport()
    report.add(VIEW, *check_view(VIEW, [el], STANDARD, STD))
    report.add(dataclasses.replace(VIEW, language="en"), 0, [])
    doc = json.loads(json.dumps(report.to_dict()))
    assert doc["screens"] == 1 and doc["views"] == 2
    assert doc["violations"] == 1 and doc["checks"] == 2
    detail = doc["details"][0]
    assert detail["screen"] == "home" and detail["rule"] == "contrast"
    assert detail["widget"] == "Grey" and detail["needed"] == 4.5


def test_tokens_of_shipped_schemes_pass_and_bad_tokens_fail() -> None:
    checks, violations = check_tokens(SCHEMES.values())
    assert violations == [] and checks >= 3 * 11
    bad = dataclasses.replace(HC, muted_text="#555555")
    _, violations = check_tokens([bad])
    assert {v.widget for v in violations} == {"muted_text on background", "muted_text on surface"}


def test_journey_controls_are_required() -> None:
    from kiosk.audit import check_controls

    repeat = Element("RepeatButton", "重听", 20, 1.3, 1, (80, 80), touchable=True)
    elderly = Element("Toggle#elderly", "长辈版", 20, 1.3, 1, (80, 80), touchable=True)
    label_only = Element("Label", "重听", 20)  # not touchable: does not count
    settings = View("settings", "standard", "standard", "en")   # 长辈版 is left in 设置
    assert check_controls(settings, [repeat, elderly]) == (3, [])
    assert check_controls(View("home", "standard", "standard", "en"), [repeat]) == (2, [])
    _, violations = check_controls(settings, [label_only])
    assert sorted(v.rule for v in violations) == ["elderly_switch", "repeat_control"]
    unknown = View("mystery", "standard", "standard", "zh_CN")
    _, violations = check_controls(unknown, [repeat])
    assert [v.rule for v in violations] == ["voice_prompt"]
    english = Element("Button#repeat_button", "Hear again", 20, touchable=True)
    assert check_controls(View("guide", "elderly", "standard", "en"), [english])[1] == []
    assert check_controls(View("maintenance", "standard", "standard", "zh_CN"), []) == (0, [])


def test_switch_walk_takes_every_one_step_switch_once() -> None:
    from kiosk.audit.plan import switch_edges, switch_walk, view_plan

    modes, schemes = ["standard", "elderly"], ["standard", "high_contrast_dark", "yellow_on_black"]
    walk = switch_walk(modes, schemes)
    taken = list(itertools.pairwise(walk))
    assert sorted(taken) == sorted(switch_edges(modes, schemes))
    assert len(taken) == 2 * 6 + 3 * 2
    assert all((a[0] == b[0]) != (a[1] == b[1]) for a, b in taken)   # one thing changes
    plan = view_plan(modes, schemes, ["zh_CN", "en"])
    assert len(plan) == len(walk) + 6 and plan[0][3] == "start"
    assert plan[1][3] == "standard/standard/zh_CN"
    assert len(view_plan(modes, schemes, ["zh_CN", "en"], sequences=False)) == 12


def test_elderly_body_scale_compares_rendered_glyphs() -> None:
    from kiosk.audit import check_elderly_scale

    def view(mode: str, px: list[int], scheme: str = "standard") -> tuple[View, list[Element]]:
        return (View("home", mode, scheme, "zh_CN"),
                [Element("a", "正文", line_px=tuple(px), role="body"),
                 Element("t", "标题", line_px=(90,))])         # not body text: ignored

    checks, found, measures = check_elderly_scale(
        [view("standard", [20, 20]), view("elderly", [26, 25]),
         view("standard", [20], "yellow_on_black"), view("elderly", [33], "yellow_on_black")])
    assert checks == 2
    assert [(v.view.scheme, v.rule, round(v.value, 3)) for v in found] == [
        ("standard", "elderly_body_scale", 1.275)]
    assert [m["ratio"] for m in measures] == [1.275, 1.65]
    assert check_elderly_scale([view("standard", [20])]) == (0, [], [])
