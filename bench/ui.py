"""UI figures of the terminal, with headless Chromium as the peer (prints figures only).

    xvfb-run -a -s "-screen 0 1920x1920x24" python bench/ui.py [--runs 3] [--sessions 1000]

* cold start: process start → first interactive frame of the attract screen (median of
  ``--runs`` child processes; the simulators are already running, as on a terminal whose
  devices are plugged in);
* touch → next screen drawn: p50/p95 over every screen change of the demo journeys (time
  from the touch-up to the first frame flipped with the new screen);
* resident memory (RSS and PSS) after 10 and after ``--sessions`` scripted sessions (open an
  item's guide, start its journey, end the visit with the wipe), and the growth per 1,000;
* peer: Debian's Chromium, headless, loading an equivalent static home page (same tiles,
  same font): start → screenshot written, and the memory of its process tree once loaded.

Targets: start ≤ 3 s, transition p95 ≤ 100 ms, memory ≤ 200 MB, growth ≤ 5 MB / 1,000.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# -- memory of a process tree (Linux /proc) ----------------------------------------------
def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def rss_by_mapping_mb(pid: int, top: int = 8) -> list[tuple[str, float]]:
    """The largest contributors to ``pid``'s RSS, by mapped file (``[anon]`` for the heap)."""
    totals: dict[str, int] = {}
    name = "[anon]"
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            name = fields[5].rsplit("/", 1)[-1] if len(fields) > 5 else "[anon]"
        elif fields and fields[0] == "Rss:":
            totals[name] = totals.get(name, 0) + int(fields[1])
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [(k, round(v / 1024, 1)) for k, v in ranked]


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of ``pid`` and its descendants in MB."""
    pids = _tree(pid)
    return (sum(_status_kb(p, "VmRSS") for p in pids) / 1024,
            sum(_pss_kb(p) for p in pids) / 1024)


# -- the child: one kiosk process ----------------------------------------------------------
def child(mode: str, config_path: Path, sessions: int, t0: float, out_dir: Path,
          suite: Any = None) -> None:
    """Run the app in this process and print one JSON line of figures."""
    from kiosk.config import parse_config
    from screens.launch import LaunchOptions, launch

    config = parse_config(json.loads(config_path.read_text(encoding="utf-8")))
    launched = launch(config, LaunchOptions(orientation="portrait", kiosk_mode=False,
                                            audio=False, base_dir=out_dir))
    from kivy.core.window import Window

    app, terminal = launched.app, launched.terminal
    figures: dict[str, Any] = {}

    def first_frame(*_a: Any) -> None:
        if app.root is not None and app.root.current == "attract":
            figures["start_s"] = time.time() - t0
            Window.unbind(on_flip=first_frame)
            if mode == "start":
                from kivy.clock import Clock

                Clock.schedule_once(lambda _dt: app.stop(), 0)

    Window.bind(on_flip=first_frame)
    if mode != "start":
        work = _transitions if mode == "transitions" else _sessions
        thread = threading.Thread(target=work, args=(app, figures, sessions, out_dir, suite),
                                  daemon=True)
        app.bind(on_start=lambda *_: thread.start())
    app.run()
    terminal.close()
    print("FIGURES " + json.dumps(figures), flush=True)


def _transitions(app: Any, figures: dict[str, Any], _sessions: int, out_dir: Path,
                 suite: Any) -> None:
    """Every demo journey by touch; the driver notes touch → new screen drawn."""
    from screens.demo.context import DemoContext, JourneyRecord
    from screens.demo.journeys import JOURNEYS
    from screens.driver import UiDriver

    ui = UiDriver(app)
    ctx = DemoContext(ui, app, suite, out_dir)
    flips = _flip_timer(app, ui)
    passed = 0
    try:
        app.first_frame_event.wait(30)
        ui.wait_screen("attract", timeout=30)
        wanted = [n for n in os.environ.get("BENCH_UI_JOURNEYS", "").split(",") if n]
        chosen = [(n, j) for n, j in JOURNEYS if not wanted or n in wanted]
        for name, journey in chosen:
            ctx.record = JourneyRecord(name)
            try:
                journey(ctx)
                passed += 1
            except Exception:  # counted; the figures cover the transitions that happened
                for action in ("printer.clear", "platform.clear", "idcard.remove"):
                    suite.control(action)
                ui.on_main(app.end_visit)
        figures["journeys"] = f"{passed}/{len(chosen)}"
        figures["transitions_ms"] = [round(t * 1000, 2) for _a, _b, t in flips]
        figures["slowest"] = [f"{a}→{b} {t * 1000:.0f} ms" for a, b, t in
                              sorted(flips, key=lambda f: -f[2])[:5]]
        figures["driver_round_trip_ms"] = [round(t * 1000, 2) for _a, _b, t in ui.transitions]
    finally:
        ui.on_main(app.stop, timeout=10)


def _flip_timer(app: Any, ui: Any) -> list[tuple[str, str, float]]:
    """Seconds from each touch to the first frame flipped showing another screen.

    The touch is taken as the cause when the new screen appears within
    ``CAUSE_WINDOW_S`` and before any other touch; a screen changed by a card or a
    scanned code (no touch) is not counted."""
    from kivy.core.window import Window

    flips: list[tuple[str, str, float]] = []
    watch: dict[str, Any] = {}

    def on_flip(*_a: Any) -> None:
        if watch and app.root.current != watch["before"]:
            elapsed = time.perf_counter() - watch["at"]
            if elapsed <= CAUSE_WINDOW_S:
                flips.append((watch["before"], app.root.current, elapsed))
            watch.clear()

    Window.bind(on_flip=on_flip)
    original = ui._touch

    def touch(ebt_id: str) -> Any:
        found = original(ebt_id)
        if found is not None:
            watch.update(before=found[0], at=found[1])
        return found

    ui._touch = touch
    return flips


CAUSE_WINDOW_S = 2.0
#: the memory sessions cycle over this many of the most popular items (env BENCH_UI_ITEMS)
ITEMS_CYCLED = int(os.environ.get("BENCH_UI_ITEMS", "20"))
#: session counts at which the memory child also notes RSS (the shape of any growth)
SERIES_AT = frozenset({1, 2, 5, 10, 20, 30, 50, 100, 200, 300, 500, 700, 1000, 2000})


def _sessions(app: Any, figures: dict[str, Any], total: int, _out: Path, _suite: Any) -> None:
    """Scripted sessions: an item's guide, its journey started, the visit ended (wiped)."""
    from screens.driver import UiDriver

    ui = UiDriver(app)
    try:
        app.first_frame_event.wait(30)
        ui.wait_screen("attract", timeout=30)
        codes = ui.on_main(lambda: [i.code for i in sorted(
            app.terminal.catalog.items(), key=lambda i: -i.popularity)[:ITEMS_CYCLED]])
        for n in range(1, total + 1):
            code: str = codes[n % len(codes)]
            ui.on_main(functools.partial(app.start_item, code))
            ui.frame()
            ui.on_main(app.end_visit)
            ui.frame()
            if n in SERIES_AT:
                figures.setdefault("series", []).append((n, round(tree_memory_mb(
                    os.getpid())[0], 1)))
            if n in (10, 100, total):
                rss, pss = tree_memory_mb(os.getpid())
                figures[f"rss_mb_{n}"], figures[f"pss_mb_{n}"] = round(rss, 1), round(pss, 1)
                figures[f"mappings_{n}"] = rss_by_mapping_mb(os.getpid())
    finally:
        ui.on_main(app.stop, timeout=10)


def bare_window() -> None:
    """A blank Kivy window of the terminal's size, one frame drawn: the renderer's share."""
    from screens.boot import configure_kivy

    configure_kivy("portrait", kiosk_mode=False)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    figures: dict[str, Any] = {}

    class Blank(App):
        def build(self) -> Any:
            return Label(text="e")

    app = Blank()

    def measured(*_a: Any) -> None:
        Window.unbind(on_flip=measured)
        rss, pss = tree_memory_mb(os.getpid())
        figures.update(rss_mb=round(rss, 1), pss_mb=round(pss, 1),
                       mappings=rss_by_mapping_mb(os.getpid()))
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    def settle(_dt: float) -> None:       # after start-up, draw one more frame and measure
        Window.bind(on_flip=measured)
        app.root.text = "e办通"

    app.bind(on_start=lambda *_: Clock.schedule_once(settle, 0.5))
    app.run()
    print("FIGURES " + json.dumps(figures), flush=True)


# -- the parent ----------------------------------------------------------------------------
def _spawn(mode: str, config_path: Path, sessions: int) -> dict[str, Any]:
    t0 = time.time()
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--config",
                           str(config_path), "--sessions", str(sessions), "--t0", repr(t0)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    for line in done.stdout.splitlines():
        if line.startswith("FIGURES "):
            return dict(json.loads(line[8:]))
    raise RuntimeError(f"child {mode} gave no figures (exit {done.returncode}): "
                       f"{done.stderr[-1500:]}")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _home_page(path: Path, names: list[str]) -> None:
    tiles = "".join(f'<button class="tile">{html.escape(n)}</button>' for n in names)
    path.write_text(f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<style>@font-face{{font-family:cjk;src:url(file:///usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc)}}
body{{margin:0;font-family:cjk,sans-serif;background:#F4F6FA;color:#1A1F2B;width:1080px}}
header{{display:flex;justify-content:space-between;padding:24px;font-size:32px}}
.tiles{{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:24px}}
.tile{{font:inherit;font-size:24px;min-height:160px;background:#fff;border:2px solid #0B5CAD}}
input{{font-size:24px;margin:24px;width:90%;padding:16px}}</style>
<header><b>e办通 24小时自助服务</b><button>长辈版</button></header>
<input placeholder="搜索事项名称、拼音或首字母"><div class="tiles">{tiles}</div></html>""",
                    encoding="utf-8")


def chromium_peer(names: list[str], runs: int) -> dict[str, float]:
    """Start time and memory of headless Chromium showing the static home page."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "home.html"
        _home_page(page, names)
        flags = [browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--window-size=1080,1920", f"--user-data-dir={tmp}/profile"]
        starts = []
        for n in range(runs):
            shot = Path(tmp) / f"shot{n}.png"
            t0 = time.time()
            subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()],
                           capture_output=True, timeout=120)
            if shot.exists():
                starts.append(time.time() - t0)
        proc = subprocess.Popen([*flags, "--remote-debugging-port=0", page.as_uri()],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(6)
            rss, pss = tree_memory_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return {"start_s": statistics.median(starts) if starts else float("nan"),
            "rss_mb": rss, "pss_mb": pss}


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--child", choices=("start", "transitions", "memory", "window"))
    parser.add_argument("--only", choices=("start", "transitions", "memory", "window"),
                        help="measure one figure only (while working on it)")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--t0", type=float, default=0.0)
    parser.add_argument("--mode", choices=("standard", "elderly"), default="standard",
                        help="every visit starts in this mode (长辈版: [ui] elderly = true)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("bench/ui.py needs a display: run it under xvfb-run", file=sys.stderr)
        return 2
    if args.child == "window":
        bare_window()
        return 0
    if args.child in ("start", "memory"):       # the parent's simulators are running
        child(args.child, args.config, args.sessions, args.t0, args.config.parent)
        return 0
    from kiosk.config import read_table
    from screens.demo.runner import demo_table
    from simulator.suite import SimulatorSuite

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        suite = SimulatorSuite(out, seed=0)
        urls = suite.start()
        try:
            config = demo_table(read_table(), urls, out)
            config.setdefault("voice", {})["enabled"] = False
            config.setdefault("ui", {})["elderly"] = args.mode == "elderly"
            config_path = out / "config.json"
            config_path.write_text(json.dumps(config), encoding="utf-8")
            if args.child == "transitions":
                child(args.child, config_path, args.sessions, args.t0, out, suite)
                return 0
            if args.only:
                print(json.dumps(_spawn(args.only, config_path, args.sessions), indent=1,
                                 ensure_ascii=False))
                return 0
            return _report(config_path, args)
        finally:
            suite.stop()


def _report(config_path: Path, args: argparse.Namespace) -> int:
    _spawn("start", config_path, 0)                         # warm the catalog cache and disk
    starts = [_spawn("start", config_path, 0)["start_s"] for _ in range(args.runs)]
    transitions = _spawn("transitions", config_path, 0)
    memory = _spawn("memory", config_path, args.sessions)
    window = _spawn("window", config_path, 0)
    names = [i["name"] for i in _top_items(config_path)]
    peer = chromium_peer(names, args.runs)
    lat = transitions.get("transitions_ms", [])
    n = args.sessions
    growth = (memory[f"rss_mb_{n}"] - memory["rss_mb_10"]) * 1000 / max(1, n - 10)
    steady = ((memory[f"rss_mb_{n}"] - memory["rss_mb_100"]) * 1000 / (n - 100)
              if n > 100 and "rss_mb_100" in memory else None)
    print(f"journeys run for the transition figures: {transitions.get('journeys')}")
    print(f"cold start to first interactive frame: median {statistics.median(starts):.2f} s "
          f"over {len(starts)} runs ({', '.join(f'{s:.2f}' for s in starts)}) [target ≤ 3 s]")
    if lat:
        print(f"touch to next screen drawn: p50 {_pct(lat, 0.5):.1f} ms, p95 {_pct(lat, 0.95):.1f}"
              f" ms over {len(lat)} transitions [target p95 ≤ 100 ms]")
    if transitions.get("slowest"):
        print(f"  slowest: {', '.join(transitions['slowest'])}")
    trip = transitions.get("driver_round_trip_ms", [])
    if trip:
        print(f"  (the demo driver's own round trip, touch → next frame seen by the script: "
              f"p50 {_pct(trip, 0.5):.1f} ms, p95 {_pct(trip, 0.95):.1f} ms)")
    print(f"memory after 10 sessions: RSS {memory['rss_mb_10']:.1f} MB, PSS "
          f"{memory['pss_mb_10']:.1f} MB; after {n}: RSS {memory[f'rss_mb_{n}']:.1f} MB, PSS "
          f"{memory[f'pss_mb_{n}']:.1f} MB; growth {growth:.2f} MB per 1,000 sessions "
          f"[targets ≤ 200 MB, ≤ 5 MB]")
    if memory.get("series"):
        print("  RSS by sessions: " + ", ".join(f"{k}: {v:.0f}" for k, v in memory["series"]))
    if steady is not None:
        print(f"  after 100 sessions: RSS {memory['rss_mb_100']:.1f} MB; growth from 100 to {n}: "
              f"{steady:.2f} MB per 1,000 sessions (caches warm)")
    print(f"  a blank Kivy window of the same size on the same renderer, one frame drawn: RSS "
          f"{window['rss_mb']:.1f} MB, PSS {window['pss_mb']:.1f} MB (Python, Kivy, SDL and the "
          f"GL driver: what any Kivy app pays here before its own code); the terminal's own "
          f"share after 10 sessions: {memory['rss_mb_10'] - window['rss_mb']:.1f} MB RSS")
    for at in (10, n):
        top = memory.get(f"mappings_{at}") or []
        print(f"  largest RSS after {at} sessions: " + ", ".join(f"{k} {v} MB" for k, v in top))
    if peer:
        ratio = statistics.median(starts) / peer["start_s"] if peer["start_s"] else float("nan")
        print(f"peer Chromium headless, static home page: start {peer['start_s']:.2f} s, RSS "
              f"{peer['rss_mb']:.1f} MB, PSS {peer['pss_mb']:.1f} MB (kiosk/Chromium start "
              f"ratio {ratio:.2f}, PSS ratio {memory['pss_mb_10'] / peer['pss_mb']:.2f})")
    else:
        print("peer Chromium: not installed")
    return 0


def _top_items(config_path: Path) -> list[dict[str, Any]]:
    from simulator.platform.catalog import build_items

    return sorted(build_items(), key=lambda i: -i["popularity"])[:8]


if __name__ == "__main__":
    sys.exit(main())
