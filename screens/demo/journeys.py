"""The scripted journeys of the headless demo, in order. Each drives the real UI by touch
and the simulators by their control surface, and checks what a citizen would see."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from screens.demo.context import DemoContext

CARD = "han"
PHONE = "13987654321"
CASE_RE = re.compile(r"EBT1:CASE:(\d{20})(?::[0-9a-f]{16})?")


def _begin(ctx: DemoContext) -> object:
    ui = ctx.ui
    ui.wait_screen("attract")
    return ctx.ui.on_main(lambda: ctx.app.session)


def _ended(ctx: DemoContext, session: object) -> None:
    ctx.ui.wait_screen("attract")
    ctx.expect(getattr(session, "wiped", False), "the session was not wiped")
    ctx.expect(getattr(session, "identity", 1) is None, "identity survived the wipe")
    left = ctx.ui.on_main(lambda: _left_on_screens(ctx))
    ctx.expect(not left, f"left on the screens after the wipe: {left}")
    ctx.step("session wiped from memory and every screen, attract screen back")


def _left_on_screens(ctx: DemoContext) -> list[str]:
    """What of the citizen any screen, shown or hidden, still holds (main thread)."""
    number = ctx.suite.idcard.cards[CARD].fields["id_number"]
    markers = ("*" + number[-4:], number, PHONE, *ctx.memo.get("case_nos", ()))
    found = []
    for screen in ctx.app.root.screens:
        for widget in screen.walk():
            text = str(getattr(widget, "text", "") or "")
            found += [f"{screen.name}: {text[:30]!r}" for m in markers if m in text]
        for name in ("qr", "later_qr"):
            if any(m in str(getattr(screen, name, "")) for m in markers):
                found.append(f"{screen.name}.{name}")
        preview = screen.ids.get("preview")
        if preview is not None and preview.texture is not None:
            found.append(f"{screen.name}: a camera picture")
    return found


def _search_open(ctx: DemoContext, keys: str, code: str) -> None:
    ctx.tap("start")
    ctx.ui.wait_screen("home")
    ctx.tap("search")
    ctx.ui.wait_screen("search")
    ctx.tap("input_pinyin")        # 长辈版 opens on handwriting
    ctx.type_keys(keys)
    ctx.shot("search")
    ctx.tap(f"hit_{code}")
    ctx.ui.wait_screen("guide")


def _identify(ctx: DemoContext, face: bool, card: str = CARD) -> None:
    ctx.ui.wait_screen("identify")
    ctx.shot("identify-card")
    if face:
        ctx.control("camera.face")
    ctx.control("idcard.insert", card=card)
    if face:
        ctx.ui.wait(lambda: ctx.app.root.current_screen.ids.preview.texture is not None,
                    "camera preview")
        ctx.shot("identify-face")
    ctx.ui.wait(lambda: ctx.app.root.current != "identify" and not ctx.app.busy,
                "identity accepted", timeout=30)
    ctx.control("idcard.remove")
    ctx.control("camera.nothing")
    ctx.expect(ctx.ui.on_main(lambda: ctx.app.session.identified), "not identified")


def _take_card_away(ctx: DemoContext, timeout: float = 15.0) -> None:
    """Take the card off the reader and wait until the reader has noticed (a busy machine
    can otherwise swap two cards inside one poll, and the second is never read)."""
    import threading

    gone = threading.Event()
    unsubscribe = ctx.app.terminal.bus.subscribe("idcard.card_removed",
                                                 lambda _t, _p: gone.set())
    try:
        ctx.control("idcard.remove")
        ctx.expect(gone.wait(timeout), "the reader did not notice the card leaving")
    finally:
        unsubscribe()


def _print_result(ctx: DemoContext) -> tuple[str, str]:
    before = ctx.printed_jobs()
    ctx.tap("print")
    png, txt = ctx.wait_printed(before + 1)
    ctx.ui.wait_idle()
    return str(png), txt.read_text(encoding="utf-8", errors="replace")


def _skip_evaluation(ctx: DemoContext) -> None:
    """Every visit kind is offered 好差评 (凡办必评); 稍后评价 declines it for now."""
    ctx.ui.wait_screen("evaluate")
    ctx.tap("eval_later")


def _fill(ctx: DemoContext, bank: int, **amounts: str) -> None:
    """Fill the platform's form: amounts typed on the keypad after touching their field,
    the bank chosen from its options."""
    for name, value in amounts.items():
        ctx.tap(f"field_{name}")
        ctx.type_keys(value)
    ctx.tap(f"field_bank_{bank}")


def guide_by_pinyin(ctx: DemoContext) -> None:
    """A guide lookup by pinyin initials; the guide is printed."""
    session = _begin(ctx)
    _search_open(ctx, "xwpxjg", "KM-EDU-008")
    text = ctx.ui.text_on_screen()
    ctx.expect("校外培训机构查询" in text and "要带什么" in text, "guide summary not shown")
    ctx.tap("full_guide")          # the twelve elements, one tap away
    ctx.expect("办理流程" in ctx.ui.text_on_screen(), "full guide not shown")
    ctx.shot("guide")
    before = ctx.printed_jobs()
    ctx.tap("print_guide")
    ctx.wait_printed(before + 1)
    ctx.tap("start_item")          # 去哪里办: a window item says where and when
    ctx.expect("请到以下地点办理" in ctx.ui.text_on_screen(), "no place for a window item")
    ctx.shot("guide-where")
    ctx.tap("start_item")          # then 完成
    _skip_evaluation(ctx)
    _ended(ctx, session)


def provident_fund_query(ctx: DemoContext) -> None:
    """住房公积金账户查询 with the ID card; the result printed as a slip."""
    session = _begin(ctx)
    _search_open(ctx, "zfgjjzhcx", "KM-HPF-002")
    ctx.tap("start_item")
    _identify(ctx, face=False)
    ctx.ui.wait_screen("result")
    text = ctx.ui.text_on_screen()
    ctx.expect("530102********1313" in text, "masked ID missing on the result")
    ctx.expect("530102198503121313" not in text, "full ID number on screen")
    ctx.shot("result")
    _png, slip = _print_result(ctx)
    ctx.expect("530102198503121313" not in slip, "full ID number printed")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


def social_security_certificate(ctx: DemoContext) -> None:
    """社会保险个人参保证明: card + face, preview, printed as a slip with its QR."""
    session = _begin(ctx)
    ctx.tap("start")
    ctx.ui.wait_screen("home")
    _open_category(ctx, "social")          # the 社保 tile
    _tap_listed(ctx, "item_KM-HRSS-001")
    ctx.ui.wait_screen("guide")
    ctx.tap("start_item")
    _identify(ctx, face=True)
    ctx.ui.wait_screen("result")
    ctx.expect("验证码" in ctx.ui.text_on_screen(), "certificate preview missing")
    ctx.shot("certificate")
    _png, slip = _print_result(ctx)
    ctx.expect("验证码" in slip, "certificate slip lacks the verification code")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


def electronic_id_certificate(ctx: DemoContext) -> None:
    """The same certificate by the electronic-ID QR (网证) at the scanner: no card, no face."""
    session = _begin(ctx)
    _search_open(ctx, "grcbzm", "KM-HRSS-001")
    ctx.tap("start_item")
    ctx.ui.wait_screen("identify")
    ctx.control("scanner.emit", text=ctx.sample_codes(CARD)["eid"])
    ctx.ui.wait(lambda: ctx.app.root.current != "identify" and not ctx.app.busy,
                "electronic ID accepted", timeout=30)
    ctx.expect(ctx.ui.on_main(lambda: ctx.app.session.identified), "not identified")
    ctx.ui.wait_screen("result")
    text = ctx.ui.text_on_screen()
    ctx.expect("验证码" in text, "certificate preview missing")
    ctx.expect("530102198503121313" not in text, "full ID number on screen")
    ctx.shot("certificate")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


def application_with_receipt(ctx: DemoContext) -> None:
    """租房提取住房公积金: commitment, form, e-licence + photos, submit, receipt."""
    session = _begin(ctx)
    _search_open(ctx, "zftq", "KM-HPF-005")
    ctx.tap("start_item")
    _identify(ctx, face=True)
    ctx.ui.wait_screen("commitment")
    ctx.shot("commitment")
    ctx.tap("accept")
    ctx.ui.wait_screen("form")
    ctx.type_keys(PHONE)
    _fill(ctx, amount="5400", rent="1800", bank=0)       # the platform's form for the item
    licence = ctx.sample_codes(CARD)["licence:idcard"]
    ctx.control("scanner.emit", text=licence)
    ctx.ui.wait(lambda: "居民身份证" in ctx.app.root.current_screen.draft.provided, "e-licence")
    ctx.tap("photo_房屋租赁合同")
    ctx.tap("photo_《租房提取住房公积金申请表》")
    ctx.shot("form")
    ctx.tap("submit")
    ctx.ui.wait_screen("result", timeout=30)
    case_no = ctx.ui.on_main(lambda: ctx.app.journey.result.case_no)
    ctx.expect(bool(case_no) and len(case_no) == 20, "no case number")
    ctx.shot("receipt")
    _png, receipt = _print_result(ctx)
    found = CASE_RE.search(receipt)
    ctx.expect(found is not None and found.group(1) == case_no, "receipt QR lacks the case")
    ctx.memo["case_no"] = case_no
    ctx.memo["case_qr"] = ctx.ui.on_main(lambda: ctx.app.journey.result.progress_qr)
    ctx.memo["case_nos"] = (*ctx.memo.get("case_nos", ()), case_no)
    ctx.step("case number issued", case=case_no[:6] + "…")
    ctx.tap("finish")
    ctx.ui.wait_screen("evaluate")
    ctx.tap("eval_later")
    _ended(ctx, session)


def progress_by_receipt_qr(ctx: DemoContext) -> None:
    """Progress by scanning the receipt's QR code at the scanner."""
    session = _begin(ctx)
    ctx.tap("start")
    ctx.ui.wait_screen("home")
    _tap_category(ctx, "progress")         # the 办件查询 tile
    ctx.ui.wait_screen("progress")
    ctx.control("scanner.emit", text=ctx.memo["case_qr"])   # signed: no identity needed
    ctx.ui.wait_screen("result")
    text = ctx.ui.text_on_screen()
    ctx.expect(ctx.memo["case_no"] in text, "progress does not show the case")
    ctx.shot("progress")
    ctx.tap("finish")
    ctx.ui.wait_screen("evaluate")
    ctx.memo["session"] = session


def evaluation(ctx: DemoContext) -> None:
    """好差评 after the progress check: a bad review needs a reason; queued and sent."""
    session = ctx.memo.get("session") or _begin(ctx)
    ctx.ui.wait_screen("evaluate")
    ctx.tap("level_2")
    ctx.tap("eval_submit")
    ctx.expect(ctx.ui.current() == "evaluate", "a bad review went through without a reason")
    ctx.tap("reason_0")
    ctx.shot("evaluate")
    ctx.tap("eval_submit")
    _ended(ctx, session)
    outbox = ctx.app.terminal.outbox
    ctx.ui.wait(lambda: outbox.counts().get("pending", 0) == 0, "evaluation delivered", 20)


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


def _tap_category(ctx: DemoContext, key: str) -> None:
    """Tap a home-screen category tile, turning the 长辈版 pages until it shows."""
    pages = int(ctx.ui.on_main(lambda: ctx.app.root.get_screen("home").pages))
    for _ in range(pages):
        if ctx.ui.exists(f"cat_{key}"):
            break
        ctx.tap("next_page")
    ctx.tap(f"cat_{key}")


def _tap_listed(ctx: DemoContext, ebt_id: str, pages: int = 20) -> None:
    """Tap an entry of a list, turning its 长辈版 pages (four a page) until it shows."""
    for _ in range(pages):
        if ctx.ui.exists(ebt_id) or not ctx.ui.exists("next_page"):
            break
        ctx.tap("next_page")
    ctx.tap(ebt_id)


def _open_category(ctx: DemoContext, key: str) -> None:
    """A category's list of items."""
    _tap_category(ctx, key)
    ctx.ui.wait_screen("browse")


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


def elderly_mode(ctx: DemoContext) -> None:
    """长辈版: its own design — three big tiles a page; a traffic-violation query by tile."""
    session = _begin(ctx)
    if ctx.ui.on_main(lambda: ctx.app.theme.mode) != "elderly":
        ctx.tap("elderly")
    ctx.expect(ctx.ui.on_main(lambda: ctx.app.theme.mode) == "elderly", "elderly mode off")
    ctx.shot("attract")
    voice = ctx.app.terminal.voice
    said: list[str] = []
    real = voice.speak_result

    def recording(text: str, **kw: Any) -> None:
        said.append(text)
        real(text, **kw)

    voice.speak_result = recording
    try:
        ctx.tap("start")
        ctx.ui.wait_screen("home")
    finally:
        voice.speak_result = real
    ctx.expect(any("您可以选择" in t for t in said), "长辈版 did not read the home screen aloud")
    tiles = ctx.ui.on_main(lambda: len(ctx.app.root.current_screen.ids.tiles.children))
    ctx.expect(tiles == 3, f"长辈版 home shows {tiles} tiles, not 3 (+ search = 4 choices)")
    ctx.shot("home")
    _open_category(ctx, "traffic")
    _tap_listed(ctx, "item_KM-TRAFFIC-001")
    ctx.ui.wait_screen("guide")
    ctx.tap("start_item")
    _identify(ctx, face=False)
    ctx.ui.wait_screen("result")
    ctx.shot("result")
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)
    default = ctx.ui.on_main(lambda: ctx.app.terminal.config.ui.elderly)
    ctx.expect(ctx.ui.on_main(lambda: ctx.app.theme.mode) == (
        "elderly" if default else "standard"), "the visit's mode survived the visit")


def search_by_handwriting(ctx: DemoContext) -> None:
    """A citizen who knows no pinyin writes 社 then 保 with a finger and opens a hit."""
    import json
    from pathlib import Path

    from screens.pad_writer import write_strokes

    data = json.loads((Path(__file__).resolve().parents[2] / "tests" / "data" / "handwriting"
                       / "strokes.json").read_text(encoding="utf-8"))
    session = _begin(ctx)
    ctx.tap("start")
    ctx.ui.wait_screen("home")
    ctx.tap("search")
    ctx.ui.wait_screen("search")
    ctx.tap("input_handwriting")
    screen = ctx.ui.on_main(lambda: ctx.app.root.current_screen)
    for char in "社保":
        pad = ctx.ui.on_main(lambda: next(iter(screen.ids.panel.children)))
        write_strokes(ctx.ui.on_main, pad.surface, data["characters"][char], data["width"])
        ctx.ui.wait(lambda c=char, p=pad: c in list(p.candidates),
                    f"{char} among the candidates", timeout=20)
        ctx.shot(f"written-{char}")
        index = ctx.ui.on_main(lambda c=char, p=pad: list(p.candidates).index(c))
        ctx.tap(f"candidate_{index}")
    ctx.ui.wait(lambda: screen.ids.query.text == "社保", "社保 in the search box")

    def hits() -> list[str]:
        return [str(w.ebt_id) for w in screen.ids.results.children
                if str(getattr(w, "ebt_id", "")).startswith("hit_")]

    ctx.ui.wait(lambda: bool(hits()), "a hit for 社保")
    ctx.shot("hits")
    ctx.tap(ctx.ui.on_main(hits)[-1])          # children are stored last first: the top hit
    ctx.ui.wait_screen("guide")
    ctx.tap("home")
    ctx.ui.wait_screen("home")
    ctx.ui.on_main(ctx.app.end_visit)
    _ended(ctx, session)


def paper_out(ctx: DemoContext) -> None:
    """Printer out of paper: the receipt's QR stays on screen and operators are told."""
    session = _begin(ctx)
    ctx.control("printer.fault", name="paper_out")
    _search_open(ctx, "zfgjjzhcx", "KM-HPF-002")
    ctx.tap("start_item")
    _identify(ctx, face=False)
    ctx.ui.wait_screen("result")
    ctx.tap("print")
    ctx.ui.wait_idle(timeout=40)
    text = ctx.ui.text_on_screen()
    ctx.expect("打印机暂时无法打印" in text, "the paper fault was not explained")
    ctx.shot("paper-out")
    ctx.control("printer.clear")
    ctx.control("printer.paper", mm=20000)
    ctx.tap("finish")
    _skip_evaluation(ctx)
    _ended(ctx, session)


JOURNEYS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("guide_by_pinyin", guide_by_pinyin),
    ("provident_fund_query", provident_fund_query),
    ("social_security_certificate", social_security_certificate),
    ("electronic_id_certificate", electronic_id_certificate),
    ("application_with_receipt", application_with_receipt),
    ("progress_by_receipt_qr", progress_by_receipt_qr),
    ("evaluation", evaluation),
    ("evaluate_after_query", evaluate_after_query),
    ("cross_province_application", cross_province_application),
    ("life_event_newborn", life_event_newborn),
    ("call_for_help", call_for_help),
    ("proxy_application", proxy_application),
    ("elderly_mode", elderly_mode),
    ("search_by_handwriting", search_by_handwriting),
    ("printer_paper_out", paper_out),
]
