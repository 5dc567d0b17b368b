"""Source data of the simulator's item catalog: departments, life events, item lines.

Each item line is ``name|name_en|flow|type|level|topic|life events`` where flow is one of
g(uide) q(uery) c(ertificate) a(pplication) p(rogress) y (appointment); type is an item type
code (see ``ITEM_TYPES``); level 0/1/2 = none / ID card / ID card + face; topic names the
synthetic-population record set a query or certificate reads. ``catalog.py`` turns these
lines into full items with all twelve guide elements.
"""

from __future__ import annotations

ITEM_TYPES = {
    "XK": ("行政许可", "Administrative licensing"),
    "QR": ("行政确认", "Administrative confirmation"),
    "GF": ("行政给付", "Administrative payment"),
    "JL": ("行政奖励", "Administrative reward"),
    "BA": ("行政备案", "Administrative filing"),
    "CJ": ("行政裁决", "Administrative adjudication"),
    "QT": ("其他行政权力", "Other administrative power"),
    "GG": ("公共服务", "Public service"),
}

LIFE_EVENTS = {
    "birth": ("出生", "Birth"), "school": ("上学", "Schooling"), "job": ("就业", "Work"),
    "marriage": ("婚姻", "Marriage"), "childbirth": ("生育", "Having a child"),
    "house": ("住房", "Housing"), "car": ("车辆驾驶", "Driving and vehicles"),
    "travel": ("出行出境", "Travel abroad"), "business": ("开办企业", "Starting a business"),
    "retire": ("退休养老", "Retirement"), "medical": ("就医", "Medical care"),
    "move": ("迁居落户", "Moving home"), "death": ("身后事", "After a death"),
    "disability": ("残疾人服务", "Disability services"),
}

# code, name, name_en, legal basis
DEPARTMENTS = [
    ("PSB", "市公安局", "Public Security Bureau",
     "《中华人民共和国居民身份证法》《中华人民共和国户口登记条例》"),
    ("EXIT", "市公安局出入境管理支队", "Exit-Entry Administration",
     "《中华人民共和国出境入境管理法》《中华人民共和国护照法》"),
    ("TRAFFIC", "市公安局交通警察支队", "Traffic Police", "《中华人民共和国道路交通安全法》"),
    ("TAX", "国家税务总局昆明市税务局", "Taxation Bureau",
     "《中华人民共和国税收征收管理法》《中华人民共和国个人所得税法》"),
    ("HRSS", "市人力资源和社会保障局", "Human Resources and Social Security",
     "《中华人民共和国社会保险法》《社会保险费征缴暂行条例》"),
    ("MEDI", "市医疗保障局", "Healthcare Security", "《医疗保障基金使用监督管理条例》"),
    ("HPF", "昆明住房公积金管理中心", "Housing Provident Fund", "《住房公积金管理条例》"),
    ("REAL", "市不动产登记中心", "Real Estate Registration", "《不动产登记暂行条例》"),
    ("CIVIL", "市民政局", "Civil Affairs", "《婚姻登记条例》《社会救助暂行办法》"),
    ("SAMR", "市市场监督管理局", "Market Regulation",
     "《中华人民共和国市场主体登记管理条例》《中华人民共和国食品安全法》"),
    ("CREDIT", "市发展和改革委员会", "Development and Reform (Credit)",
     "《云南省社会信用体系建设条例》"),
    ("EDU", "市教育体育局", "Education and Sports", "《中华人民共和国义务教育法》《教师资格条例》"),
    ("HEALTH", "市卫生健康委员会", "Health Commission",
     "《中华人民共和国基本医疗卫生与健康促进法》《中华人民共和国母婴保健法》"),
    ("JUSTICE", "市司法局", "Justice Bureau",
     "《中华人民共和国法律援助法》《中华人民共和国公证法》"),
    ("HOUSING", "市住房和城乡建设局", "Housing and Urban-Rural Development",
     "《公共租赁住房管理办法》《商品房屋租赁管理办法》"),
    ("VETERANS", "市退役军人事务局", "Veterans Affairs", "《中华人民共和国退役军人保障法》"),
    ("DISABLED", "市残疾人联合会", "Disabled Persons' Federation",
     "《中华人民共和国残疾人保障法》"),
]

ITEM_LINES = {
    "PSB": """户口迁入登记|Household registration: moving in|a|QR|2||move
户口迁出登记|Household registration: moving out|a|QR|2||move
出生登记|Birth registration (hukou)|a|QR|2||birth
死亡注销户口|Cancelling hukou after a death|a|QR|2||death
居民身份证申领|Resident ID card application|y|QR|2||birth,move
居民身份证换领|Resident ID card renewal|y|QR|2||
居民身份证挂失补领|Lost ID card replacement|y|QR|2||
临时居民身份证办理|Temporary resident ID card|a|QR|2||travel
居住证申领|Residence permit application|a|GG|2|res|move,job
居住证签注|Residence permit endorsement|a|GG|2|res|move
居住证信息查询|Residence permit information|q|GG|1|res|move
户籍证明开具|Household registration certificate|c|GG|2|hukou|school
无犯罪记录证明开具|No criminal record certificate|c|GG|2|crim|job
户口登记信息查询|Household register information|q|GG|1|hukou|
姓名变更登记|Change of name registration|a|QR|2||
身份证办理进度查询|ID card processing progress|p|GG|0||""",
    "EXIT": """普通护照申领|Ordinary passport application|y|XK|2||travel
普通护照换发补发|Passport renewal or replacement|y|XK|2||travel
往来港澳通行证申领|Exit-entry permit for Hong Kong and Macao|y|XK|2||travel
港澳团队旅游签注|Hong Kong/Macao group tour endorsement|a|XK|2||travel
港澳个人旅游签注|Hong Kong/Macao individual tour endorsement|a|XK|2||travel
往来台湾通行证申领|Travel permit to Taiwan|y|XK|2||travel
赴台个人旅游签注|Taiwan individual tour endorsement|a|XK|2||travel
出入境记录查询|Exit-entry record|q|GG|2|exit|travel
出入境证件办理进度查询|Exit-entry document progress|p|GG|0||travel
出入境证件照片采集预约|Photo capture for exit-entry documents|y|GG|1||travel
外国人签证证件延期指引|Guide to foreigners' visa extension|g|XK|0||
边境管理区通行证办理|Border area pass|a|XK|2||travel
出入境证件遗失报失|Report a lost exit-entry document|a|QR|2||travel""",
    "TRAFFIC": """交通违法查询|Traffic violation query|q|GG|1|trf|car
交通违法处理|Traffic violation handling|a|QT|2|trf|car
机动车驾驶证期满换证|Driving licence renewal on expiry|a|XK|2||car
驾驶证遗失补证|Driving licence replacement|a|XK|2||car
驾驶证审验|Driving licence review|a|QR|2||car
驾驶人考试预约|Driving test appointment|y|GG|2||car
机动车检验标志核发|Vehicle inspection sticker|a|XK|2||car
机动车登记信息查询|Vehicle registration information|q|GG|1|veh|car
驾驶证记分查询|Driving licence points|q|GG|1|pts|car
机动车转移登记预约|Vehicle transfer registration appointment|y|QR|2||car
临时号牌申领|Temporary licence plates|a|XK|2||car
驾驶人信息证明|Driver information certificate|c|GG|2|drv|car,job
机动车检验预约|Vehicle inspection appointment|y|GG|1||car
交通事故处理进度查询|Traffic accident case progress|p|GG|0||car
电动自行车登记预约|E-bike registration appointment|y|QR|2||car
机动车交通违法记录证明|Vehicle violation record certificate|c|GG|2|trf|car
交通违法罚款缴纳|Traffic fine payment|a|QT|0||car""",
    "TAX": """个人所得税纳税记录开具|Individual income tax payment record|c|GG|2|tax|job,house
完税证明开具|Tax payment certificate|c|GG|2|tax|house
个人所得税年度汇算|Individual income tax annual reconciliation|a|QR|2|tax|job
专项附加扣除信息采集|Special additional deductions|a|QR|2|tax|childbirth,school,house
代开增值税发票|Invoice issuing on a taxpayer's behalf|a|GG|2||business
税务登记信息查询|Tax registration information|q|GG|1|tax|business
车辆购置税申报|Vehicle purchase tax declaration|a|QR|2||car
契税申报|Deed tax declaration|a|QR|2||house
城乡居民养老保险费缴纳|Residents' pension contribution payment|a|GG|1||retire
灵活就业人员社保费缴纳|Social insurance payment for flexible workers|a|GG|1||job
个人收入纳税明细查询|Personal income and tax details|q|GG|2|tax|job
纳税信用等级查询|Tax credit rating|q|GG|1|crd|business
发票真伪查验指引|Guide to checking invoices|g|GG|0||business
税收优惠政策指引|Guide to tax incentives|g|GG|0||business
个税退税进度查询|Income tax refund progress|p|GG|0||job""",
    "HRSS": """社会保险个人参保证明打印|Social insurance certificate|c|GG|2|ss|job,house,school
社会保险缴费明细查询|Social insurance contribution details|q|GG|1|ss|job
养老保险个人账户查询|Pension account|q|GG|1|pen|retire
基本养老保险关系转移接续|Transfer of pension insurance|a|GG|2||job,move
养老金领取资格认证|Pension qualification check|a|QR|2|pen|retire
养老金发放明细查询|Pension payment details|q|GG|1|pen|retire
失业保险金申领|Unemployment insurance benefit|a|GF|2||job
就业失业登记|Employment and unemployment registration|a|GG|2||job
就业创业证申领|Employment and entrepreneurship certificate|a|GG|2||job,business
社会保障卡申领|Social security card application|a|GG|2||birth,job
社会保障卡挂失|Report a lost social security card|a|GG|2||
社会保障卡状态查询|Social security card status|q|GG|1|sscard|
工伤保险待遇申请|Work injury benefit application|a|GF|2||job
职业技能等级证书查询|Vocational skill certificates|q|GG|1|skill|job
丧葬补助金申领|Funeral grant application|a|GF|2||death
社保缴费基数申报|Contribution base declaration|a|QR|2||job
社会保险个人权益记录单打印|Social insurance rights record|c|GG|2|pen|retire,job""",
    "MEDI": """医疗保险参保凭证打印|Medical insurance enrolment certificate|c|GG|2|med|school,job
医保个人账户余额查询|Medical insurance account balance|q|GG|1|med|medical
医保消费明细查询|Medical insurance spending details|q|GG|1|med|medical
异地就医备案|Registration for treatment in another city|a|GG|2||medical,move,travel
门诊慢特病待遇认定|Chronic disease outpatient benefit|a|QR|2||medical,retire
城乡居民医保参保登记|Residents' medical insurance enrolment|a|GG|2||birth,school
新生儿参保登记|Newborn medical insurance enrolment|a|GG|2||birth,childbirth
医保关系转移接续|Medical insurance transfer|a|GG|2||move,job
生育津贴申领|Maternity allowance application|a|GF|2||childbirth
医疗费用手工报销|Manual reimbursement of medical expenses|a|GF|2||medical
医保电子凭证激活指引|Guide to the medical insurance e-voucher|g|GG|0||medical
定点医药机构查询|Designated hospitals and pharmacies|g|GG|0||medical
医保缴费记录查询|Medical insurance payment record|q|GG|1|med|
医疗费用报销进度查询|Medical reimbursement progress|p|GG|0||medical""",
    "HPF": """住房公积金缴存证明打印|Provident fund deposit certificate|c|GG|2|hpf|house
住房公积金账户查询|Provident fund account|q|GG|1|hpf|house,job
住房公积金缴存明细查询|Provident fund deposit details|q|GG|1|hpf|house
购房提取住房公积金|Provident fund withdrawal for a home purchase|a|GF|2||house
租房提取住房公积金|Provident fund withdrawal for renting|a|GF|2||house,job
偿还贷款提取住房公积金|Provident fund withdrawal for loan repayment|a|GF|2||house
退休提取住房公积金|Provident fund withdrawal on retirement|a|GF|2||retire
离职提取住房公积金|Provident fund withdrawal on leaving a job|a|GF|2||job,move
住房公积金贷款申请|Provident fund loan application|a|GG|2||house
公积金贷款进度查询|Provident fund loan progress|p|GG|0||house
公积金贷款还款明细查询|Provident fund loan repayments|q|GG|1|hpfloan|house
住房公积金个人开户|Open a provident fund account|a|GG|2||job
住房公积金异地转移接续|Provident fund transfer between cities|a|GG|2||move,job
公积金贷款额度试算指引|Guide to provident fund loan limits|g|GG|0||house""",
    "REAL": """不动产登记信息查询|Real estate registration information|q|GG|2|re|house,school
不动产登记资料查询证明|Real estate register certificate|c|GG|2|re|house,school
无房证明开具|No-property certificate|c|GG|2|re|house,marriage
不动产转移登记预约|Real estate transfer appointment|y|QR|2||house
不动产抵押登记|Mortgage registration|a|QR|2||house
抵押权注销登记|Cancelling a mortgage|a|QR|2||house
不动产首次登记|First registration of real estate|a|QR|2||house
不动产更正登记|Correction registration|a|QR|2||house
不动产权证书补发|Replacement real estate certificate|a|QR|2||house
不动产预告登记|Advance notice registration|a|QR|2||house
不动产登记办理进度查询|Real estate registration progress|p|GG|0||house
不动产查封信息查询|Real estate seizure information|q|GG|2|re|house
存量房交易网签备案|Online filing of a second-hand housing contract|a|BA|2||house""",
    "CIVIL": """结婚登记预约|Marriage registration appointment|y|QR|2||marriage
离婚登记预约|Divorce registration appointment|y|QR|2||marriage
婚姻登记记录证明|Marriage registration record certificate|c|GG|2|mar|marriage,house
补领结婚证预约|Replacement marriage certificate appointment|y|QR|2||marriage
最低生活保障申请|Minimum living allowance application|a|GF|2||
特困人员救助供养申请|Support for people in extreme poverty|a|GF|2||
高龄津贴申领|Old-age allowance|a|GF|2||retire
临时救助申请|Temporary assistance|a|GF|2||
殡葬服务预约|Funeral service appointment|y|GG|1||death
惠民殡葬补贴申领|Funeral subsidy|a|GF|2||death
养老服务机构查询|Elderly care institutions|g|GG|0||retire
低保待遇查询|Minimum allowance status|q|GG|1|dibao|
社会组织信息查询|Social organisation information|g|GG|0||business
残疾人两项补贴申请|Two subsidies for disabled persons|a|GF|2||disability
婚姻状况查询|Marital status|q|GG|2|mar|marriage""",
    "SAMR": """个体工商户设立登记|Registration of an individual business|a|XK|2||business
个体工商户注销登记|Deregistration of an individual business|a|QR|2||business
企业设立登记|Company registration|a|XK|2||business
企业变更登记|Company change registration|a|XK|2||business
企业简易注销登记|Simplified company deregistration|a|QR|2||business
营业执照打印|Business licence print|c|GG|2|biz|business
食品经营许可|Food business licence|a|XK|2||business
食品经营许可延续|Food business licence renewal|a|XK|2||business
名下市场主体查询|Businesses registered in my name|q|GG|1|biz|business
企业名称自主申报|Company name self-declaration|a|QR|2||business
消费投诉举报|Consumer complaint|a|GG|1||
计量器具检定预约|Measuring instrument verification appointment|y|GG|1||business
企业年度报告公示指引|Guide to company annual reports|g|GG|0||business
企业登记进度查询|Company registration progress|p|GG|0||business""",
    "CREDIT": """个人公共信用信息查询|Personal public credit information|q|GG|2|crd|house,job
公共信用信息报告打印|Public credit information report|c|GG|2|crd|business,job
信用修复申请|Credit repair application|a|QT|2||business
失信被执行人查询指引|Guide to the dishonest debtor list|g|GG|0||
信用承诺书填报|Credit commitment filing|a|BA|2||business
价格认定申请|Price determination application|a|QT|2||""",
    "EDU": """义务教育入学报名|Compulsory education enrolment|a|GG|2||school
学籍信息查询|Student status information|q|GG|2|edu|school
学历证明开具|Proof of education|c|GG|2|edu|job
教师资格认定|Teacher qualification|a|XK|2||job
普通话水平测试预约|Putonghua test appointment|y|GG|1||job
中考成绩查询|Senior high entrance exam results|q|GG|1|exam|school
学生资助申请|Student financial aid|a|GF|2||school
校外培训机构查询|Off-campus training institutions|g|GG|0||school
高中阶段学校招生指引|High school admission guide|g|GG|0||school
转学申请|School transfer application|a|GG|2||school,move
学生资助进度查询|Student aid progress|p|GG|0||school""",
    "HEALTH": """出生医学证明补发|Birth medical certificate replacement|a|QR|2||birth
预防接种记录查询|Vaccination record|q|GG|1|vacc|birth,school
生育登记|Birth registration (family planning)|a|BA|2||childbirth
独生子女父母光荣证补办|Only-child parent honour certificate|a|QR|2||retire
医师执业注册|Physician practice registration|a|XK|2||job
护士执业注册|Nurse practice registration|a|XK|2||job
母婴保健技术服务执业许可|Maternal and child health licence|a|XK|2||business
公共场所卫生许可|Public place hygiene licence|a|XK|2||business
健康证明体检预约|Health certificate examination appointment|y|GG|1||job
家庭医生签约|Family doctor contract|a|GG|2||medical,retire
计划生育家庭奖励扶助|Family planning reward|a|JL|2||retire
医疗机构查询|Medical institutions|g|GG|0||medical
出生医学证明信息查询|Birth medical certificate information|q|GG|1|birthcert|birth""",
    "JUSTICE": """法律援助申请|Legal aid application|a|GG|2||
公证预约|Notarisation appointment|y|GG|1||house,travel
人民调解申请|People's mediation|a|GG|2||
律师执业信息查询|Lawyer information|g|GG|0||
社区矫正报到指引|Community correction guide|g|GG|0||
法律咨询预约|Legal consultation appointment|y|GG|1||
司法鉴定机构查询|Forensic appraisal institutions|g|GG|0||
公证书真伪查询|Notarial certificate authenticity|q|GG|1|notary|
法律援助办理进度查询|Legal aid progress|p|GG|0||""",
    "HOUSING": """公共租赁住房申请|Public rental housing application|a|GF|2||house
保障性住房资格查询|Affordable housing eligibility|q|GG|1|ah|house
商品房预售许可查询|Pre-sale permits|g|GG|0||house
房屋租赁登记备案|Residential lease filing|a|BA|2||house,job
住宅专项维修资金查询|Housing maintenance fund|q|GG|1|mf|house
存量房交易资金监管指引|Second-hand housing escrow guide|g|GG|0||house
建筑业企业资质查询|Construction enterprise qualifications|g|GG|0||business
住房租赁补贴申请|Rental subsidy|a|GF|2||house,job""",
    "VETERANS": """退役军人优待证申领|Veteran preferential card|a|QR|2||
退役士兵一次性经济补助申领|Lump-sum subsidy for discharged soldiers|a|GF|2||job
优抚对象抚恤补助查询|Special care benefits|q|GG|1|vet|
退役军人信息采集|Veteran information collection|a|BA|2||
烈士纪念设施查询|Martyrs' memorial facilities|g|GG|0||""",
    "DISABLED": """残疾人证办理|Disability certificate application|a|QR|2||disability
残疾人证换领|Disability certificate renewal|a|QR|2||disability
残疾人辅助器具申请|Assistive device application|a|GF|2||disability
残疾人就业服务登记|Disabled employment registration|a|GG|2||disability,job
残疾人证信息查询|Disability certificate information|q|GG|1|dis|disability""",
}

# Items that citizens use most on leading city terminals: popularity boost.
POPULAR = (
    "社会保险个人参保证明打印", "住房公积金缴存证明打印", "不动产登记信息查询",
    "无犯罪记录证明开具",
    "个人所得税纳税记录开具", "医疗保险参保凭证打印", "交通违法查询", "交通违法处理",
    "港澳个人旅游签注", "居住证申领", "养老金领取资格认证", "临时居民身份证办理",
    "住房公积金账户查询", "医保个人账户余额查询", "社会保险缴费明细查询", "异地就医备案",
)

FEES = {
    "居民身份证申领": "20元（首次申领免费）", "居民身份证换领": "20元",
    "居民身份证挂失补领": "40元",
    "临时居民身份证办理": "10元", "普通护照申领": "120元", "普通护照换发补发": "120元",
    "往来港澳通行证申领": "60元", "港澳个人旅游签注": "15元/次", "港澳团队旅游签注": "15元/次",
    "往来台湾通行证申领": "60元", "赴台个人旅游签注": "15元/次", "驾驶证遗失补证": "10元",
    "机动车驾驶证期满换证": "10元", "临时号牌申领": "5元/副",
    "不动产登记资料查询证明": "10元/份",
}
# items paid at the terminal: fine (by decision number), contribution (by grade); every
# item with a fee above is paid as "fee" before its service
PAYMENTS = {"交通违法罚款缴纳": "fine", "城乡居民养老保险费缴纳": "contribution"}
