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
    ("elderly_mode", elderly_mode),
    ("search_by_handwriting", search_by_handwriting),
    ("printer_paper_out", paper_out),
]
