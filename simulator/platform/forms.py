"""Application forms the back office can act on: a JSON Schema per item, the materials rule
(容缺 included) and the notice-and-commitment (告知承诺) the citizen accepts.

``GET /v1/items/{code}/form`` serves :func:`form_document`: the item's form as JSON Schema
(draft 2020-12; every property has a Chinese ``title`` and an ``x-kind`` the terminal
renders: ``text``, ``date``, ``choice``, ``phone`` or ``amount``), its materials with
``required`` and ``deferrable`` (容缺: may follow within ``deferrable_days`` working days),
and the commitment's version and text. :func:`check_submission` is what the platform does
with a submission: the form must validate, every required material must be there (the ID
card is the verified session, the application form is the form itself) unless it may be
deferred, and the commitment must be the current one, accepted. Whatever fails is refused
with the reasons in Chinese; what is deferred is listed with its due date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from kiosk.calendar_cn import WorkingCalendar

COMMITMENT_VERSION = "KM-GZCN-2024-1"
COMMITMENT_TEXT = (
    "1. 本人已阅读并知晓本事项的受理条件和所需材料。\n"
    "2. 本人承诺所填写的信息和提交的材料真实、准确、完整，并愿意承担不实承诺的法律责任。\n"
    "3. 本人同意有关部门依法核验所提交的信息；核验不通过的，同意撤销办理结果。")
BANKS = ["工商银行", "农业银行", "中国银行", "建设银行", "交通银行", "邮储银行", "富滇银行"]


def _amount(title: str, maximum: float = 1_000_000) -> dict[str, Any]:
    # no "multipleOf": 0.01 — binary floats make 1003.0 fail it; cents are checked below
    return {"type": "number", "title": title, "x-kind": "amount", "exclusiveMinimum": 0,
            "maximum": maximum}


def _date(title: str) -> dict[str, Any]:
    return {"type": "string", "title": title, "x-kind": "date", "format": "date"}


def _choice(title: str, options: list[str]) -> dict[str, Any]:
    return {"type": "string", "title": title, "x-kind": "choice", "enum": options}


PHONE = {"type": "string", "title": "联系电话", "x-kind": "phone", "pattern": r"^1\d{10}$"}
NOTE = {"type": "string", "title": "备注", "x-kind": "text", "maxLength": 100}

# keyword in the item's name -> (properties, required)
FIELD_RULES: list[tuple[str, dict[str, dict[str, Any]], list[str]]] = [
    ("租房提取", {"amount": _amount("提取金额"), "bank": _choice("收款银行", BANKS),
                  "rent": _amount("月租金", 100_000)}, ["amount", "bank", "rent"]),
    ("提取住房公积金", {"amount": _amount("提取金额"), "bank": _choice("收款银行", BANKS)},
     ["amount", "bank"]),
    ("住房公积金贷款申请", {"loan": _amount("申请贷款金额", 2_000_000),
                            "years": _choice("贷款年限（年）", ["5", "10", "15", "20", "25",
                                                                  "30"])}, ["loan", "years"]),
    ("户口迁入", {"reason": _choice("迁入原因", ["投靠亲属", "购房落户", "人才引进", "就业落户",
                                              "其他"])}, ["reason"]),
    ("失业保险金", {"left_on": _date("离职日期")}, ["left_on"]),
    ("异地就医备案", {"kind": _choice("备案类型", ["异地长期居住", "常驻异地工作", "异地转诊就医",
                                               "临时外出就医"]),
                     "start": _date("备案开始日期")}, ["kind", "start"]),
    ("最低生活保障", {"household": _choice("家庭人口数", ["1", "2", "3", "4", "5", "6人及以上"]),
                     "income": _amount("家庭月收入", 100_000)}, ["household", "income"]),
    ("救助", {"household": _choice("家庭人口数", ["1", "2", "3", "4", "5", "6人及以上"]),
              "income": _amount("家庭月收入", 100_000)}, ["household", "income"]),
    ("医疗费用手工报销", {"expense": _amount("医疗费用总额"), "visit_on": _date("就诊日期")},
     ["expense", "visit_on"]),
    ("生育津贴", {"birth_on": _date("分娩日期")}, ["birth_on"]),
    ("社会保障卡申领", {"bank": _choice("合作银行", BANKS)}, ["bank"]),
]


def form_schema(item: dict[str, Any]) -> dict[str, Any]:
    """The item's application form as JSON Schema (phone always; fields by item)."""
    properties: dict[str, Any] = {"phone": PHONE}
    required = ["phone"]
    for key, fields, needed in FIELD_RULES:
        if key in item["name"]:
            properties.update(fields)
            required += needed
            break
    properties["note"] = NOTE
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:ebt:form:{item['code']}", "title": f"{item['name']}申请表",
            "type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def form_document(item: dict[str, Any], schema: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """What the terminal renders: schema, materials, 容缺 days and the commitment."""
    return {"item_code": item["code"], "schema": schema or form_schema(item),
            "materials": item.get("materials", []),
            "deferrable_days": item.get("deferrable_days", 0),
            "commitment": {"version": COMMITMENT_VERSION, "text": COMMITMENT_TEXT}}


def commitment_digest(text: str) -> str:
    """The SHA-256 of a commitment text (what the terminal sends back with the version)."""
    return hashlib.sha256(text.encode()).hexdigest()


def form_errors(item: dict[str, Any], form: dict[str, Any]) -> list[str]:
    """The form's problems, in Chinese (empty: it validates)."""
    schema = form_schema(item)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    out = []
    for error in sorted(validator.iter_errors(form), key=lambda e: list(e.path)):
        field = str(error.path[0]) if error.path else ""
        title = schema["properties"].get(field, {}).get("title", field)
        if error.validator == "required":
            missing = str(error.message).split("'")[1]
            out.append(f"请填写{schema['properties'][missing]['title']}")
        elif error.validator == "additionalProperties":
            out.append("表单含有本事项不需要的内容")
        elif error.validator == "enum":
            out.append(f"请从选项中选择{title}")
        elif error.validator == "format":
            out.append(f"{title}请按 年-月-日 填写")
        elif error.validator == "pattern":
            out.append("请输入11位手机号码")
        else:
            out.append(f"{title}填写不正确")
    for name, prop in schema["properties"].items():
        value = form.get(name)
        if prop.get("x-kind") == "amount" and isinstance(value, int | float) \
                and abs(round(value, 2) - value) > 1e-9:
            out.append(f"{prop['title']}最多保留两位小数")
    return out


def check_submission(item: dict[str, Any], form: dict[str, Any],
                     materials: list[dict[str, Any]], commitment: dict[str, Any] | None,
                     now: float, calendar: WorkingCalendar
                     ) -> tuple[list[str], list[dict[str, str]]]:
    """(problems in Chinese, deferred materials with due dates) of an application."""
    problems = form_errors(item, form)
    given = {str(m.get("name", "")) for m in materials}
    missing, deferred = [], []
    due = calendar.add_working_days(dt.datetime.fromtimestamp(now),
                                    int(item.get("deferrable_days", 0)))
    for material in item.get("materials", []):
        name = material["name"]
        if not material.get("required", True) or name in given or name == "居民身份证" \
                or name.startswith("《"):
            continue
        if material.get("deferrable"):
            deferred.append({"name": name, "due_by": due.isoformat()})
        else:
            missing.append(name)
    if missing:
        problems.append("缺少材料：" + "、".join(missing))
    if not commitment or not commitment.get("accepted"):
        problems.append("未确认告知承诺")
    elif commitment.get("version") != COMMITMENT_VERSION or commitment.get(
            "text_sha256") != commitment_digest(COMMITMENT_TEXT):
        problems.append("告知承诺版本已更新，请重新阅读并确认")
    return problems, deferred


def accepted_commitment() -> dict[str, Any]:
    """The acceptance of the current commitment, as a terminal sends it (tests, benches)."""
    return {"accepted": True, "version": COMMITMENT_VERSION,
            "text_sha256": commitment_digest(COMMITMENT_TEXT)}
