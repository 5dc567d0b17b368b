"""UI scenarios run by tests/ui/test_ui_kiosk.py in a child process under Xvfb:
``python -m tests.ui.ui_scenarios OUT SCENARIO…``. Each drives the real app by touch
(screens.driver) against the simulators, exactly like the demo, and lands in summary.json.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.demo.context import DemoContext

IDLE = {"idle_timeout_s": 23, "idle_warning_s": 20}   # the warning shows after 3 s


def idle_warning_extend_then_wipe(ctx: DemoContext) -> None:
    """The idle warning appears, 继续办理 extends, and then the visit is wiped."""
    ui = ctx.ui
    ui.wait_screen("attract")
    ctx.tap("start")
    ctx.tap("search")
    ctx.type_keys("gjj")
    session = ui.on_main(lambda: ctx.app.session)
    ui.wait(lambda: ui.find("extend") is not None, "idle warning", timeout=10)
    ctx.expect("您还在吗" in ui.text_on_screen(), "the warning text is missing")
    ctx.shot("idle-warning")
    ctx.tap("extend")
    ctx.expect(not ui.exists("extend"), "the warning stayed after extending")
    ctx.expect(ui.current() == "search", "extending left the screen")
    ui.wait(lambda: ui.find("extend") is not None, "second warning", timeout=10)
    ui.wait(lambda: ctx.app.root.current == "attract", "timeout wipe", timeout=30)
    ctx.expect(getattr(session, "wiped", False), "the session was not wiped")
    ctx.expect(not ui.exists("extend"), "the warning outlived the visit")


def live_switches(ctx: DemoContext) -> None:
    """Scheme, language and elderly mode switch live from the on-screen choosers."""
    ui = ctx.ui
    ui.wait_screen("attract")
    ctx.tap("start")
    ctx.tap("settings")
    ui.wait_screen("settings")
    ctx.tap("scheme_high_contrast_dark")
    ctx.expect(list(ui.on_main(lambda: ctx.app.theme.background))[:3] == [0, 0, 0],
               "the dark scheme did not apply")
    ctx.shot("dark-scheme")
    ctx.tap("lang_en")
    ctx.tap("home")
    ui.wait_screen("home")
    top = ui.on_main(lambda: max(ctx.app.terminal.catalog.items(),
                                 key=lambda i: i.popularity))
    ctx.expect(top.name_en in ui.text_on_screen(), "tiles not in English")
    ctx.tap("elderly")
    tiles = ui.on_main(lambda: len(ctx.app.root.current_screen.ids.tiles.children))
    ctx.expect(tiles == 6, f"elderly home has {tiles} tiles, not 6")
    target = ui.on_main(lambda: ui.find(f"item_{top.code}").height)
    ctx.expect(target >= 60, "elderly touch target under 60 dp")
    ctx.shot("elderly-english-dark")
    ui.on_main(ctx.app.end_visit)
    ui.wait_screen("attract")
    ctx.expect(ui.on_main(lambda: (ctx.app.theme.mode, ctx.app.theme.scheme, ctx.app.lang))
               == ("standard", "standard", "zh_CN"), "the visit's choices survived it")


def maintenance_pin(ctx: DemoContext) -> None:
    """The maintenance screen stays locked without the operator PIN."""
    ui = ctx.ui
    ui.wait_screen("attract")
    ctx.tap("maintenance")
    ui.wait_screen("maintenance")
    ctx.type_keys("1111")
    ctx.tap("key_确定")
    ctx.expect("密码错误" in ui.text_on_screen(), "a wrong PIN was not refused")
    ctx.expect(not ui.exists("exit_app"), "exit reachable without the PIN")
    ctx.type_keys("246810")
    ctx.tap("key_确定")
    text = ui.text_on_screen()
    ctx.expect("idcard: state=online" in text and "纸张" in text, "no device report")
    ctx.expect(ui.exists("exit_app"), "no way out for the operator")
    ctx.shot("maintenance")
    ctx.tap("home")
    ctx.expect(ui.current() == "home" and not ui.exists("exit_app"), "PIN screen left open")
    ui.on_main(ctx.app.end_visit)


def platform_down_queues_application(ctx: DemoContext) -> None:
    """Platform down after identification: the guide still opens from the cache and the
    application waits in the outbox with a clear message, then goes out."""
    from kiosk.demo.journeys import _identify

    ui = ctx.ui
    ui.wait_screen("attract")
    ctx.tap("start")
    ctx.tap("search")
    ctx.type_keys("zftq")
    ctx.tap("hit_KM-HPF-005")
    ui.wait_screen("guide")
    ctx.tap("start_item")
    _identify(ctx, face=True)
    ctx.tap("accept")
    ui.wait_screen("form")
    ctx.type_keys("13987654321")
    ctx.tap("photo_房屋租赁合同")
    ctx.tap("photo_《租房提取住房公积金申请表》")
    ctx.control("platform.fault", name="error_5xx")
    ctx.tap("submit")
    ui.wait_screen("result", timeout=40)
    ctx.expect("申请已保存" in ui.text_on_screen(), "no clear message for the queued case")
    ctx.shot("queued")
    outbox = ctx.app.terminal.outbox
    ctx.expect(outbox.counts().get("pending", 0) >= 1, "nothing waiting in the outbox")
    ctx.control("platform.clear")
    deadline = time.monotonic() + 40
    while outbox.counts().get("pending", 0) and time.monotonic() < deadline:
        time.sleep(0.5)
    ctx.expect(outbox.counts().get("pending", 0) == 0, "the outbox did not drain")
    ctx.tap("finish")
    ui.wait(lambda: ctx.app.root.current in ("attract", "evaluate"), "end of journey")
    ui.on_main(ctx.app.end_visit)


SCENARIOS = {f.__name__: f for f in (idle_warning_extend_then_wipe, live_switches,
                                     maintenance_pin, platform_down_queues_application)}


def main(argv: list[str]) -> int:
    """OUT SCENARIO… → exit code of the run."""
    from kiosk.demo.runner import run_demo

    out, names = Path(argv[0]), argv[1:]
    chosen = [(n, SCENARIOS[n]) for n in names]
    overrides = {"ui": IDLE} if "idle_warning_extend_then_wipe" in names else None
    return run_demo(out, headless=True, journeys=chosen, overrides=overrides,
                    reference_screens=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
