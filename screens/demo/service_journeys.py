"""The scripted journeys of a complete visit (issue 15): 好差评 after a query, a
cross-province application, 一件事一次办 for a newborn, 一键求助 and 代办. They run after
the citizen journeys of screens/demo/journeys.py and use its steps."""

from __future__ import annotations

from collections.abc import Callable

from screens.demo.context import DemoContext
from screens.demo.journeys import (
    CARD,
    PHONE,
    _begin,
    _ended,
    _fill,
    _identify,
    _print_result,
    _search_open,
    _skip_evaluation,
    _take_card_away,
)


def evaluate_after_query(ctx: DemoContext) -> None:
    """凡办必评: a query, not only an application, is offered 好差评; the rating reaches the
    platform bound to the query's service record and this visit."""
    session = _begin(ctx)
    _search_open(ctx, "zfgjjzhcx", "KM-HPF-002")
    ctx.tap("start_item")
    _identify(ctx, face=False)
    ctx.ui.wait_screen("result")
    ctx.tap("finish")
    ctx.ui.wait_screen("evaluate")
    rateable = ctx.ui.on_main(lambda: ctx.app.journey.result.rateable)
    ctx.expect(rateable is not None and rateable.kind == "query", "the query is not rateable")
    visit_id = ctx.ui.on_main(lambda: ctx.app.session.visit_id)
    ctx.shot("evaluate-query")
    ctx.tap("level_4")
    ctx.tap("eval_submit")
    _ended(ctx, session)
    outbox = ctx.app.terminal.outbox
    ctx.ui.wait(lambda: outbox.counts().get("pending", 0) == 0, "evaluation delivered", 20)
    platform = ctx.suite.platform.state
    rows = platform.store.query(
        "SELECT e.level, s.kind, s.item_code, v.visit_id FROM evaluations e "
        "JOIN services s ON s.service_no = e.case_no "
        "JOIN evaluation_visits v ON v.number = e.case_no WHERE e.case_no=?",
        (rateable.number,))
    ctx.expect(len(rows) == 1 and tuple(rows[0]) == (4, "query", "KM-HPF-002", visit_id),
               f"platform holds no rating of the query for this visit: {rows}")
    ctx.step("query rated 满意 (4) on the platform, bound to its service record and visit")


def cross_province_application(ctx: DemoContext) -> None:
    """跨省通办: a citizen registered in Sichuan applies for 退休提取住房公积金 in Kunming; the
    application is collected here and forwarded to Sichuan's office, and the receipt says so."""
    session = _begin(ctx)
    _search_open(ctx, "txtqzfgjj", "KM-HPF-007")
    where = ctx.ui.on_main(lambda: "\n".join(
        str(w.text) for w in ctx.app.root.current_screen.ids.sections.children))
    ctx.expect("异地代收代办" in where and "km）" in where, "the guide does not say where")
    ctx.tap("where_map")                 # the map shows only the points that offer it
    ctx.ui.wait_screen("map")
    shown = ctx.ui.on_main(lambda: len(ctx.app.root.current_screen.ids.points.children))
    offering = ctx.ui.on_main(lambda: sum("KM-HPF-007" in p.items
                                          for p in ctx.app.service_points))
    ctx.expect(shown == offering > 0, f"map lists {shown} points, {offering} offer the item")
    ctx.shot("map-where")
    ctx.tap("back")
    ctx.ui.wait_screen("guide")
    ctx.tap("start_item")
    _identify(ctx, face=True, card="chuan")
    ctx.ui.wait_screen("commitment")
    ctx.tap("accept")
    ctx.ui.wait_screen("form")
    ctx.type_keys(PHONE)
    _fill(ctx, amount="86000", bank=3)
    ctx.tap("submit")
    ctx.ui.wait_screen("result", timeout=30)
    text = ctx.ui.text_on_screen()
    ctx.expect("四川省住房公积金管理中心" in text, "the result does not say where it went")
    case_no = ctx.ui.on_main(lambda: ctx.app.journey.result.case_no)
    ctx.memo["case_nos"] = (*ctx.memo.get("case_nos", ()), case_no)
    ctx.shot("cross-province-receipt")
    _png, receipt = _print_result(ctx)
    ctx.expect("跨省通办（异地代收代办）" in receipt and "四川省住房公积金管理中心" in receipt,
               "the receipt does not say the application was forwarded")
    platform = ctx.suite.platform.state
    ctx.expect(platform.forwards.get(case_no) is not None, "the platform did not forward it")
    ctx.step("forwarded to 四川省住房公积金管理中心 (异地代收代办)", case=case_no[:6] + "…")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


def life_event_newborn(ctx: DemoContext) -> None:
    """一件事一次办: 新生儿出生 — one identification, one form, one submission; the receipt
    lists the three linked cases (户口登记, 医保参保, 社保卡), progress per case."""
    session = _begin(ctx)
    _search_open(ctx, "xsecsyjs", "KM-LE-001")
    ctx.tap("start_item")
    _identify(ctx, face=True)
    ctx.ui.wait_screen("commitment")
    ctx.tap("accept")
    ctx.ui.wait_screen("form")
    ctx.type_keys(PHONE)
    ctx.tap("field_bank_0")
    codes = ctx.sample_codes(CARD)
    for licence in ("licence:hukou", "licence:marriage"):
        ctx.control("scanner.emit", text=codes[licence])
    ctx.ui.wait(lambda: {"居民户口簿", "结婚证"} <= set(ctx.app.root.current_screen.draft.provided),
                "e-licences")
    ctx.tap("photo_出生医学证明")
    ctx.tap("photo_近期免冠证件照片（数码回执）")
    ctx.shot("form")
    ctx.tap("submit")
    ctx.ui.wait_screen("result", timeout=30)
    case = ctx.ui.on_main(lambda: ctx.app.journey.result.case)
    ctx.expect(case is not None and len(case.linked) == 3 and not case.failed,
               "the combined service did not create three linked cases")
    ctx.memo["case_nos"] = (*ctx.memo.get("case_nos", ()), case.case_no,
                            *(c.case_no for c in case.linked))
    ctx.shot("linked-cases")
    _png, receipt = _print_result(ctx)
    ctx.expect("一件事一次办" in receipt and all(c.case_no in receipt for c in case.linked),
               "the receipt does not list the linked cases")
    ctx.step("three linked cases", items="、".join(c.item_name for c in case.linked))
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)
    session = _begin(ctx)                 # progress per case, by the receipt's QR
    ctx.tap("start")
    ctx.ui.wait_screen("home")
    ctx.tap("cat_progress")              # the home screen's 办件查询 tile
    ctx.ui.wait_screen("progress")
    ctx.control("scanner.emit", text=case.progress_qr)
    ctx.ui.wait_screen("result")
    text = ctx.ui.text_on_screen()
    ctx.expect(all(c.item_name in text for c in case.linked), "progress is not shown per case")
    ctx.shot("progress-per-case")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


def call_for_help(ctx: DemoContext) -> None:
    """一键求助 from the permanent bar: the ticket reaches a fleet server, an operator
    acknowledges it and the screen says staff is coming; then a call nobody answers falls
    back to the 12345 hotline."""
    from fleet.testing import FleetHarness
    from kiosk.agent.client import FleetClient, enrol
    from kiosk.help_desk import HelpDesk, fleet_poster

    session = _begin(ctx)
    with FleetHarness(f"sqlite:///{ctx.out_dir}/fleet-help.db") as fleet:
        client = FleetClient(fleet.url, enrol(fleet.url, fleet.token, "KM-DEMO-HELP"))
        screen = ctx.app.root.get_screen("help")
        ctx.ui.on_main(lambda: screen.use_desk(HelpDesk(fleet_poster(client),
                                                        fallback_after_s=600, poll_s=0.5)))
        ctx.tap("start")
        ctx.ui.wait_screen("home")
        ctx.tap("help")
        ctx.ui.wait_screen("help")
        ctx.ui.wait(lambda: "求助编号" in screen.detail, "ticket raised", timeout=15)
        ctx.shot("help-waiting")
        operator = fleet.login("operator")
        open_ = operator.get(fleet.url + "/api/ops/help", timeout=10).json()["tickets"]
        ctx.expect(len(open_) == 1 and open_[0]["screen"] == "home",
                   f"the operator does not see the ticket: {open_}")
        operator.post(f"{fleet.url}/api/ops/help/{open_[0]['ticket_id']}/ack", json={},
                      timeout=10).raise_for_status()
        ctx.ui.wait(lambda: "工作人员已收到，正在赶来" in ctx.ui.text_on_screen(),
                    "acknowledgement shown", timeout=15)
        ctx.shot("help-acknowledged")
        ctx.step("operator acknowledged: 工作人员已收到，正在赶来")
        ctx.tap("help_back")
        ctx.ui.wait_screen("home")
        ctx.ui.on_main(lambda: screen.use_desk(HelpDesk(fleet_poster(client),
                                                        fallback_after_s=2, poll_s=0.5)))
        ctx.tap("help")
        ctx.ui.wait(lambda: "12345" in ctx.ui.text_on_screen(), "12345 fallback", timeout=20)
        ctx.shot("help-12345")
        ctx.step("nobody acknowledged in time: the 12345 hotline is given")
        ctx.tap("help_back")
    ctx.ui.on_main(ctx.app.end_visit)
    _ended(ctx, session)


def proxy_application(ctx: DemoContext) -> None:
    """代办: a son applies for his mother's 高龄津贴 — he identifies with card and face, her
    card is read, the authorisation is recorded and the receipt names both, masked."""
    session = _begin(ctx)
    _search_open(ctx, "gljtsl", "KM-CIVIL-007")
    ctx.tap("start_item")
    ctx.ui.wait_screen("identify")
    ctx.tap("proxy")
    taken = ctx.ui.on_main(lambda: ctx.app.journey.proxy_requested)
    ctx.expect(bool(taken), "代办 was not taken")
    ctx.control("camera.face")
    ctx.control("idcard.insert", card=CARD)
    ctx.ui.wait(lambda: ctx.app.journey is not None and ctx.app.journey.awaiting_principal
                and not ctx.app.busy, "the agent identified", timeout=30)
    _take_card_away(ctx)           # the reader must see it go before the next card
    ctx.control("camera.nothing")
    ctx.shot("principal-card")
    ctx.control("idcard.insert", card="bai")
    ctx.ui.wait_screen("commitment", timeout=30)
    ctx.control("idcard.remove")
    ctx.tap("accept")
    ctx.ui.wait_screen("form")
    ctx.type_keys(PHONE)
    ctx.tap("submit")
    ctx.ui.wait_screen("result", timeout=30)
    proxy = ctx.ui.on_main(lambda: ctx.app.journey.result.case.proxy)
    ctx.expect(proxy is not None, "no authorisation on the case")
    text = ctx.ui.text_on_screen()
    ctx.expect(proxy.agent_masked in text and proxy.principal_masked in text,
               "the result does not name both")
    ctx.shot("proxy-result")
    _png, receipt = _print_result(ctx)
    numbers = [ctx.suite.idcard.cards[c].fields["id_number"] for c in (CARD, "bai")]
    ctx.expect(proxy.agent_masked in receipt and proxy.principal_masked in receipt,
               "the receipt does not name both")
    ctx.expect(not any(n in receipt for n in numbers), "a full ID number was printed")
    ctx.step("receipt names agent and principal (masked)", authorisation=proxy.authorisation_no)
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


SERVICE_JOURNEYS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("evaluate_after_query", evaluate_after_query),
    ("cross_province_application", cross_province_application),
    ("life_event_newborn", life_event_newborn),
    ("call_for_help", call_for_help),
    ("proxy_application", proxy_application),
]
