"""The simulator's item catalog: full items built from ``catalog_data`` and a version log.

:func:`build_items` turns the data lines into items with every guide element (code, name,
type, department, legal basis, scope, legal and promised time limits, process, conditions,
materials, forms, fees, result) plus the terminal's facts (flow kind, identity level,
outputs, life events, popularity, pinyin). :class:`Catalog` keeps them with a version
number so a terminal can ask for what changed since the version it holds.
:func:`province_catalog` makes a province-scale catalog (the same items offered by every
prefecture's departments) for benchmarks.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
import threading
from typing import Any

from pypinyin import Style, lazy_pinyin

from simulator.platform.catalog_data import (
    DEPARTMENTS,
    FEES,
    ITEM_LINES,
    ITEM_TYPES,
    LIFE_EVENTS,
    PAYMENTS,
    POPULAR,
)
from simulator.platform.catalog_facts import refine
from simulator.platform.lifeevents import bundle_items

FLOWS = {"g": "guide", "q": "query", "c": "certificate", "a": "application",
         "p": "progress", "y": "appointment"}
LEVELS = {"0": "none", "1": "idcard", "2": "idcard_face"}
OUTPUTS = {"guide": ["screen"], "query": ["screen", "receipt"], "certificate": ["screen", "a4"],
           "application": ["screen", "receipt"], "progress": ["screen", "receipt"],
           "appointment": ["screen", "receipt"]}
LIMITS = {"XK": (20, 5), "QR": (15, 5), "GF": (30, 10), "JL": (30, 15), "BA": (5, 1),
          "CJ": (60, 30), "QT": (30, 10), "GG": (15, 3)}
PROCESS = {
    "guide": ["查看办事指南", "准备申请材料", "到窗口或网上办理"],
    "query": ["身份核验", "选择查询内容", "查看查询结果", "打印凭条（可选）"],
    "certificate": ["身份核验", "核对证明信息", "生成电子证明", "A4打印并扫码验真"],
    "application": ["身份核验", "填写申请表", "提交材料", "受理", "审查", "决定", "办结送达"],
    "progress": ["输入或扫描办件编号", "查看办理进度", "打印进度凭条（可选）"],
    "appointment": ["身份核验", "选择网点和时段", "确认预约", "按预约时间到场办理"],
}
# keyword in item name -> (material, English, e-licence type or "")
KEYWORD_MATERIALS = [
    ("户口", "居民户口簿", "Household register", "hukou"),
    ("出生", "出生医学证明", "Birth medical certificate", ""),
    ("婚", "结婚证", "Marriage certificate", "marriage"),
    ("购房", "购房合同及发票", "Purchase contract and invoice", ""),
    ("租", "房屋租赁合同", "Lease contract", ""),
    ("不动产", "不动产权证书", "Real estate certificate", "realestate"),
    ("抵押", "不动产权证书", "Real estate certificate", "realestate"),
    ("驾驶", "机动车驾驶证", "Driving licence", "driving"),
    ("机动车", "机动车行驶证", "Vehicle licence", "vehicle"),
    ("号牌", "机动车行驶证", "Vehicle licence", "vehicle"),
    ("变更", "营业执照", "Business licence", "business"),
    ("注销", "营业执照", "Business licence", "business"),
    ("社会保障卡", "社会保障卡", "Social security card", "sscard"),
    ("残疾", "残疾人证", "Disability certificate", ""),
    ("护照", "近期免冠证件照片（数码回执）", "Recent ID photo (digital receipt)", ""),
    ("通行证", "近期免冠证件照片（数码回执）", "Recent ID photo (digital receipt)", ""),
    ("医疗费用", "医疗费用发票及费用清单", "Medical invoices and itemised bill", ""),
]


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin (no tones, no spaces) and initials of ``text``, lower-case letters only."""
    full = "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))
    return ("".join(ch for ch in full.lower() if ch.isalnum()),
            "".join(ch for ch in initials.lower() if ch.isalnum()))


def _materials(name: str, flow: str, level: str) -> list[dict[str, Any]]:
    mats: list[dict[str, Any]] = []
    if level != "none":
        mats.append({"name": "居民身份证", "name_en": "Resident ID card", "form": "原件",
                     "copies": 1, "required": True, "e_licence": "idcard"})
    if flow not in ("application", "appointment"):
        return mats
    seen = {"居民身份证"}
    for key, mat, mat_en, lic in KEYWORD_MATERIALS:
        if key in name and mat not in seen:
            seen.add(mat)
            mats.append({"name": mat, "name_en": mat_en, "form": "原件" if lic else "复印件",
                         "copies": 1, "required": True, "e_licence": lic or None})
    mats.append({"name": f"《{name}申请表》", "name_en": "Application form", "form": "原件",
                 "copies": 1, "required": True, "e_licence": None})
    return mats


def _payment_materials(kind: str, level: str) -> list[dict[str, Any]]:
    """What paying at the terminal needs: the penalty decision's number, or the ID card."""
    if kind == "fine":
        return [{"name": "公安交通管理简易程序处罚决定书（或其15位编号）",
                 "name_en": "Traffic penalty decision (or its 15-digit number)", "form": "原件",
                 "copies": 1, "required": True, "e_licence": None}]
    return _materials("", "guide", level)


def _conditions(flow: str, type_code: str, level: str, law: str) -> list[str]:
    conds = []
    if level != "none":
        conds.append("申请人本人办理，持有效居民身份证")
    if level == "idcard_face":
        conds.append("通过人证核验（人脸比对）")
    if flow in ("application", "appointment"):
        conds.append(f"符合{law}规定的条件")
        conds.append("申请材料齐全、符合法定形式")
        if type_code == "XK":
            conds.append("具备法定的许可条件")
    if not conds:
        conds.append("无特殊条件，任何人可查阅")
    return conds


def local_department(name: str, prefecture: str = "昆明市") -> str:
    """A department's full name in ``prefecture`` ("市公安局" -> "昆明市公安局")."""
    if name.startswith("市"):
        return prefecture + name[1:]
    return name.replace("昆明市", prefecture).replace("昆明", prefecture[:-1])


def fee_fen(text: str) -> int:
    """'15元/次' → 1500 (the first amount named; 0 when free)."""
    found = re.search(r"(\d+(?:\.\d{1,2})?)元", text)
    return round(float(found.group(1)) * 100) if found else 0


def _item(seq: int, dept: tuple[str, str, str, str], line: str) -> dict[str, Any]:
    dcode, short_name, dname_en, law = dept
    dname = local_department(short_name)
    name, name_en, flow_c, type_code, level_c, topic, events = line.split("|")
    flow, level = FLOWS[flow_c], LEVELS[level_c]
    code = f"KM-{dcode}-{seq:03d}"
    rng = _rng("item", code)
    paid_here = name in PAYMENTS              # a payment is done at once, with no forms
    legal, promised = (LIMITS[type_code] if flow in ("application", "appointment")
                       and not paid_here else (0, 0))
    if promised:
        promised = max(1, promised - rng.randint(0, promised // 2))
    base = rng.lognormvariate(6.0, 1.0) * (6 if name in POPULAR else 1)
    base *= {"query": 2.0, "certificate": 2.5, "progress": 1.2}.get(flow, 1.0)
    full, initials = pinyin_keys(name)
    event_codes = [e for e in events.split(",") if e]
    return refine({
        "code": code, "name": name, "name_en": name_en,
        "department": dname, "department_code": dcode, "department_en": dname_en,
        "type": ITEM_TYPES[type_code][0], "type_en": ITEM_TYPES[type_code][1],
        "legal_basis": law,
        "scope": f"昆明市行政区域内；实施主体：{dname}",
        "legal_time_limit_days": legal, "promised_time_limit_days": promised,
        "time_limit_text": (f"法定{legal}个工作日，承诺{promised}个工作日" if legal else "即办"),
        "process": PROCESS[flow],
        "conditions": _conditions(flow, type_code, level, law.split("》")[0] + "》"),
        "materials": (_payment_materials(PAYMENTS[name], level) if paid_here
                      else _materials(name, flow, level)),
        "forms": ([{"name": f"{name}申请表", "code": f"{code}-F1"}]
                  if flow in ("application", "appointment") and not paid_here else []),
        "fees": FEES.get(name, "不收费"),
        "fee_fen": fee_fen(FEES.get(name, "")),
        "payment": PAYMENTS.get(name) or (
            "fee" if fee_fen(FEES.get(name, "")) and flow != "appointment" else None),
        "result": _result(flow, name),
        "flow": flow, "identity_level": level, "outputs": OUTPUTS[flow],
        "topic": topic or None,
        "life_events": event_codes,
        "life_event_names": [LIFE_EVENTS[e][0] for e in event_codes],
        "popularity": int(base),
        "pinyin": full, "pinyin_initials": initials,
        "cross_province": rng.random() < 0.3,
        "version": 1,
    }, law)


def _result(flow: str, name: str) -> dict[str, str]:
    if flow == "certificate":
        return {"name": name.removesuffix("开具").removesuffix("打印"), "kind": "证明文件",
                "delivery": "自助终端A4打印，可扫码验真"}
    if flow in ("application", "appointment"):
        return {"name": f"{name}办理结果", "kind": "批准文书或办结通知",
                "delivery": "窗口领取或邮寄送达"}
    return {"name": "查询结果", "kind": "其他", "delivery": "屏幕显示，可打印凭条"}


def build_items() -> list[dict[str, Any]]:
    """Every item of the Kunming catalog, in department order."""
    items = []
    for dept in DEPARTMENTS:
        for seq, line in enumerate(ITEM_LINES[dept[0]].splitlines(), start=1):
            items.append(_item(seq, dept, line))
    return items + bundle_items(items, LIFE_EVENTS, pinyin_keys)  # 一件事一次办


PREFECTURES = ["昆明市", "曲靖市", "玉溪市", "保山市", "昭通市", "丽江市", "普洱市", "临沧市",
               "楚雄州", "红河州", "文山州", "西双版纳州", "大理州", "德宏州", "怒江州", "迪庆州"]


def province_catalog(count: int = 5000) -> list[dict[str, Any]]:
    """A province-scale catalog of ``count`` items: each prefecture's departments offer the
    same items (codes and departments differ, names are the standard ones)."""
    base = build_items()
    out: list[dict[str, Any]] = []
    round_no = 0
    while len(out) < count:
        pref = PREFECTURES[round_no % len(PREFECTURES)]
        for item in base:
            if len(out) >= count:
                break
            clone = copy.deepcopy(item)
            clone["code"] = f"{item['code']}-{round_no:02d}"
            clone["department"] = local_department(item["department"], pref)
            clone["popularity"] = int(item["popularity"] * _rng(clone["code"]).uniform(0.2, 1.2))
            out.append(clone)
        round_no += 1
    return out


class Catalog:
    """The catalog with a version log: changed and removed items per version."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._items = {item["code"]: item for item in build_items()}
        self._removed: dict[str, int] = {}
        self.version = 1

    def get(self, code: str) -> dict[str, Any] | None:
        """One item by code, or None."""
        with self._lock:
            return self._items.get(code)

    def changes(self, since: int | None) -> dict[str, Any]:
        """Items changed after version ``since`` (all of them when ``since`` is None/0 or
        newer than the catalog, which means the terminal's copy is from another lineage)."""
        with self._lock:
            full = not since or since > self.version
            items = [i for i in self._items.values() if full or i["version"] > (since or 0)]
            removed = [] if full else [c for c, v in self._removed.items() if v > (since or 0)]
            return {"version": self.version, "full": full, "items": items, "removed": removed}

    def bump(self, updates: int = 3, add: int = 0, remove: int = 0) -> int:
        """Make a new catalog version: change ``updates`` items, add and remove some."""
        with self._lock:
            self.version += 1
            rng = _rng("bump", self._seed, self.version)
            codes = sorted(self._items)
            for code in rng.sample(codes, min(updates, len(codes))):
                item = dict(self._items[code], version=self.version)
                item["popularity"] = int(item["popularity"] * rng.uniform(0.8, 1.5)) + 1
                self._items[code] = item
            for code in rng.sample(codes, min(remove, len(codes))):
                self._items.pop(code, None)
                self._removed[code] = self.version
            for n in range(add):
                template = self._items[rng.choice(sorted(self._items))]
                code = f"{template['code']}-N{self.version}{n}"
                self._items[code] = dict(template, code=code, version=self.version)
                self._removed.pop(code, None)
            return self.version
