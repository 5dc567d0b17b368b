"""Where an item can be done: 全市通办 and 跨省通办, derived from the item's data.

- **Which service points.** Every 24-hour zone offers the items it can finish unattended.
  An application or appointment that needs an original paper with no electronic licence
  (a contract, a medical record) needs the staffed document check of a district centre's
  zone: those items are offered at the 14 district centres only. Everything else —
  queries, certificates, guides, progress and applications the terminal completes with
  e-licences and photos — is 全市通办 at every point.
- **Across provinces.** :data:`CROSS_PROVINCE` names the items of the national 跨省通办 list
  that this catalog holds, with how they are done: 全程网办 (fully online: the terminal
  finishes it), 异地代收代办 (collected here and forwarded to the competent office in the
  other province, which decides) or 多地联办 (offices in both places each do their part).
- **The other province** of a forwarded application is the province of the citizen's
  household register. The simulator takes it from the ID number's region code (the
  province of first issue, which the synthetic population keeps as the register's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CROSS_PROVINCE: dict[str, str] = {
    "社会保险个人参保证明打印": "全程网办", "医疗保险参保凭证打印": "全程网办",
    "住房公积金缴存证明打印": "全程网办", "个人所得税纳税记录开具": "全程网办",
    "养老保险个人账户查询": "全程网办", "社会保险个人权益记录单打印": "全程网办",
    "异地就医备案": "全程网办", "养老金领取资格认证": "全程网办",
    "失业保险金申领": "全程网办", "就业失业登记": "全程网办",
    "职业技能等级证书查询": "全程网办", "学历证明开具": "全程网办",
    "基本养老保险关系转移接续": "多地联办", "医保关系转移接续": "多地联办",
    "住房公积金异地转移接续": "多地联办", "户口迁入登记": "多地联办",
    "社会保障卡申领": "异地代收代办", "居民身份证换领": "异地代收代办",
    "居民身份证挂失补领": "异地代收代办", "临时居民身份证办理": "异地代收代办",
    "退休提取住房公积金": "异地代收代办", "个体工商户设立登记": "异地代收代办",
}
MODE_EN = {"全程网办": "fully online", "异地代收代办": "collected here, decided there",
           "多地联办": "handled jointly"}

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}
HOME_PROVINCE = "53"
# department code -> the competent office's name in another province (after its name)
OFFICES = {"PSB": "公安厅", "HRSS": "人力资源和社会保障厅", "MEDI": "医疗保障局",
           "HPF": "住房公积金管理中心", "SAMR": "市场监督管理局", "CIVIL": "民政厅"}


def needs_centre(item: dict[str, Any]) -> bool:
    """An original paper without an e-licence must be checked by the centre's staff."""
    if item["flow"] not in ("application", "appointment"):
        return False
    return any(m.get("form") == "原件" and not m.get("e_licence")
               and not m["name"].startswith("《") and not m.get("deferrable")
               for m in item.get("materials", []))


def where_for(item: dict[str, Any]) -> dict[str, Any]:
    """Where ``item`` can be done, as stored on the item (``where``) and said in its scope."""
    centres = needs_centre(item)
    mode = CROSS_PROVINCE.get(item["name"])
    here = ("全市14个县（市、区）政务服务中心24小时自助服务区可办（需核验纸质原件）"
            if centres else "全市通办：全市所有24小时自助服务区均可办理")
    text = here
    if mode:
        text += f"；跨省通办（{mode}）"
        if mode == "异地代收代办":
            text += "：户籍地在外省的，本地收件后转递户籍地主管部门办理并作出决定"
        elif mode == "多地联办":
            text += "：本地受理，两地主管部门分段联办"
    return {"points": "centres" if centres else "all", "citywide": not centres,
            "cross_province": mode, "cross_province_en": MODE_EN.get(mode or ""),
            "text": text}


@dataclass(frozen=True)
class Forwarding:
    """A cross-province application sent on to the competent office of another province."""

    mode: str
    province: str
    office: str
    decided_by: str
    note: str


def forwarding_for(item: dict[str, Any], id_number: str) -> Forwarding | None:
    """The forwarding of ``item`` for a citizen registered in another province (None: the
    item is not cross-province, or the citizen is registered in Yunnan)."""
    mode = (item.get("where") or {}).get("cross_province")
    region = id_number[:2]
    if mode not in ("异地代收代办", "多地联办") or region == HOME_PROVINCE \
            or region not in PROVINCES:
        return None
    province = PROVINCES[region]
    office = province + OFFICES.get(item.get("department_code", ""), "政务服务管理局")
    if mode == "异地代收代办":
        decided, note = office, (f"本件为跨省通办（异地代收代办）：{item['department']}"
                                 f"收件，已转递{office}办理，由{office}作出决定。")
    else:
        decided, note = item["department"], (
            f"本件为跨省通办（多地联办）：{item['department']}受理并作出决定，"
            f"{office}协同办理外省部分。")
    return Forwarding(mode, province, office, decided, note)
