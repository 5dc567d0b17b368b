"""UI scenarios run by tests/ui/test_ui_kiosk.py in a child process under Xvfb:
``python -m tests.ui.ui_scenarios OUT SCENARIO…``. Each drives the real app by touch
(screens.driver) against the simulators, exactly like the demo, and lands in summary.json.
"""

from __future__ import annotations

import copy
import json
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

from screens.demo.context import DemoContext

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
    ctx.expect("Housing fund" in ui.text_on_screen(), "tiles not in English")
    ctx.tap("settings")                 # 长辈版 is switched in 设置, not on every screen
    ui.wait_screen("settings")
    ctx.tap("mode_elderly")
    ctx.tap("home")
    ui.wait_screen("home")
    tiles = ui.on_main(lambda: len(ctx.app.root.current_screen.ids.tiles.children))
    ctx.expect(tiles == 3, f"elderly home has {tiles} tiles, not 3 (+ search: 4 choices)")
    target = ui.on_main(lambda: ui.find("search").height)
    ctx.expect(target >= 96, "elderly touch target under 96 dp")
    ctx.shot("elderly-english-dark")
    ui.on_main(ctx.app.end_visit)
    ui.wait_screen("attract")
    ctx.expect(ui.on_main(lambda: (ctx.app.theme.mode, ctx.app.theme.scheme, ctx.app.lang))
               == ("standard", "standard", "zh_CN"), "the visit's choices survived it")


def maintenance_pin(ctx: DemoContext) -> None:
    """The maintenance screen is reached by the hidden corner taps, not a visible button;
    it stays locked without the operator PIN and reports in plain Chinese."""
    ui = ctx.ui
    ui.wait_screen("attract")
    ctx.expect(not ui.exists("maintenance") and "运维" not in ui.text_on_screen(),
               "a visible 运维 button on the attract screen")
    ctx.tap("operator_corner")              # one tap in the corner does nothing
    ctx.expect(ui.current() == "attract", "one tap in the corner opened maintenance")
    ui.open_maintenance()
    ctx.type_keys("1111")
    ctx.tap("key_确定")
    ctx.expect("密码错误" in ui.text_on_screen(), "a wrong PIN was not refused")
    ctx.expect(not ui.exists("exit_app"), "exit reachable without the PIN")
    ctx.type_keys("246810")
    ctx.tap("key_确定")
    text = ui.text_on_screen()
    ctx.expect("身份证读卡器：正常" in text and "纸张：" in text, f"no device report: {text!r}")
    raw = [w for w in ("state=", "cover_open", "no printer", "online", "unknown", ": ok", "None")
           if w in text]
    ctx.expect(not raw, f"raw driver words on the maintenance screen: {raw}")
    ctx.expect(ui.exists("exit_app"), "no way out for the operator")
    ctx.shot("maintenance")
    ctx.tap("home")
    ctx.expect(ui.current() == "home" and not ui.exists("exit_app"), "PIN screen left open")
    ui.on_main(ctx.app.end_visit)


def platform_down_queues_application(ctx: DemoContext) -> None:
    """Platform down after identification: the guide still opens from the cache and the
    application waits in the outbox with a clear message, then goes out."""
    from screens.demo.journeys import _fill, _identify

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
    _fill(ctx, amount="5400", rent="1800", bank=0)       # the platform's form for the item
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
    from screens.demo.runner import run_demo

    out, names = Path(argv[0]), argv[1:]
    chosen = [(n, SCENARIOS[n]) for n in names]
    overrides = {"ui": IDLE} if "idle_warning_extend_then_wipe" in names else None
    return run_demo(out, headless=True, journeys=chosen, overrides=overrides,
                    reference_screens=False)


# -- the fleet's remote commands (tests/ui/test_remote_commands.py) ------------------------
# Each command goes through the real agent's handler path (TelemetryAgent._run_handler) on
# the script thread, exactly as the agent thread would run it; screenshots go to a stand-in
# fleet client that keeps the uploaded bytes.

class _FleetStandIn:
    """Takes the agent's screenshot uploads (nothing else is sent in these scenarios)."""

    def __init__(self) -> None:
        self.uploads: list[bytes] = []

    def upload_screenshot(self, png: bytes) -> str:
        self.uploads.append(png)
        return f"shot-{len(self.uploads)}"


def _agent(ctx: DemoContext) -> tuple[Any, _FleetStandIn]:
    if "agent" not in ctx.memo:
        from kiosk.agent.agent import TelemetryAgent

        terminal = ctx.app.terminal
        client = _FleetStandIn()
        agent = TelemetryAgent(client, terminal.counters.snapshot_for(terminal),
                               terminal.counters.command_handlers(terminal), ":memory:")
        ctx.memo["agent"] = (agent, client)
    return ctx.memo["agent"]


def _command(ctx: DemoContext, kind: str) -> tuple[bool, dict[str, Any]]:
    """Run one remote command the way the agent does; note it as a step."""
    ok, result = _agent(ctx)[0]._run_handler(kind, {})
    ctx.step(f"command {kind}", ok=ok, result=result)
    return ok, result


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG (after checking its signature and that it decodes)."""
    import io

    from PIL import Image

    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise AssertionError("not a PNG")
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        size = image.size
    width, height = struct.unpack(">II", png[16:24])
    if (width, height) != size:
        raise AssertionError("PNG header and pixels disagree")
    return width, height


def _notice(ctx: DemoContext) -> str:
    """The out-of-service notice's text when it is visible, else ""."""
    def read() -> str:
        box = ctx.app.root.get_screen("attract").ids.notice
        if box.opacity < 1 or box.height <= 0:
            return ""
        return "\n".join(str(w.text) for w in reversed(box.children))
    return str(ctx.ui.on_main(read))


def _touch_at(ctx: DemoContext, pos: tuple[float, float]) -> None:
    from kivy.tests.common import UnitTestTouch

    def touch() -> None:
        finger = UnitTestTouch(*pos)
        finger.touch_down()
        finger.touch_up()
    ctx.ui.on_main(touch)
    ctx.ui.frame()
    ctx.ui.frame()


def _heartbeat(ctx: DemoContext) -> dict[str, Any]:
    terminal = ctx.app.terminal
    return dict(terminal.counters.snapshot_for(terminal)())


def remote_maintenance_blocks_visits(ctx: DemoContext) -> None:
    """maintenance_on: a large bilingual notice on attract, no touch, card or button starts a
    visit, the heartbeat says so; during a visit the switch waits for its end."""
    ui, app = ctx.ui, ctx.app
    ui.wait_screen("attract")
    ui.wait(lambda: bool(app.service_points), "the 24-hour points", timeout=30)
    start_at = ui.on_main(lambda: tuple(ui.find("start").to_window(*ui.find("start").center)))
    ok, result = _command(ctx, "maintenance_on")
    ctx.expect(ok and result == {"maintenance": True, "deferred": False}, f"on: {result}")
    ui.frame()
    notice = _notice(ctx)
    nearest = ui.on_main(lambda: app.root.get_screen("attract").ids.nearest.children[-1].text)
    for text in ("本机维护中，暂停服务", "Under maintenance", "请使用其他自助终端",
                 "Please use another self-service terminal", "最近的24小时自助服务点", nearest):
        ctx.expect(text in notice, f"{text!r} missing from the notice: {notice!r}")
    for control in ("start", "elderly", "map"):
        ctx.expect(not ui.exists(control), f"{control} still offered out of service")
    ctx.expect(ui.exists("operator_corner"), "the operator lost the way in")
    ctx.expect(_heartbeat(ctx)["maintenance"] is True, "the heartbeat does not say maintenance")
    ctx.shot("out-of-service")
    notice_at = ui.on_main(lambda: tuple(app.root.get_screen("attract").ids.notice.to_window(
        *app.root.get_screen("attract").ids.notice.center)))
    for pos in (start_at, notice_at):
        _touch_at(ctx, pos)
        ctx.expect(ui.current() == "attract", f"a touch at {pos} opened {ui.current()}")
    ui.on_main(lambda: app.root.get_screen("attract").start())
    ctx.expect(ui.current() == "attract", "start() opened a visit out of service")
    read = threading.Event()
    unsubscribe = app.terminal.bus.subscribe("idcard.card_read", lambda *_a: read.set())
    try:
        ctx.control("idcard.insert", card="han")
        ctx.expect(read.wait(30), "the card was not read")
        ui.frame()
        ui.frame()
        ctx.expect(ui.current() == "attract", "a card started a visit out of service")
    finally:
        unsubscribe()
        ctx.control("idcard.remove")
    ctx.expect(not _heartbeat(ctx)["session_active"], "a visit was counted out of service")
    ui.open_maintenance()                    # the operator's screen, then its 首页 button
    ctx.tap("home")
    ui.frame()
    ctx.expect(ui.current() == "attract", f"首页 on the operator screen opened {ui.current()}")
    ok, result = _command(ctx, "maintenance_off")
    ctx.expect(ok and result == {"maintenance": False, "deferred": False}, f"off: {result}")
    ctx.expect(ui.exists("start") and _notice(ctx) == "", "back in service, still blocked")
    ctx.expect(_heartbeat(ctx)["maintenance"] is False, "the heartbeat kept maintenance")
    # a visit in progress is never cut off: the switch waits for its end
    ctx.tap("start")
    ui.wait_screen("home")
    ok, result = _command(ctx, "maintenance_on")
    ctx.expect(ok and result == {"maintenance": True, "deferred": True}, f"deferred: {result}")
    ctx.expect(ui.current() == "home" and not ui.on_main(lambda: app.out_of_service),
               "the visit was cut off")
    ctx.expect(_heartbeat(ctx)["maintenance"] is False, "maintenance reported before it began")
    ui.on_main(app.end_visit)
    ui.wait_screen("attract")
    ctx.expect(ui.on_main(lambda: app.out_of_service) and "本机维护中" in _notice(ctx),
               "the deferred switch did not apply at the end of the visit")
    ctx.expect(not ui.exists("start") and _heartbeat(ctx)["maintenance"] is True,
               "out of service after the visit, but not blocked or not reported")
    ok, result = _command(ctx, "maintenance_off")
    ctx.expect(ok and not result["deferred"] and ui.exists("start"), f"off again: {result}")


def remote_screenshot(ctx: DemoContext) -> None:
    """screenshot: a PNG of the whole window, uploaded by the agent; refused during a visit
    by the agent and, on the main thread, by the handler itself."""
    from kivy.core.window import Window

    ui, app = ctx.ui, ctx.app
    ui.wait_screen("attract")
    window = tuple(ui.on_main(lambda: (int(Window.width), int(Window.height))))
    agent_ok, result = _command(ctx, "screenshot")
    uploads = _agent(ctx)[1].uploads
    ctx.expect(agent_ok and result.get("screenshot_id") == "shot-1" and "png" not in result,
               f"screenshot through the agent: {result}")
    ctx.expect(result["screen"] == "attract", f"screen {result['screen']}")
    ctx.expect((result["width"], result["height"]) == window == _png_size(uploads[0]),
               f"{result} vs window {window}")
    direct = app.terminal.counters.handlers["screenshot"]({})
    ctx.expect(_png_size(direct["png"]) == window, "the handler's PNG is not the window")
    ctx.tap("start")
    ui.wait_screen("home")
    agent_ok, result = _command(ctx, "screenshot")
    ctx.expect(not agent_ok and "refused" in result["error"] and len(uploads) == 1,
               f"the agent took a screenshot during a visit: {result}")
    direct = app.terminal.counters.handlers["screenshot"]({})
    ctx.expect(direct.get("ok") is False and "png" not in direct,
               f"the handler took a screenshot during a visit: {direct}")
    ui.on_main(app.end_visit)
    ui.wait_screen("attract")


def _table_of(config: Any) -> dict[str, Any]:
    """A typed configuration back as TOML tables (None values left out)."""
    import dataclasses

    def clean(values: dict[str, Any]) -> dict[str, Any]:
        return {k: clean(v) if isinstance(v, dict) else v for k, v in values.items()
                if v is not None}

    table = clean({k: v for k, v in dataclasses.asdict(config).items() if k != "devices"})
    table["devices"] = {name: config.device_table(name) for name in config.devices}
    return table


def _toml(config: dict[str, Any]) -> str:
    """A TOML text for a config of tables, strings, numbers, booleans and lists."""
    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return json.dumps(item) if isinstance(item, str) else repr(item)

    lines: list[str] = []

    def table(name: str, values: dict[str, Any]) -> None:
        if name:
            lines.append(f"[{name}]")
        lines.extend(f"{json.dumps(k)} = {value(v)}" for k, v in values.items()
                     if not isinstance(v, dict))
        for key, sub in values.items():
            if isinstance(sub, dict):
                table(f"{name}.{json.dumps(key)}" if name else json.dumps(key), sub)

    table("", config)
    return "\n".join(lines) + "\n"


def remote_reload_config(ctx: DemoContext) -> None:
    """reload_config: language, PIN and volume apply live (the language from the next visit),
    a device URL needs a restart, a broken file raises and keeps the running config."""
    from kiosk.config import load_config
    from screens.remote import RemoteCommands

    ui, app = ctx.ui, ctx.app
    ui.wait_screen("attract")
    terminal = app.terminal
    running_config = ui.on_main(lambda: terminal.config)
    running = _table_of(running_config)
    path = ctx.out_dir / "reload.toml"
    changed = copy.deepcopy(running)
    changed["ui"]["language"] = "en"
    changed["terminal"]["operator_pin"] = "135790"
    changed["voice"]["volume"] = 0.5
    changed["devices"]["printer"]["url"] = "tcp://127.0.0.1:9"
    path.write_text(_toml(changed), encoding="utf-8")
    remote = RemoteCommands(app, load_config=lambda: load_config(path))
    result = remote.reload_config({})      # on this (non-main) thread, as the agent would
    ctx.step("reload", result=result)
    ctx.expect(result == {"applied": ["terminal.operator_pin", "ui.language", "voice.volume"],
                          "needs_restart": ["devices.printer.url"]}, f"reload: {result}")
    ui.wait(lambda: app.lang == "en" and app.root.current == "attract", "English attract")
    ctx.expect(ui.on_main(lambda: ui.find("start").text) == "Start", "attract not in English")
    ctx.expect(terminal.voice.volume == 0.5, "volume not applied")
    ctx.expect(terminal.config.devices["printer"].url == running["devices"]["printer"]["url"],
               "a restart-only key changed the running config")
    ui.open_maintenance()
    ctx.type_keys("135790")
    ctx.tap("key_确定")
    ctx.expect(ui.exists("exit_app"), "the reloaded PIN does not open the maintenance screen")
    ctx.tap("home")
    ui.wait_screen("home")
    for broken, message in (("[ui\nlanguage = ", "does not parse"),
                            ('[ui]\nlanguage = "fr"\n', "language")):
        path.write_text(broken, encoding="utf-8")
        try:
            remote.reload_config({})
        except ValueError as exc:
            ctx.step("broken file refused", error=str(exc))
            ctx.expect(message in str(exc), f"unclear error: {exc}")
        else:
            raise AssertionError(f"{broken!r} was accepted")
        ctx.expect(terminal.config.terminal.operator_pin == "135790" and app.lang == "en",
                   "a broken file changed the running configuration")
    # during a visit: the [ui] defaults are for the next visit
    path.write_text(_toml(running), encoding="utf-8")
    result = remote.reload_config({})
    ctx.expect(result == {"applied": ["terminal.operator_pin", "ui.language", "voice.volume"],
                          "needs_restart": []}, f"reload back: {result}")
    ctx.expect(ui.on_main(lambda: app.lang) == "en" and ui.current() == "home",
               "the language changed in the middle of a visit")
    ui.on_main(app.end_visit)
    ui.wait_screen("attract")
    ctx.expect(ui.on_main(lambda: app.lang) == "zh_CN", "the next visit is not in Chinese")
    ok, result = _command(ctx, "reload_config")   # the demo has no file: nothing changes
    ctx.expect(ok and result == {"applied": [], "needs_restart": []}, f"demo reload: {result}")


def _stop_watch(ctx: DemoContext) -> threading.Event:
    stopped = threading.Event()
    ctx.ui.on_main(lambda: ctx.app.bind(on_stop=lambda *_a: stopped.set()))
    return stopped


def remote_restart_when_idle(ctx: DemoContext) -> None:
    """restart_app on the idle attract screen: answered "scheduled", then the app stops with
    restart_requested (ends the run: last scenario)."""
    ui, app = ctx.ui, ctx.app
    ui.wait_screen("attract")
    stopped = _stop_watch(ctx)
    ok, result = _command(ctx, "restart_app")
    ctx.expect(ok and result == {"restart": "scheduled"}, f"restart: {result}")
    ctx.expect(stopped.wait(60), "the app did not stop")
    ctx.expect(app.restart_requested, "stopped without restart_requested")


def remote_restart_after_visit(ctx: DemoContext) -> None:
    """restart_app during a visit: "deferred", and the app stops only after end_visit
    (ends the run: last scenario)."""
    ui, app = ctx.ui, ctx.app
    ui.wait_screen("attract")
    ctx.tap("start")
    ui.wait_screen("home")
    stopped = _stop_watch(ctx)
    ok, result = _command(ctx, "restart_app")
    ctx.expect(ok and result == {"restart": "deferred"}, f"restart: {result}")
    ctx.expect(ui.current() == "home" and not app.restart_requested and not stopped.is_set(),
               "the visit was cut off")
    ui.on_main(app.end_visit)
    ctx.expect(stopped.wait(60), "the app did not stop after the visit")
    ctx.expect(app.restart_requested, "stopped without restart_requested")


SCENARIOS.update({f.__name__: f for f in (remote_maintenance_blocks_visits, remote_screenshot,
                                          remote_reload_config, remote_restart_when_idle,
                                          remote_restart_after_visit)})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
