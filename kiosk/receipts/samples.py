"""Sample receipts with made-up data, for golden tests, the bench, docs and the demo.

The applicant data is fictitious (a test ID number with a valid layout); the templates mask
it as they would a real one.
"""

from __future__ import annotations

from datetime import date, datetime

from drivers.printer.document import Document
from drivers.printer.logo import emblem
from kiosk.receipts import templates

SAMPLE_ID = "53010219900101123X"
SAMPLE_NAME = "李春华"
SAMPLE_ADDRESS = "云南省昆明市五华区青年路100号3栋2单元501室"
SAMPLE_CASE = "53010220261121000123"
WHEN = datetime(2026, 11, 21, 9, 30, 15)


def acceptance(logo: bool = True) -> Document:
    """A 受理凭证 for a pension registration."""
    return templates.acceptance_receipt(
        item="城乡居民基本养老保险参保登记",
        case_number=SAMPLE_CASE,
        accepted_at=WHEN,
        terminal_id="KM-WH-0001",
        id_number=SAMPLE_ID,
        applicant_name=SAMPLE_NAME,
        address=SAMPLE_ADDRESS,
        department="五华区人力资源和社会保障局",
        promised="5个工作日",
        logo=emblem() if logo else None,
    )


def query_result(logo: bool = True) -> Document:
    """A 查询结果 for a housing provident fund balance query."""
    return templates.query_result_slip(
        item="住房公积金个人账户查询",
        queried_at=WHEN,
        terminal_id="KM-WH-0001",
        id_number=SAMPLE_ID,
        applicant_name=SAMPLE_NAME,
        rows=[
            ("账户状态", "正常缴存"),
            ("缴存基数", "¥6,800.00"),
            ("月缴存额", "¥1,632.00"),
            ("账户余额", "¥48,215.37"),
            ("最近缴存", "2026年10月"),
            ("缴存单位", "昆明市某某科技有限公司（单位名称较长时自动换行显示）"),
        ],
        logo=emblem() if logo else None,
    )


def appointment(logo: bool = True) -> Document:
    """A 预约凭证 at a district service hall."""
    return templates.appointment_slip(
        item="不动产登记（转移登记）",
        appointment_number="A-0387",
        service_point="五华区政务服务中心",
        point_address="昆明市五华区西昌路1号 二楼B区",
        day=date(2026, 11, 24),
        time_slot="09:00–10:00",
        booked_at=WHEN,
        terminal_id="KM-WH-0001",
        id_number=SAMPLE_ID,
        applicant_name=SAMPLE_NAME,
        logo=emblem() if logo else None,
    )


def evaluation(logo: bool = True) -> Document:
    """A 好差评 QR slip."""
    return templates.evaluation_slip(
        payload="EBT1:EVAL:" + SAMPLE_CASE + ":KM-WH-0001",
        item="城乡居民基本养老保险参保登记",
        printed_at=WHEN,
        terminal_id="KM-WH-0001",
        case_number=SAMPLE_CASE,
        logo=emblem() if logo else None,
    )


SAMPLES = {
    "acceptance": acceptance,
    "query_result": query_result,
    "appointment": appointment,
    "evaluation": evaluation,
}
