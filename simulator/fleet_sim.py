"""Simulated terminal fleet: N terminals, each with its own credentials, durable buffer and
the real :class:`~kiosk.agent.TelemetryAgent`, talking HTTP to a real fleet server.

Each terminal enrols (``POST /api/v1/enrol`` with an enrolment token; credentials are kept
under the work directory, wiped at start unless ``reuse_workdir``), then lives a random
life: citizens use items (usage events), paper runs low and out (and is refilled later),
devices fail and recover, the network drops for a while (the agent buffers and drains
later). Remote commands are answered like a real terminal would (maintenance mode,
screenshot as a PNG, …). Terminals the server refuses are counted with their reasons
(:meth:`SimulatedFleet.refused`). A small pool of threads drives all terminals, so
thousands fit in one process.
"""

from __future__ import annotations

import heapq
import io
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.agent import Credentials, FleetClient, FleetUnavailable, TelemetryAgent
from kiosk.agent.client import enrol
from kiosk.flows.items import PROGRESS_CODE
from simulator.platform.catalog import build_items

#: the catalog's own codes (simulator/platform/catalog.py), names taken from it, so the
#: operators' usage and rating figures name real items; plus the terminal's progress lookup
ITEM_CODES = ("KM-PSB-016", "KM-PSB-012", "KM-TAX-001", "KM-HPF-001", "KM-HPF-002",
              "KM-HRSS-017", "KM-HRSS-005", "KM-MEDI-001", "KM-REAL-001", "KM-CIVIL-001",
              "KM-EXIT-009", "KM-TRAFFIC-001", "KM-CREDIT-002")


def _catalog_items() -> tuple[tuple[str, str], ...]:
    names = {i["code"]: i["name"] for i in build_items()}
    return (*((code, names[code]) for code in ITEM_CODES), (PROGRESS_CODE, "办件进度查询"))


ITEMS = _catalog_items()
DISTRICT_NAMES = ("五华区", "盘龙区", "官渡区", "西山区", "呈贡区", "晋宁区", "东川区", "安宁市",
                  "富民县", "宜良县", "石林彝族自治县", "嵩明县", "禄劝彝族苗族自治县",
                  "寻甸回族彝族自治县")
SCREENS = ("attract", "home", "item_search", "guide", "identify", "form", "result", "evaluate")
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


class FlakyClient(FleetClient):
    """A client whose network can be cut for a while (simulated network drop)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.down_until = 0.0

    def heartbeat(self, payload: dict[str, Any]) -> dict[str, Any]:
        if time.time() < self.down_until:
            raise FleetUnavailable("simulated network drop")
        return super().heartbeat(payload)


@dataclass
class SimTerminal:
    """The simulated state of one terminal."""

    terminal_id: str
    district: str
    rng: random.Random
    paper: int = 100
    printer: str = "online"
    idcard: str = "online"
    scanner: str = "online"
    maintenance: bool = False
    screen: str = "attract"
    counters: dict[str, int] = field(default_factory=lambda: {"sessions": 0, "journeys": 0,
                                                                "errors": 0})
    faulty_until: float = 0.0
    agent: TelemetryAgent | None = None
    client: FlakyClient | None = None

    def snapshot(self) -> dict[str, Any]:
        """What the terminal's composition root would report."""
        paper_state = "out" if self.paper <= 0 else "low" if self.paper <= 15 else "full"
        return {
            "devices": {
                "printer": {"state": self.printer, "paper": paper_state, "cover": "closed"},
                "idcard": {"state": self.idcard, "media": "not_present"},
                "scanner": {"state": self.scanner},
                "camera": {"state": "online"},
            },
            "paper": {"state": paper_state, "level": max(0, self.paper)},
            "screen": "maintenance" if self.maintenance else self.screen,
            "counters": dict(self.counters),
            "maintenance": self.maintenance,
            "session_active": self.screen not in ("attract", "home"),
        }

    def live(self, fault_rate: float, now: float) -> None:
        """Advance the simulated life by one step (citizens, paper, faults, network)."""
        rng = self.rng
        if self.faulty_until and now >= self.faulty_until:
            self.printer = self.idcard = self.scanner = "online"
            self.faulty_until = 0.0
        if self.paper <= 0 and rng.random() < 0.15:
            self.paper = 100  # a technician refilled it
        if not self.maintenance:
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                code, name = rng.choice(ITEMS)
                self.counters["sessions"] += 1
                assert self.agent is not None
                self.agent.record_usage(code, "started", name)
                if rng.random() < 0.85 and self.printer == "online" and self.paper > 0:
                    self.counters["journeys"] += 1
                    self.paper -= rng.randint(1, 4)
                    self.agent.record_usage(code, "completed", name)
                else:
                    self.agent.record_usage(code, "abandoned", name)
            self.screen = "attract" if rng.random() < 0.5 else rng.choice(SCREENS)
        if rng.random() < fault_rate:
            device = rng.choice(("printer", "idcard", "scanner"))
            setattr(self, device, "hardware_error")
            self.counters["errors"] += rng.randint(1, 8)
            self.faulty_until = now + rng.uniform(20, 120)
        if rng.random() < fault_rate / 2 and self.client is not None:
            self.client.down_until = now + rng.uniform(10, 60)

    # -- remote commands ------------------------------------------------------------------
    def handlers(self) -> dict[str, Any]:
        """Command handlers as the terminal's composition root would pass them."""
        return {
            "restart_app": lambda _a: {"restarted": True},
            "maintenance_on": lambda _a: self._maintenance(True),
            "maintenance_off": lambda _a: self._maintenance(False),
            "refresh_catalog": lambda _a: {"items": len(ITEMS), "catalog_version": "sim-1"},
            "screenshot": lambda _a: {"png": self.render_screen()},
            "reload_config": lambda _a: {"reloaded": True},
        }

    def _maintenance(self, on: bool) -> dict[str, Any]:
        self.maintenance = on
        return {"maintenance": on}

    def render_screen(self) -> bytes:
        """A PNG of the simulated screen (never personal data: the attract screen)."""
        from PIL import Image, ImageDraw, ImageFont

        img = Image.new("RGB", (540, 960), "#0d3b66")
        draw = ImageDraw.Draw(img)
        big: Any
        small: Any
        try:
            big, small = ImageFont.truetype(FONT, 44), ImageFont.truetype(FONT, 24)
        except OSError:
            big = small = ImageFont.load_default()
        draw.text((40, 120), "e办通 24小时自助", fill="white", font=big)
        draw.text((40, 200), "请选择要办理的事项", fill="#ffd166", font=small)
        draw.text((40, 240), "Tap to start", fill="#ffd166", font=small)
        for i, (_code, name) in enumerate(ITEMS[:6]):
            y = 320 + i * 90
            draw.rounded_rectangle((40, y, 500, y + 70), 12, fill="#1d5c99")
            draw.text((60, y + 18), name, fill="white", font=small)
        draw.text((40, 900), f"{self.terminal_id} · {self.screen} · "
                  f"{time.strftime('%H:%M:%S')}", fill="#a9c7e8", font=small)
        out = io.BytesIO()
        img.save(out, "PNG")
        return out.getvalue()


class SimulatedFleet:
    """N simulated terminals driven by a small thread pool (see module docstring)."""

    def __init__(self, server: str, count: int, token: str, workdir: str | Path, *,
                 interval: float = 10.0, fault_rate: float = 0.02, prefix: str = "SIM-",
                 seed: int = 1, workers: int = 8, reuse_workdir: bool = False) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self.workdir = Path(workdir)
        self.reuse_workdir = reuse_workdir
        self.interval = interval
        self.fault_rate = fault_rate
        self.workers = max(1, min(workers, count))
        rng = random.Random(seed)
        self.terminals = [
            SimTerminal(f"{prefix}{i:04d}", DISTRICT_NAMES[i % len(DISTRICT_NAMES)],
                        random.Random(rng.random()), paper=rng.randint(10, 100))
            for i in range(count)
        ]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._refused: dict[str, str] = {}

    def enrol_all(self) -> None:
        """Enrol every terminal and build its agent.

        The simulator starts clean: each terminal's saved credentials and buffer are removed
        first, so a fresh server is never fed old secrets. With ``reuse_workdir`` they are
        kept and reused (the server must still know them; refusals are counted).
        """
        for t in self.terminals:
            home = self.workdir / t.terminal_id
            cred_path = home / "credentials.json"
            if not self.reuse_workdir:
                for name in ("credentials.json", "buffer.db", "buffer.db-wal", "buffer.db-shm"):
                    (home / name).unlink(missing_ok=True)
            try:
                cred = Credentials.load(cred_path)
            except ValueError:
                cred = enrol(self.server, self.token, t.terminal_id,
                             name=f"{t.district}自助终端 {t.terminal_id[-4:]}", district=t.district,
                             address=f"{t.district}政务服务中心24小时自助区")
                cred.save(cred_path)
            t.client = FlakyClient(self.server, cred, timeout=(3.05, 10.0))
            t.agent = TelemetryAgent(t.client, t.snapshot, t.handlers(), home / "buffer.db",
                                     interval=self.interval, app_version="1.0.0-sim",
                                     max_backoff_s=max(60.0, self.interval * 4))

    def stop(self) -> None:
        """Ask :meth:`run` to finish."""
        self._stop.set()

    @property
    def stopped(self) -> threading.Event:
        """Set once :meth:`run` is asked to finish."""
        return self._stop

    def refused(self) -> dict[str, str]:
        """Terminals refused by the server and not accepted since: ``{terminal_id: reason}``
        (a simulated network drop in between does not hide a refusal)."""
        with self._lock:
            return dict(self._refused)

    def _note_link(self, t: SimTerminal) -> None:
        assert t.agent is not None
        state = t.agent.link.state
        with self._lock:
            if state == "refused":
                self._refused[t.terminal_id] = t.agent.link.reason
            elif state == "ok":
                self._refused.pop(t.terminal_id, None)

    def run(self, duration: float | None = None) -> dict[str, int]:
        """Drive all terminals until ``duration`` passes or :meth:`stop`; return totals."""
        start = time.time()
        heap = [(start + i * self.interval / len(self.terminals), i)
                for i in range(len(self.terminals))]
        heapq.heapify(heap)
        lock = threading.Lock()
        totals = {"cycles": 0}

        def worker() -> None:
            while not self._stop.is_set():
                with lock:
                    wait, item = 0.05, None
                    if heap and heap[0][0] > time.time():
                        wait = heap[0][0] - time.time()
                    elif heap:
                        item = heapq.heappop(heap)
                if item is None:
                    self._stop.wait(min(wait, 0.2))
                    continue
                t = self.terminals[item[1]]
                t.live(self.fault_rate, time.time())
                assert t.agent is not None
                t.agent.run_once()
                self._note_link(t)
                with lock:
                    totals["cycles"] += 1
                    heapq.heappush(heap, (time.time() + self.interval, item[1]))
                if duration is not None and time.time() - start >= duration:
                    self._stop.set()

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return totals

    def close(self) -> None:
        """Close every agent's buffer and client."""
        for t in self.terminals:
            if t.agent is not None:
                t.agent.close()
            if t.client is not None:
                t.client.close()
