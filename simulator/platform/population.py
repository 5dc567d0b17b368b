"""A deterministic synthetic population: records for ANY valid ID number, no real people.

Everything is derived from a hash of the ID number (and the seed), so the same ID always
gets the same employer, contributions, balances, properties, violations … and different
queries about one person agree with each other (e.g. the pension record and the
social-security record share the contribution history). :func:`records` answers one topic
(see ``TOPICS``) as a table: a summary list of label/value pairs plus rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from typing import Any

from simulator.platform import idnumber

EMPLOYERS = ["昆明滇池水务有限公司", "云南白药集团股份有限公司", "昆明市第一人民医院",
             "云南建投第三建设有限公司", "昆明长水国际机场", "五华区某某餐饮店（个体）",
             "云南大学", "昆明钢铁控股有限公司", "昆明地铁运营有限公司", "盘龙区某某商贸有限公司"]
DISTRICTS = {"530102": "五华区", "530103": "盘龙区", "530111": "官渡区", "530112": "西山区",
             "530113": "东川区", "530114": "呈贡区", "530115": "晋宁区", "530124": "富民县",
             "530125": "宜良县", "530126": "石林县", "530127": "嵩明县", "530128": "禄劝县",
             "530129": "寻甸县", "530181": "安宁市"}
PLACES = ["昆明医科大学第一附属医院", "一心堂药店", "五华区社区卫生服务中心"]
ROADS = ["滇池路", "北京路", "人民中路", "金碧路", "穿金路", "广福路", "春城路", "昌源北路"]
VIOLATIONS = [("1039", "机动车违反规定停放", 200, 0), ("1352", "超速未达20%", 200, 3),
              ("1625", "不按导向车道行驶", 100, 2), ("1301", "闯红灯", 200, 6),
              ("1344", "未按规定使用安全带", 50, 2)]


@dataclass(frozen=True)
class Person:
    """The stable facts the population derives for one ID number."""

    id_number: str
    birth: dt.date
    male: bool
    district: str
    employer: str
    wage: int
    work_start: int
    retired: bool


def _rng(seed: int, id_number: str, topic: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{id_number.upper()}|{topic}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def person(id_number: str, seed: int = 0, today: dt.date | None = None) -> Person:
    """Derive the stable facts for a valid ID number."""
    today = today or dt.date.today()
    rng = _rng(seed, id_number, "person")
    birth = idnumber.birth_date(id_number)
    male = idnumber.is_male(id_number)
    age = today.year - birth.year
    retired = age >= (60 if male else 55)
    return Person(id_number, birth, male, DISTRICTS.get(id_number[:6], "五华区"),
                  rng.choice(EMPLOYERS), rng.randrange(4200, 16000, 100),
                  max(birth.year + 18 + rng.randint(0, 6), today.year - 40), retired)


def _months(p: Person, today: dt.date, count: int) -> list[str]:
    end = today.replace(day=1)
    out = []
    for _ in range(count):
        end = (end - dt.timedelta(days=1)).replace(day=1)
        out.append(f"{end:%Y-%m}")
    return out


def _kv(label: str, label_en: str, value: object) -> dict[str, str]:
    return {"label": label, "label_en": label_en, "value": str(value)}


def _table(title: str, summary: list[dict[str, str]], columns: list[tuple[str, str, str]],
           rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": title, "summary": summary,
            "columns": [{"key": k, "label": zh, "label_en": en} for k, zh, en in columns],
            "rows": rows}


def _social(p: Person, today: dt.date, pension_only: bool = False) -> dict[str, Any]:
    months = 0 if p.retired else 12
    rows = [{"month": m, "base": p.wage, "pension": round(p.wage * 0.08, 2),
             "medical": round(p.wage * 0.02, 2), "unemployment": round(p.wage * 0.003, 2),
             "employer": p.employer} for m in _months(p, today, months)]
    years = (min(today.year, p.birth.year + (60 if p.male else 55)) - p.work_start)
    summary = [_kv("参保状态", "Status", "退休" if p.retired else "正常参保"),
               _kv("参保单位", "Employer", p.employer),
               _kv("累计缴费月数", "Months contributed", max(0, years) * 12),
               _kv("参保地", "Insured in", f"昆明市{p.district}")]
    if pension_only or p.retired:
        monthly = round(p.wage * 0.35 + years * 12.5, 2)
        summary.append(_kv("养老金月领取额（元）", "Monthly pension (CNY)", monthly))
        summary.append(_kv("资格认证状态", "Qualification", "已认证（有效期12个月）"))
    return _table("社会保险参保缴费信息", summary,
                  [("month", "费款所属期", "Month"), ("base", "缴费基数", "Base"),
                   ("pension", "养老（个人）", "Pension"), ("medical", "医疗（个人）", "Medical"),
                   ("unemployment", "失业（个人）", "Unemployment")], rows)


def _provident(p: Person, today: dt.date, seed: int) -> dict[str, Any]:
    rng = _rng(seed, p.id_number, "hpf")
    monthly = round(p.wage * 0.24, 2)
    rows = [{"month": m, "amount": monthly, "kind": "汇缴"} for m in _months(p, today, 12)]
    balance = round(monthly * rng.randint(20, 160) * 0.6, 2) if not p.retired else 0.0
    return _table("住房公积金缴存信息", [
        _kv("账户状态", "Account", "封存" if p.retired else "正常"),
        _kv("缴存单位", "Employer", p.employer),
        _kv("月缴存额（元）", "Monthly deposit (CNY)", 0 if p.retired else monthly),
        _kv("账户余额（元）", "Balance (CNY)", f"{balance:.2f}")],
        [("month", "缴存月份", "Month"), ("amount", "金额（元）", "Amount"),
         ("kind", "业务类型", "Kind")], [] if p.retired else rows)


def _medical(p: Person, today: dt.date, seed: int) -> dict[str, Any]:
    rng = _rng(seed, p.id_number, "med")
    rows: list[dict[str, Any]] = [
            {"date": f"{today - dt.timedelta(days=rng.randint(3, 300)):%Y-%m-%d}",
             "place": rng.choice(PLACES),
             "amount": round(rng.uniform(12, 900), 2)} for _ in range(rng.randint(0, 6))]
    rows.sort(key=lambda r: r["date"], reverse=True)
    return _table("医疗保险参保信息", [
        _kv("险种", "Scheme", "职工基本医疗保险" if p.employer else "城乡居民医疗保险"),
        _kv("参保状态", "Status", "正常参保"),
        _kv("个人账户余额（元）", "Account balance (CNY)", f"{rng.uniform(200, 9000):.2f}")],
        [("date", "日期", "Date"), ("place", "医药机构", "Place"),
         ("amount", "金额（元）", "Amount")],
        rows)


def _real_estate(p: Person, seed: int) -> dict[str, Any]:
    rng = _rng(seed, p.id_number, "re")
    count = rng.choice([0, 1, 1, 1, 2])
    rows = [{"cert": f"云({2010 + rng.randint(0, 14)})昆明市不动产权"
                     f"第{rng.randint(10**6, 10**7)}号",
             "location": f"{p.district}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
             "area": round(rng.uniform(45, 160), 2), "use": "住宅",
             "mortgage": rng.choice(["无", "有"]), "seized": "无"} for _ in range(count)]
    return _table("不动产登记信息", [_kv("登记不动产数量", "Properties registered", count)],
                  [("cert", "不动产权证号", "Certificate"), ("location", "坐落", "Location"),
                   ("area", "建筑面积（㎡）", "Area (m²)"), ("use", "用途", "Use"),
                   ("mortgage", "抵押", "Mortgage"), ("seized", "查封", "Seized")], rows)


def _tax(p: Person, today: dt.date) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for m in _months(p, today, 12):
        taxable = max(0.0, p.wage * 0.78 - 5000)
        rows.append({"month": m, "income": p.wage, "tax": round(taxable * 0.03, 2),
                     "payer": p.employer})
    return _table("个人所得税纳税记录", [
        _kv("纳税人识别号", "Taxpayer no.", idnumber.mask(p.id_number)),
        _kv("近12个月已缴税额（元）", "Tax paid, 12 months (CNY)",
            f"{sum(r['tax'] for r in rows):.2f}")],
        [("month", "所属期", "Month"), ("income", "收入（元）", "Income"),
         ("tax", "已缴税额（元）", "Tax"), ("payer", "扣缴义务人", "Withholder")],
        [] if p.retired else rows)


def _traffic(p: Person, today: dt.date, seed: int) -> dict[str, Any]:
    rng = _rng(seed, p.id_number, "trf")
    rows: list[dict[str, Any]] = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        code, text, fine, points = rng.choice(VIOLATIONS)
        rows.append({"date": f"{today - dt.timedelta(days=rng.randint(5, 360)):%Y-%m-%d}",
                     "plate": f"云A{rng.randint(10000, 99999)}", "code": code, "text": text,
                     "fine": fine, "points": points, "handled": rng.choice(["未处理", "已处理"])})
    rows.sort(key=lambda r: r["date"], reverse=True)      # newest first, as 交管12123 lists
    points = sum(r["points"] for r in rows if r["handled"] == "已处理")
    return _table("交通违法记录", [
        _kv("未处理违法", "Unhandled", sum(r["handled"] == "未处理" for r in rows)),
        _kv("本记分周期累积记分", "Points this period", points),
        _kv("驾驶证状态", "Licence status", "正常")],
        [("date", "违法时间", "Date"), ("plate", "号牌", "Plate"), ("text", "违法行为", "Offence"),
         ("fine", "罚款（元）", "Fine"), ("points", "记分", "Points"),
         ("handled", "处理状态", "Status")], rows)


def _generic(p: Person, topic: str, seed: int) -> dict[str, Any]:
    rng = _rng(seed, p.id_number, topic)
    titles = {"res": "居住证信息", "hukou": "户籍登记信息", "crim": "违法犯罪记录核查",
              "crd": "公共信用信息", "mar": "婚姻登记记录", "biz": "名下市场主体",
              "edu": "学历学籍信息", "exit": "出入境记录", "pen": "养老保险个人账户",
              "drv": "驾驶人信息", "veh": "机动车登记信息", "pts": "驾驶证记分"}
    status = {"crim": "未发现违法犯罪记录", "crd": "无失信记录",
              "mar": rng.choice(["已婚", "未婚"]),
              "biz": f"{rng.choice([0, 0, 1])}户", "hukou": f"昆明市{p.district}"}
    return _table(titles.get(topic, "信息查询结果"), [
        _kv("核查结果", "Result", status.get(topic, "有效")),
        _kv("登记机关", "Registered by", f"昆明市{p.district}"),
        _kv("登记日期", "Registered on", f"{2000 + rng.randint(0, 24)}-{rng.randint(1, 12):02d}-"
            f"{rng.randint(1, 28):02d}"),
        _kv("编号", "Reference", f"{topic.upper()}{rng.randint(10**7, 10**8)}")], [], [])


def records(topic: str, id_number: str, seed: int = 0,
            today: dt.date | None = None) -> dict[str, Any]:
    """One topic's records for a citizen (``id_number`` must be valid)."""
    today = today or dt.date.today()
    p = person(id_number, seed, today)
    if topic == "ss":
        return _social(p, today)
    if topic == "pen":
        return _social(p, today, pension_only=True)
    if topic in ("hpf", "hpfloan"):
        return _provident(p, today, seed)
    if topic == "med":
        return _medical(p, today, seed)
    if topic == "re":
        return _real_estate(p, seed)
    if topic == "tax":
        return _tax(p, today)
    if topic in ("trf", "pts"):
        return _traffic(p, today, seed)
    return _generic(p, topic, seed)
