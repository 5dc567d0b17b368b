"""Soak: the terminal under a local supervisor that honours systemd's notify protocol, while
faults are injected; prints restarts, fault → attract times and lost/duplicated data.

    scripts/soak MINUTES [--seed N] [--out FILE]      (wraps python bench/soak.py)

What runs, each supervised like ``ebantong-kiosk.service`` (NOTIFY_SOCKET, WATCHDOG_USEC,
restart on exit or on a missed watchdog, crash-loop rule of kiosk/crashloop.py):

* ``ui`` — the real terminal, ``python -m screens run --windowed`` on the current display,
  against the platform simulator (in this process), no devices, voice off. READY=1 comes
  when the attract screen is on glass; "fault → attract" is the time from a fault to the
  next READY (for SIGSTOP that includes the watchdog's detection, 3 s here);
* ``visits`` — this file's ``submitter`` mode: the terminal's own outbox and platform
  client submitting an application and rating the previous case every ~0.3 s, printing
  ``ACCEPTED <key>`` once ``put`` returned (what the citizen is told is "submitted").

Faults, at random (seeded) every 25–45 s: kill -9 of the UI; SIGSTOP of the UI (a frozen
screen: the watchdog must catch it); a damaged catalog or pinyin cache followed by a kill
(the restart must quarantine and rebuild); the platform hanging every request for 20 s
(the UI must stay up and responsive); kill -9 of the visit submitter. At the end the
platform's faults are cleared, the outbox drained, and every accepted application and
evaluation is looked up on the platform: lost = accepted but not there, duplicated = one
idempotency key that became more than one case.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.crashloop import CrashLoopPolicy  # noqa: E402

WATCHDOG_S = 3.0


@dataclass
class Unit:
    """One supervised process (a tiny systemd service manager for the soak)."""

    name: str
    command: list[str]
    workdir: Path
    loop_window_s: float
    ready_at: list[float] = field(default_factory=list)
    restarts: int = 0
    watchdog_kills: int = 0
    crash_loops: int = 0
    proc: subprocess.Popen[str] | None = None
    last_kick: float = 0.0
    ready: bool = False
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock_path = self.workdir / f"{self.name}.notify"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.sock_path))
        self.sock.settimeout(0.1)
        self.policy = CrashLoopPolicy(window_s=self.loop_window_s)
        self.log = (self.workdir / f"{self.name}.log").open("a", encoding="utf-8")

    def start(self) -> None:
        env = dict(os.environ, NOTIFY_SOCKET=str(self.sock_path),
                   WATCHDOG_USEC=str(int(WATCHDOG_S * 1e6)), PYTHONFAULTHANDLER="1")
        self.proc = subprocess.Popen(self.command, cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=self.log)
        self.ready, self.last_kick = False, time.monotonic()
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append(line.strip())

    def poll(self) -> None:
        """Read notify messages; restart on exit or a missed watchdog (systemd's job)."""
        while True:
            try:
                data = self.sock.recv(4096).decode()
            except (TimeoutError, BlockingIOError):
                break
            for msg in data.splitlines():
                if msg == "READY=1" and not self.ready:
                    self.ready = True
                    self.ready_at.append(time.monotonic())
                if msg == "WATCHDOG=1":
                    self.last_kick = time.monotonic()
        assert self.proc is not None
        hung = self.ready and time.monotonic() - self.last_kick > WATCHDOG_S
        if self.proc.poll() is None and not hung:
            return
        if hung:
            self.watchdog_kills += 1
            self.proc.send_signal(signal.SIGKILL)   # systemd: SIGABRT, then SIGKILL
            self.proc.send_signal(signal.SIGCONT)
            self.proc.wait(10)
        if self.policy.record_failure():
            self.crash_loops += 1                    # the out-of-service page would show
            self.policy.reset()
            time.sleep(5.0)
        self.restarts += 1
        time.sleep(0.5)                              # RestartSec
        self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def damage(path: Path) -> None:
    if path.exists() and path.stat().st_size > 200:
        with path.open("r+b") as fh:
            fh.write(b"DAMAGED BY THE SOAK TEST")


def submitter(url: str, db: str, token: str) -> int:
    """The visits: applications and evaluations through the terminal's outbox."""
    from kiosk.platform.client import PlatformClient
    from kiosk.platform.outbox import Outbox, PlatformSender
    from kiosk.watchdog import Watchdog

    client = PlatformClient(url, "KM-DEMO-0001", "demo-secret", timeout=(1.0, 2.0),
                            retries=0, deadline_s=3.0)
    platform_sender = PlatformSender(client)

    def sender(kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
        if kind == "evaluation":    # only the case's own citizen may rate it: the session
            body = {"case_no": payload["case_no"], "level": payload["level"],
                    "reason": payload["reason"], "idempotency_key": key}
            return dict(client._request("POST", "/v1/evaluations", idempotent=True,
                                        json_body=body, token=payload["session_token"]
                                        ).json())
        if kind != "application":
            return platform_sender(kind, payload, key)
        # the application body as the platform takes it (form, materials, commitment),
        # posted through the client's own signed, bounded, retrying request path
        body = {"form": payload["form"], "materials": payload["materials"],
                "idempotency_key": key, "commitment": payload.get("commitment")}
        answer = client._request("POST", f"/v1/items/{payload['item_code']}/applications",
                                 idempotent=True, json_body=body,
                                 token=payload["session_token"])
        return dict(answer.json())

    outbox = Outbox(db, sender, base_delay_s=0.2, max_delay_s=2.0, poll_s=0.1)
    if token == "finish":
        deadline = time.monotonic() + 120
        while outbox.pending() and time.monotonic() < deadline:
            outbox.drain_once()
            time.sleep(0.1)
        print("DRAINED" if not outbox.pending() else "STUCK", flush=True)
        return 0
    try:        # what the platform asks an application to carry (issue 15's forms)
        from simulator.platform.forms import accepted_commitment
        commitment: dict[str, object] | None = accepted_commitment()
    except ImportError:
        commitment = None
    dog = Watchdog()
    dog.ready("visits running")
    outbox.start()
    run, previous = os.urandom(4).hex(), ""
    for n in range(10**9):
        dog.kick()
        key = f"app-{run}-{n:06d}"
        outbox.put("application", {"item_code": "KM-HPF-005", "session_token": token,
                                   "form": {"phone": "13800000000", "amount": 1000.0 + n,
                                            "bank": "工商银行", "rent": 1500.0},
                                   "materials": [], "commitment": commitment}, key)
        print(f"ACCEPTED {key}", flush=True)
        done = outbox.result(previous) if previous else None
        if done and done.get("case_no"):
            ekey = f"eval-{previous}"
            outbox.put("evaluation", {"case_no": done["case_no"], "level": 5, "reason": "",
                                      "session_token": token}, ekey)
            print(f"ACCEPTED-EVAL {ekey} {done['case_no']}", flush=True)
            previous = ""
        if not previous:
            previous = key
        outbox.end_of_visit()
        time.sleep(0.3)
    return 0


def outbox_states(db: Path) -> dict[str, tuple[str, str]]:
    """key → (state, last error) of the visits' outbox after the final drain."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {k: (st, err or "") for k, st, err in conn.execute(
            "SELECT idempotency_key, state, last_error FROM outbox")}


def refused(keys: list[str], states: dict[str, tuple[str, str]]) -> str:
    """How many the platform refused (a definite 4xx: the terminal did not lose them)."""
    dead = [states[k][1] for k in keys if k in states and states[k][0] in ("dead", "expired")]
    reasons = sorted(set(dead))
    return f"{len(dead)}" + (f" ({', '.join(reasons)[:80]})" if reasons else "")


def lost(keys: list[str], on_platform: set[str], states: dict[str, tuple[str, str]]) -> int:
    """Accepted, not on the platform and not refused by it: what the terminal lost."""
    return sum(1 for k in keys if k not in on_platform
               and states.get(k, ("missing", ""))[0] not in ("dead", "expired"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered \
        else float("nan")


def soak(minutes: float, seed: int, out: Path | None) -> int:
    from simulator.platform import idnumber
    from simulator.platform.server import PlatformServer

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    server = PlatformServer(seed=seed)
    url = server.start()
    token = server.state.sessions.create(idnumber.SAMPLE_IDS[1], "李四", "idcard_face").token
    (work / "terminal.toml").write_text(
        f'[terminal]\nid = "KM-SOAK-0001"\nstate_dir = "var"\n[platform]\nurl = "{url}"\n'
        f'deadline_s = 4\n[voice]\nenabled = false\n', encoding="utf-8")
    ui = Unit("ui", [sys.executable, "-m", "screens", "run", "--windowed", "--config",
                     str(work / "terminal.toml"), "--state-dir", str(work)], work, 60.0)
    visits = Unit("visits", [sys.executable, str(Path(__file__).resolve()), "submitter", url,
                             str(work / "visits-outbox.sqlite3"), token], work, 60.0)
    faults: list[tuple[str, float]] = []       # (kind, when) for UI faults awaiting READY
    times: dict[str, list[float]] = {}
    ui.start()
    visits.start()
    end = time.monotonic() + minutes * 60
    next_fault = time.monotonic() + 20
    hang_until = 0.0
    kinds = ["kill9", "sigstop", "damage_catalog", "damage_pinyin", "hang_platform",
             "kill9_visits"]
    counts = dict.fromkeys(kinds, 0)
    try:
        while time.monotonic() < end:
            ui.poll()
            visits.poll()
            now = time.monotonic()
            if hang_until and now > hang_until:
                server.faults.clear()
                hang_until = 0.0
            while faults and ui.ready_at and ui.ready_at[-1] > faults[0][1]:
                kind, at = faults.pop(0)
                times.setdefault(kind, []).append(ui.ready_at[-1] - at)
            if now < next_fault or not ui.ready or faults:
                continue
            kind = rng.choice(kinds)
            counts[kind] += 1
            next_fault = now + rng.uniform(25, 45)
            assert ui.proc is not None and visits.proc is not None
            if kind == "kill9":
                ui.proc.kill()
            elif kind == "sigstop":
                ui.proc.send_signal(signal.SIGSTOP)
            elif kind.startswith("damage_"):
                name = "catalog.sqlite3" if kind == "damage_catalog" else "pinyin.sqlite3"
                damage(work / "var" / "platform" / name)
                ui.proc.kill()
            elif kind == "hang_platform":
                server.faults.set("timeout", hang_s=30.0)
                hang_until = now + 20
                continue                           # not a UI failure: nothing to time
            else:
                visits.proc.kill()
                continue
            faults.append((kind, now))
            print(f"[{minutes * 60 - (end - now):6.0f} s] {kind}", flush=True)
    finally:
        server.faults.clear()
        ui.stop()
        visits.stop()
    finish = subprocess.run([sys.executable, str(Path(__file__).resolve()), "submitter", url,
                             str(work / "visits-outbox.sqlite3"), "finish"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    accepted = [ln.split()[1] for ln in visits.lines if ln.startswith("ACCEPTED ")]
    evals = {ln.split()[1]: ln.split()[2] for ln in visits.lines
             if ln.startswith("ACCEPTED-EVAL ")}
    cases = [c for c in server.state.cases.all_cases()
             if str(c["idempotency_key"]).startswith("app-")]
    case_keys = [c["idempotency_key"] for c in cases]
    with server.state.cases.store.transaction() as conn:
        rated = [r[0] for r in conn.execute("SELECT case_no FROM evaluations")]
    states = outbox_states(work / "visits-outbox.sqlite3")
    server.stop()
    all_times = [t for ts in times.values() for t in ts]
    report = [
        f"soak: {minutes:g} min, seed {seed}, watchdog {WATCHDOG_S:g} s, work dir {work}",
        "faults injected: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
        f"restarts: ui {ui.restarts} (watchdog kills {ui.watchdog_kills}, crash loops "
        f"{ui.crash_loops}), visits {visits.restarts}",
        f"fault → attract: n={len(all_times)} p50 {percentile(all_times, 0.5):.1f} s, "
        f"p95 {percentile(all_times, 0.95):.1f} s, max {max(all_times, default=0):.1f} s",
        *(f"  {k}: n={len(v)} p50 {percentile(v, 0.5):.1f} s p95 {percentile(v, 0.95):.1f} s"
          for k, v in sorted(times.items())),
        f"applications: accepted {len(accepted)}, on the platform {len(set(case_keys))}, "
        f"refused by the platform {refused(accepted, states)}, "
        f"lost {lost(accepted, set(case_keys), states)}, "
        f"duplicated {len(case_keys) - len(set(case_keys))}",
        f"evaluations: accepted {len(evals)}, on the platform "
        f"{len(set(evals.values()) & set(rated))}, refused by the platform "
        f"{refused(list(evals), states)}, lost "
        f"{lost([k for k, c in evals.items() if c not in rated], set(), states)}, "
        f"duplicated {len(rated) - len(set(rated))}",
        f"final drain: {finish.stdout.strip() or finish.stderr.strip()[-200:]}",
    ]
    text = "\n".join(report)
    print(text)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    gone = lost(accepted, set(case_keys), states) + lost(
        [k for k, c in evals.items() if c not in rated], set(), states)
    return 0 if gone == 0 and len(case_keys) == len(set(case_keys)) else 1


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "submitter":
        return submitter(*sys.argv[2:5])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("minutes", type=float)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("soak: needs a display (scripts/soak starts Xvfb)", file=sys.stderr)
        return 2
    return soak(args.minutes, args.seed, args.out)


if __name__ == "__main__":
    sys.exit(main())
