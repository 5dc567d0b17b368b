"""一件事一次办: life events as combined services — one identification, one form, linked cases.

A combined service is a catalog item of its own (``KM-LE-…``, flow ``application``) whose
``bundle`` names the items a life event needs. Its form is the union of theirs, each field
once (:func:`bundle_schema`); its materials the union of theirs, each once. Submitting it
(:func:`submit_bundle`) checks each member on its own part of the form and materials and
creates one case per member that passes, all linked under the bundle's own case number; a
member that fails is listed with its reasons and nothing else is lost — the others stand,
and the failed one can be applied for on its own once its reasons are put right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.platform import forms
from simulator.platform.where import where_for

#: code, name, name_en, life event, member item names
BUNDLES = [
    ("KM-LE-001", "新生儿出生一件事", "Newborn: everything at once", "birth",
     ["出生登记", "新生儿参保登记", "社会保障卡申领"]),
    ("KM-LE-002", "退休一件事", "Retirement: everything at once", "retire",
     ["养老金领取资格认证", "退休提取住房公积金", "计划生育家庭奖励扶助"]),
    ("KM-LE-003", "开办企业一件事", "Starting a business: everything at once", "business",
     ["企业名称自主申报", "企业设立登记", "信用承诺书填报"]),
]
DEPARTMENT = ("昆明市政务服务管理局", "LE", "Kunming Government Service Administration")


def bundle_items(items: list[dict[str, Any]], life_events: dict[str, tuple[str, str]],
                 pinyin: Callable[[str], tuple[str, str]]) -> list[dict[str, Any]]:
    """The combined services built over ``items`` (the members must exist); ``pinyin``
    gives a name's full pinyin and initials for search."""
    by_name = {i["name"]: i for i in items}
    out = []
    for code, name, name_en, event, member_names in BUNDLES:
        members = [by_name[n] for n in member_names]
        materials: dict[str, dict[str, Any]] = {}
        for member in members:
            for m in member["materials"]:
                if not m["name"].startswith("《"):
                    materials.setdefault(m["name"], dict(m))
        materials[f"《{name}联办申请表》"] = {
            "name": f"《{name}联办申请表》", "name_en": "Combined application form",
            "form": "原件", "copies": 1, "required": True, "e_licence": None,
            "deferrable": False}
        legal = max(m["legal_time_limit_days"] for m in members)
        promised = max(m["promised_time_limit_days"] for m in members)
        template = members[0]
        full, initials = pinyin(name)
        out.append(dict(
            template, code=code, name=name, name_en=name_en,
            department=DEPARTMENT[0], department_code=DEPARTMENT[1],
            department_en=DEPARTMENT[2], type="公共服务", type_en="Public service",
            legal_basis="；".join(dict.fromkeys(m["legal_basis"] for m in members)),
            conditions=[f"符合{members[0]['legal_basis'].split('》')[0]}》等规定的条件",
                        "申请人本人或监护人办理，持有效居民身份证", "通过人证核验（人脸比对）"],
            materials=list(materials.values()),
            forms=[{"name": f"{name}联办申请表", "code": f"{code}-F1"}],
            legal_time_limit_days=legal, promised_time_limit_days=promised,
            time_limit_text=f"各事项分别办理，最长法定{legal}个工作日，承诺{promised}个工作日",
            process=["身份核验", "一次填写联办申请表", "一次提交材料", "各部门分别受理",
                     "分别办结，统一告知"],
            fees="不收费", fee_fen=0, payment=None,
            result={"name": f"{name}办理结果", "kind": "各事项批准文书或办结通知",
                    "delivery": "各部门分别送达，进度按事项查询"},
            life_events=[event], life_event_names=[life_events[event][0]],
            popularity=max(m["popularity"] for m in members),
            bundle=[m["code"] for m in members], produces=[], version=1,
            pinyin=full, pinyin_initials=initials, topic=None,
            deferrable_days=max(m.get("deferrable_days", 0) for m in members)))
        where = where_for(out[-1])
        out[-1].update(where=where, cross_province=False,
                       scope=f"{where['text']}；牵头部门：{DEPARTMENT[0]}")
    return out


def bundle_schema(members: list[dict[str, Any]], bundle: dict[str, Any]) -> dict[str, Any]:
    """The union of the members' forms: every field once, required if any member needs it."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for member in members:
        schema = forms.form_schema(member)
        for name, prop in schema["properties"].items():
            properties.setdefault(name, prop)
        required += [r for r in schema["required"] if r not in required]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:ebt:form:{bundle['code']}", "title": f"{bundle['name']}联办申请表",
            "type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def member_part(member: dict[str, Any], form: dict[str, Any],
                materials: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The member's own share of a combined form and materials."""
    props = forms.form_schema(member)["properties"]
    names = {m["name"] for m in member["materials"]}
    return ({k: v for k, v in form.items() if k in props},
            [m for m in materials if m.get("name") in names])


LINKS = """
CREATE TABLE IF NOT EXISTS bundle_links (
    bundle_no TEXT NOT NULL, case_no TEXT NOT NULL, item_code TEXT NOT NULL,
    item_name TEXT NOT NULL, PRIMARY KEY (bundle_no, case_no));
"""


def submit_bundle(state: Any, bundle: dict[str, Any], holder: str, terminal: str, key: str,
                  form: dict[str, Any], materials: list[dict[str, Any]],
                  commitment: dict[str, Any] | None) -> dict[str, Any]:
    """Create the bundle's case and one linked case per member that passes its checks.

    Returns {case_no, duplicate, linked: [...], failed: [...], deferred: [...]}; raises
    ``ValueError`` with the reasons when no member passes (nothing is created then)."""
    now = state.clock()
    members = [m for code in bundle["bundle"] if (m := state.catalog.get(code)) is not None]
    passed, failed, deferred = [], [], []
    for member in members:
        part_form, part_materials = member_part(member, form, materials)
        problems, owed = forms.check_submission(member, part_form, part_materials, commitment,
                                                now, state.cases.calendar)
        if problems:
            failed.append({"item_code": member["code"], "item_name": member["name"],
                           "reasons": "；".join(problems)})
        else:
            passed.append((member, part_form, part_materials))
            deferred += [d for d in owed if d not in deferred]
    if not passed:
        raise ValueError("；".join(f"{f['item_name']}：{f['reasons']}" for f in failed))
    bundle_no, duplicate = state.cases.submit(bundle, holder, terminal, key, form, materials,
                                              now)
    state.store.ensure(LINKS)
    linked = []
    for member, part_form, part_materials in passed:
        case_no, _dup = state.cases.submit(member, holder, terminal, f"{key}:{member['code']}",
                                           part_form, part_materials, now)
        with state.store.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO bundle_links VALUES (?,?,?,?)",
                         (bundle_no, case_no, member["code"], member["name"]))
        linked.append(case_no)
    return {"case_no": bundle_no, "duplicate": duplicate, "linked": links(state, bundle_no),
            "failed": failed, "deferred": deferred}


def links(state: Any, bundle_no: str) -> list[dict[str, Any]]:
    """The cases linked under a bundle's number, each with where it is now."""
    state.store.ensure(LINKS)
    rows = state.store.query("SELECT case_no, item_code, item_name FROM bundle_links "
                             "WHERE bundle_no=? ORDER BY item_code", (bundle_no,))
    out = []
    for row in rows:
        progress = state.cases.progress(row["case_no"], state.clock())
        out.append({"case_no": row["case_no"], "item_code": row["item_code"],
                    "item_name": row["item_name"], "state": progress["state"],
                    "state_name": progress["state_name"]})
    return out
