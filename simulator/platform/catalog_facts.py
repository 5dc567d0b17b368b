"""Item-level content of the simulator's catalog: legal basis, materials, what an item
produces, fees, and where it can be done — so that an item's guide holds together.

``catalog.py`` builds an item from a one-line description; :func:`refine` then gives it:

- its own **legal basis** (the first rule of :data:`LAWS` whose keyword is in the name,
  the department's law otherwise) — a social-insurance contribution collected by the tax
  bureau cites the social-insurance law, not the tax law;
- what it **produces** (:data:`PRODUCES`) and **materials** that never ask for that output:
  nobody brings a marriage certificate to register a marriage or an ID card to apply for a
  first one. A renewal (换领, 换证, 延续, 变更, 转移) hands the old document in; a replacement
  (补领, 补发, 补证, 挂失) never asks for the lost one;
- explicit **materials** where keywords would be wrong (:data:`MATERIALS`), with 容缺
  (``deferrable``: may be handed in later, within :data:`DEFER_DAYS` working days) only for
  supporting papers, never for the identity document or the application form;
- **fees** that charge what the law charges (:data:`FEES`, added to ``catalog_data.FEES``);
- its **scope** and ``where``: where it can be done (``simulator.platform.where``).
"""

from __future__ import annotations

import re
from typing import Any

from simulator.platform.where import where_for

DEFER_DAYS = 5

# (keywords — any of them in the item's name —, legal basis); the first match wins
LAWS: list[tuple[tuple[str, ...], str]] = [
    (("城乡居民养老保险",),
     "《中华人民共和国社会保险法》《国务院关于建立统一的城乡居民基本养老保险制度的意见》"),
    (("社保费", "社保缴费", "社会保险"), "《中华人民共和国社会保险法》《社会保险费征缴暂行条例》"),
    (("失业",), "《中华人民共和国社会保险法》《失业保险条例》"),
    (("工伤",), "《中华人民共和国社会保险法》《工伤保险条例》"),
    (("养老金", "养老保险", "丧葬补助金"), "《中华人民共和国社会保险法》"),
    (("社会保障卡",), "《中华人民共和国社会保险法》"),
    (("就业创业证", "就业失业登记"), "《中华人民共和国就业促进法》《就业服务与就业管理规定》"),
    (("职业技能",), "《中华人民共和国劳动法》"),
    (("医保", "医疗保险", "医疗费用", "异地就医", "生育津贴", "慢特病", "参保登记",
      "定点医药"), "《中华人民共和国社会保险法》《医疗保障基金使用监督管理条例》"),
    (("居住证",), "《居住证暂行条例》"),
    (("居民身份证",), "《中华人民共和国居民身份证法》"),
    (("户口", "户籍", "出生登记", "姓名变更"), "《中华人民共和国户口登记条例》"),
    (("无犯罪记录",), "《公安机关办理犯罪记录查询工作规定》"),
    (("护照",), "《中华人民共和国护照法》《中华人民共和国出境入境管理法》"),
    (("港澳",), "《中华人民共和国出境入境管理法》"
                "《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》"),
    (("台湾", "赴台"), "《中华人民共和国出境入境管理法》《中国公民往来台湾地区管理办法》"),
    (("驾驶", "驾驶人"), "《中华人民共和国道路交通安全法》《机动车驾驶证申领和使用规定》"),
    (("机动车", "号牌", "电动自行车"), "《中华人民共和国道路交通安全法》《机动车登记规定》"),
    (("契税",), "《中华人民共和国契税法》"),
    (("车辆购置税",), "《中华人民共和国车辆购置税法》"),
    (("发票",), "《中华人民共和国发票管理办法》"),
    (("个人所得税", "个税", "纳税", "专项附加扣除"), "《中华人民共和国个人所得税法》"),
    (("公积金",), "《住房公积金管理条例》"),
    (("不动产", "抵押", "无房证明"), "《不动产登记暂行条例》《中华人民共和国民法典》"),
    (("婚",), "《婚姻登记条例》《中华人民共和国民法典》"),
    (("殡葬",), "《殡葬管理条例》"),
    (("高龄", "养老服务"), "《中华人民共和国老年人权益保障法》"),
    (("残疾",), "《中华人民共和国残疾人保障法》"),
    (("社会组织",), "《社会团体登记管理条例》"),
    (("食品",), "《中华人民共和国食品安全法》"),
    (("计量",), "《中华人民共和国计量法》"),
    (("消费投诉",), "《中华人民共和国消费者权益保护法》"),
    (("价格认定",), "《价格认定规定》"),
    (("教师资格",), "《中华人民共和国教师法》《教师资格条例》"),
    (("普通话",), "《中华人民共和国国家通用语言文字法》"),
    (("学生资助",), "《中华人民共和国教育法》"),
    (("预防接种",), "《中华人民共和国疫苗管理法》"),
    (("生育登记", "独生子女", "计划生育"), "《中华人民共和国人口与计划生育法》"),
    (("医师",), "《中华人民共和国医师法》"),
    (("护士",), "《护士条例》"),
    (("公共场所卫生",), "《公共场所卫生管理条例》"),
    (("出生医学证明", "母婴"), "《中华人民共和国母婴保健法》"),
    (("法律援助",), "《中华人民共和国法律援助法》"),
    (("公证",), "《中华人民共和国公证法》"),
    (("人民调解",), "《中华人民共和国人民调解法》"),
    (("律师",), "《中华人民共和国律师法》"),
    (("社区矫正",), "《中华人民共和国社区矫正法》"),
    (("维修资金",), "《住宅专项维修资金管理办法》"),
    (("预售",), "《城市商品房预售管理办法》"),
    (("资质",), "《建筑业企业资质管理规定》"),
    (("烈士",), "《烈士褒扬条例》"),
    (("抚恤",), "《军人抚恤优待条例》"),
]

# keyword in the item's name -> the document the item issues
PRODUCES: list[tuple[str, str]] = [
    ("临时居民身份证", "临时居民身份证"), ("居民身份证", "居民身份证"), ("居住证", "居住证"),
    ("结婚", "结婚证"), ("离婚登记", "离婚证"), ("护照", "护照"), ("通行证", "通行证"),
    ("驾驶证", "机动车驾驶证"), ("号牌", "机动车号牌"), ("检验标志", "机动车检验合格标志"),
    ("不动产首次登记", "不动产权证书"), ("不动产权证书补发", "不动产权证书"),
    ("不动产转移登记", "不动产权证书"), ("社会保障卡", "社会保障卡"),
    ("残疾人证", "残疾人证"), ("出生医学证明补发", "出生医学证明"),
    ("设立登记", "营业执照"), ("就业创业证", "就业创业证"), ("优待证", "退役军人优待证"),
    ("光荣证", "独生子女父母光荣证"), ("食品经营许可", "食品经营许可证"),
]
RENEWAL = ("换领", "换证", "换发", "延续", "变更", "转移", "审验", "注销")
REPLACEMENT = ("补领", "补发", "补证", "补办", "挂失", "报失")


def _mat(name: str, en: str, licence: str = "", form: str = "", deferrable: bool = False
         ) -> dict[str, Any]:
    return {"name": name, "name_en": en, "form": form or ("原件" if licence else "复印件"),
            "copies": 1, "required": True, "e_licence": licence or None,
            "deferrable": deferrable}


HUKOU = _mat("居民户口簿", "Household register", "hukou")
PHOTO = _mat("近期免冠证件照片（数码回执）", "Recent ID photo (digital receipt)", form="原件")
BIRTH = _mat("出生医学证明", "Birth medical certificate", form="原件")
MARRIAGE = _mat("结婚证", "Marriage certificate", "marriage")
REALTY = _mat("不动产权证书", "Real estate certificate", "realestate")
BUSINESS = _mat("营业执照", "Business licence", "business")
DISABILITY = _mat("残疾人证", "Disability certificate", form="原件")
LEASE = _mat("房屋租赁合同", "Lease contract", deferrable=True)

# item name -> the materials besides the ID card and the application form (keyword rules
# are not used for these items)
MATERIALS: dict[str, list[dict[str, Any]]] = {
    "出生登记": [BIRTH, HUKOU, MARRIAGE],
    "死亡注销户口": [HUKOU, _mat("居民死亡医学证明（推断）书", "Death certificate",
                              form="原件")],
    "居民身份证申领": [HUKOU],
    "居民身份证挂失补领": [HUKOU],
    "临时居民身份证办理": [HUKOU],
    "姓名变更登记": [HUKOU, _mat("姓名变更理由证明", "Proof of the reason for the change",
                              deferrable=True)],
    "居住证申领": [_mat("居住地住址证明（租赁合同或房产证明）", "Proof of address",
                     deferrable=True)],
    "驾驶人考试预约": [_mat("机动车驾驶人身体条件证明", "Driver's health certificate",
                         form="原件")],
    "临时号牌申领": [_mat("机动车来历证明（购车发票）", "Proof of origin (purchase invoice)",
                       form="原件"),
                   _mat("机动车整车出厂合格证明", "Factory certificate", form="原件"),
                   _mat("机动车交通事故责任强制保险凭证", "Compulsory insurance policy",
                        deferrable=True)],
    "新生儿参保登记": [BIRTH, HUKOU],
    "城乡居民医保参保登记": [HUKOU],
    "社会保障卡申领": [PHOTO],
    "结婚登记预约": [HUKOU, _mat("本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系"
                            "的签字声明", "Signed declaration of eligibility", form="原件")],
    "离婚登记预约": [HUKOU, MARRIAGE, _mat("离婚协议书", "Divorce agreement", form="原件")],
    "补领结婚证预约": [HUKOU],
    "不动产首次登记": [_mat("土地权属来源材料及建设工程符合规划的材料",
                         "Land title and planning compliance papers", form="原件")],
    "不动产转移登记预约": [REALTY, _mat("不动产买卖合同", "Sale contract", form="原件"),
                          _mat("契税完税凭证", "Deed tax receipt", deferrable=True)],
    "抵押权注销登记": [REALTY, _mat("抵押权人同意注销的证明", "Mortgagee's release")],
    "残疾人证办理": [PHOTO, _mat("残疾评定表", "Disability assessment", form="原件")],
    "残疾人证换领": [DISABILITY, PHOTO],
    "残疾人两项补贴申请": [DISABILITY],
    "残疾人辅助器具申请": [DISABILITY],
    "残疾人就业服务登记": [DISABILITY],
    "出生医学证明补发": [_mat("新生儿父母身份证明及住院分娩记录", "Parents' IDs and birth record",
                          form="原件")],
    "公共租赁住房申请": [HUKOU, _mat("家庭收入证明", "Household income statement",
                                  deferrable=True)],
    "企业变更登记": [BUSINESS, _mat("变更决议或决定", "Resolution on the change")],
    "个体工商户设立登记": [_mat("经营场所使用证明", "Proof of business premises",
                             deferrable=True)],
    "企业设立登记": [_mat("公司章程", "Articles of association", form="原件"),
                   _mat("住所使用证明", "Proof of registered address", deferrable=True)],
    "义务教育入学报名": [HUKOU, _mat("居住证或房产证明", "Residence permit or property papers",
                                  deferrable=True)],
    "退役军人优待证申领": [PHOTO],
    "租房提取住房公积金": [LEASE],      # 容缺: the lease may follow within the days allowed
}


# fees the law charges that the base data lacks: no amount where the price is set locally
# by the provider (then nothing is paid at the terminal); registration fees are paid on
# the payment notice after acceptance, not at the terminal
FEES: dict[str, str] = {
    "不动产转移登记预约": "住宅80元/件，非住宅550元/件（不动产登记费，受理后按缴款通知缴纳）",
    "不动产首次登记": "住宅80元/件，非住宅550元/件（不动产登记费，受理后按缴款通知缴纳）",
    "不动产抵押登记": "住宅80元/件，非住宅550元/件（不动产登记费，受理后按缴款通知缴纳）",
    "驾驶人考试预约": "收费：考试费按云南省价格主管部门核定的标准缴纳",
    "机动车检验预约": "收费：检验费由检验机构按公示价格收取",
    "健康证明体检预约": "收费：体检费按医疗机构公示价格收取",
    "公证预约": "收费：按云南省公证服务收费标准收取",
    "普通话水平测试预约": "收费：测试费按云南省核定标准缴纳",
}


def law_for(name: str, department_law: str) -> str:
    """The item's legal basis: the first matching rule, else the department's law."""
    for keys, law in LAWS:
        if any(k in name for k in keys):
            return law
    return department_law


def produces(name: str) -> list[str]:
    """The documents an item issues (empty: a decision, a record, a service)."""
    return [doc for key, doc in PRODUCES if key in name][:1]


def may_require_own_output(name: str) -> bool:
    """A renewal hands the old document in; nothing else asks for what it issues."""
    return any(k in name for k in RENEWAL) and not any(k in name for k in REPLACEMENT)


def materials_for(name: str, derived: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The item's materials: ID card and form from ``derived``, the rest explicit where
    listed, never the item's own output (see the module docstring)."""
    mats = [dict(m, deferrable=bool(m.get("deferrable", False))) for m in derived]
    if name in MATERIALS:
        head = [m for m in mats if m["name"] == "居民身份证"]
        form = [m for m in mats if m["name"].startswith("《")]
        mats = head + [dict(m) for m in MATERIALS[name]] + form
    own = produces(name)
    if own and not may_require_own_output(name):
        mats = [m for m in mats if not any(doc.endswith(m["name"]) for doc in own)]
    return mats


def refine(item: dict[str, Any], department_law: str) -> dict[str, Any]:
    """Give a built item its own legal basis, outputs and consistent materials."""
    name = item["name"]
    item["legal_basis"] = law_for(name, department_law)
    item["produces"] = produces(name)
    if name in FEES and item.get("fees", "不收费") == "不收费":
        item["fees"] = FEES[name]
        item["fee_fen"] = fee_amount(FEES[name]) if item["flow"] != "appointment" else 0
    item["materials"] = materials_for(name, item["materials"])
    item["deferrable_days"] = DEFER_DAYS if any(m["deferrable"] for m in item["materials"]) \
        else 0
    where = where_for(item)
    item["where"] = where
    item["cross_province"] = where["cross_province"] is not None
    item["scope"] = f"{where['text']}；实施主体：{item['department']}"
    conditions = item.get("conditions", [])
    item["conditions"] = [c.replace(f"符合{department_law.split('》')[0]}》",
                                    f"符合{item['legal_basis'].split('》')[0]}》")
                          for c in conditions]
    return item


def fee_amount(text: str) -> int:
    """The first amount named in a fee text, in fen (0: none named)."""
    found = re.search(r"(\d+(?:\.\d{1,2})?)元", text)
    return round(float(found.group(1)) * 100) if found else 0
