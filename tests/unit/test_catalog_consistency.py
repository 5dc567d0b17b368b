"""The catalog's content holds together: materials never ask for the item's own output, a
fee item is never marked free, legal bases fit the item, 容缺 only for supporting papers."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.platform import catalog_data, catalog_facts
from simulator.platform.catalog import build_items

SOCIAL_INSURANCE = ("社保", "社会保险", "养老保险", "医保", "医疗保险", "失业保险", "工伤")
TAX_LAWS = ("个人所得税法", "税收征收管理法", "契税法", "车辆购置税法")


def problems(item: dict[str, Any]) -> list[str]:
    """Every contradiction in one item's guide (empty: it holds together)."""
    found = []
    name, mats = item["name"], [m["name"] for m in item["materials"]]
    own = catalog_facts.produces(name)
    if not catalog_facts.may_require_own_output(name):
        found += [f"asks for its own output {m}" for m in mats
                  if any(doc.endswith(m) for doc in own)]
    fee_named = name in catalog_data.FEES or name in catalog_facts.FEES
    if fee_named and item["fees"] == "不收费":
        found.append("a fee item marked free")
    if item.get("payment") == "fee" and not item["fee_fen"]:
        found.append("paid at the terminal without an amount")
    if item["fee_fen"] and str(item["fee_fen"] // 100) not in item["fees"]:
        found.append("amount differs from the fee text")
    if any(k in name for k in SOCIAL_INSURANCE) and "社会保险法" not in item["legal_basis"]:
        found.append("social-insurance item without the social-insurance law")
    if any(law in item["legal_basis"] for law in TAX_LAWS) and not any(
            k in name for k in ("税", "发票", "扣除")):
        found.append("tax law on an item that is not about tax")
    for m in item["materials"]:
        if m.get("deferrable") and (m["name"] == "居民身份证" or m["name"].startswith("《")):
            found.append(f"容缺 for {m['name']}")
    if item["flow"] in ("application", "appointment"):
        basis = item["legal_basis"].split("》")[0] + "》"
        if not any(basis in c for c in item["conditions"]):
            found.append("conditions cite another law than the legal basis")
    return found


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return build_items()


def test_size_is_kept(items: list[dict[str, Any]]) -> None:
    assert len(items) >= 200 and len({i["department"] for i in items}) >= 12


def test_every_item_holds_together(items: list[dict[str, Any]]) -> None:
    bad = {i["name"]: problems(i) for i in items if problems(i)}
    assert bad == {}


def test_the_checker_catches_the_reported_contradictions(items: list[dict[str, Any]]) -> None:
    by_name = {i["name"]: i for i in items}
    marriage = dict(by_name["结婚登记预约"])
    marriage["materials"] = [*marriage["materials"], catalog_facts.MARRIAGE]
    assert "asks for its own output 结婚证" in problems(marriage)
    first_id = dict(by_name["居民身份证申领"])
    first_id["materials"] = [{"name": "居民身份证"}]
    assert "asks for its own output 居民身份证" in problems(first_id)
    pension = dict(by_name["城乡居民养老保险费缴纳"],
                   legal_basis="《中华人民共和国税收征收管理法》")
    assert {"social-insurance item without the social-insurance law",
            "tax law on an item that is not about tax"} <= set(problems(pension))
    passport = dict(by_name["普通护照申领"], fees="不收费")
    assert "a fee item marked free" in problems(passport)


def test_renewals_hand_in_the_old_document_replacements_do_not(
        items: list[dict[str, Any]]) -> None:
    by_name = {i["name"]: [m["name"] for m in i["materials"]] for i in items}
    assert "居民身份证" in by_name["居民身份证换领"]
    assert "居民身份证" not in by_name["居民身份证挂失补领"]
    assert "机动车驾驶证" not in by_name["驾驶证遗失补证"]
    assert "不动产权证书" not in by_name["不动产权证书补发"]
    assert "残疾人证" in by_name["残疾人证换领"] and "残疾人证" not in by_name["残疾人证办理"]


def test_legal_bases_are_per_item_not_per_department(items: list[dict[str, Any]]) -> None:
    assert len({i["legal_basis"] for i in items}) >= 40
    tax_dept = [i for i in items if i["department_code"] == "TAX"]
    assert len({i["legal_basis"] for i in tax_dept}) >= 4


def test_deferrable_materials_come_with_a_deadline(items: list[dict[str, Any]]) -> None:
    deferring = [i for i in items if any(m["deferrable"] for m in i["materials"])]
    assert deferring and all(i["deferrable_days"] > 0 for i in deferring)


def test_the_fleet_simulator_uses_the_catalogs_codes(items: list[dict[str, Any]]) -> None:
    from kiosk.flows.items import PROGRESS_CODE
    from simulator.fleet_sim import ITEMS

    names = {i["code"]: i["name"] for i in items}
    assert all(names.get(code) == name for code, name in ITEMS if code != PROGRESS_CODE)
