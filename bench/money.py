"""Figures for payments, A4 certificates and appointments (medians and p95, no asserts).

    python bench/money.py [--orders 40] [--certificates 10] [--queries 200]

* payment confirmation: the wallet pays (control surface) → the platform notifies → the
  terminal's PaymentService.wait returns "paid" (what the payment screen waits on);
  target ≤ 1 s. The query fallback is set to 30 s so only the notification can count.
* certificate → CUPS job: the sealed certificate PDF in hand → Print-Job answered with a
  job id by a private cupsd (scripts/cups) with a cups-pdf queue; target ≤ 2 s. Also the
  platform's issue (render + seal) and the time until the job is completed.
* slot query: GET /v1/appointments/slots for 5 working days at varying venues; p95 target
  ≤ 200 ms.

The platform simulator runs in this process (uvicorn on its own thread).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from common.events import EventBus  # noqa: E402
from kiosk.a4.ipp import IppClient  # noqa: E402
from kiosk.a4.jobs import JobLedger  # noqa: E402
from kiosk.a4.printer import A4Printer  # noqa: E402
from kiosk.payments.ledger import Ledger  # noqa: E402
from kiosk.payments.notify import NotificationListener  # noqa: E402
from kiosk.payments.service import PaymentIntent, PaymentService  # noqa: E402
from kiosk.platform.client import PlatformClient  # noqa: E402
from kiosk.platform.money_client import MoneyClient  # noqa: E402
from simulator.platform import fines, idnumber, payloads  # noqa: E402
from simulator.platform.server import PlatformServer  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def line(name: str, values: list[float], target: str) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name:<44} n={len(ms):<4} median {statistics.median(ms):8.1f} ms   "
            f"p95 {p95(ms):8.1f} ms   max {max(ms):8.1f} ms   target {target}")


def payments(server: PlatformServer, money: MoneyClient, orders: int, tmp: Path) -> list[str]:
    bus = EventBus()
    holder: dict[str, PaymentService] = {}
    listener = NotificationListener("demo-secret", lambda d: holder["s"].on_notification(d),
                                    bus)
    service = PaymentService(money, Ledger(tmp / "pay.sqlite3"), bus,
                             notify_url=listener.start(), poll_s=30.0)
    holder["s"] = service
    waits: list[float] = []
    for n, number in enumerate(fines.sample_decisions(seed=1234, count=orders)):
        amount = money.fine(number).amount_fen
        order = service.start(PaymentIntent(f"bench-{n}-{number}", "fine", number, "t",
                                            amount))
        stamp: list[float] = []

        def pay(code: str = order.pay_code, at: list[float] = stamp) -> None:
            time.sleep(0.05)
            at.append(time.perf_counter())
            requests.post(f"{server.url}/_sim/payments/{code}/paid", timeout=10)

        thread = threading.Thread(target=pay)
        thread.start()
        outcome = service.wait(order, timeout_s=20)
        done = time.perf_counter()
        thread.join()
        assert outcome.status == "paid"
        waits.append(done - stamp[0])
    listener.stop()
    return [line("payment: wallet pays -> terminal sees paid", waits, "<= 1 s")]


def certificates(server: PlatformServer, money: MoneyClient, count: int) -> list[str]:
    if shutil.which("cupsd") is None:
        return ["certificate -> CUPS job: skipped (CUPS not installed)"]
    folder = Path(tempfile.mkdtemp(prefix="ebt-cups-bench-", dir="/tmp"))
    folder.chmod(0o755)
    cups = [str(ROOT / "scripts" / "cups")]
    url = subprocess.run([*cups, "start", str(folder), "6399"], capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    issue, job, printed = [], [], []
    try:
        ipp = IppClient(url)
        token = money.platform.identify_qr(payloads.sample_payloads(
            server.state.key, idnumber.SAMPLE_IDS[0])["eid"]).token
        money.issue_certificate("KM-HRSS-001", token)                 # the seal's keys
        for n in range(count):
            start = time.perf_counter()
            cert = money.issue_certificate("KM-HRSS-001", token)
            issued = time.perf_counter()
            job_id = ipp.print_job(cert.pdf, f"bench-{n}")
            created = time.perf_counter()
            while ipp.job(job_id).state != "completed":
                time.sleep(0.02)
            issue.append(issued - start)
            job.append(created - issued)
            printed.append(time.perf_counter() - issued)
        follow = A4Printer(ipp, JobLedger(folder / "a4.sqlite3"), EventBus(), poll_s=0.05)
        whole = []
        for n in range(count):
            cert = money.issue_certificate("KM-HRSS-001", token)
            start = time.perf_counter()
            assert follow.print_document(f"bench-follow-{n}", cert.pdf).printed
            whole.append(time.perf_counter() - start)
    finally:
        subprocess.run([*cups, "stop", str(folder)], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)
    return [line("certificate: platform issue (render + seal)", issue, "-"),
            line("certificate PDF -> CUPS job created", job, "<= 2 s"),
            line("certificate PDF -> job completed (cups-pdf)", printed, "-"),
            line("A4Printer.print_document (check+submit+follow)", whole, "-")]


def slots(server: PlatformServer, money: MoneyClient, queries: int) -> list[str]:
    venues = money.venues("KM-CIVIL-001")
    times = []
    for n in range(queries):
        start = time.perf_counter()
        money.slots("KM-CIVIL-001", venues[n % len(venues)].id, 5)
        times.append(time.perf_counter() - start)
    return [line("slot query (5 working days)", times, "p95 <= 200 ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--certificates", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    server = PlatformServer(seed=11)
    server.start()
    money = MoneyClient(PlatformClient(server.url, "KM-DEMO-0001", "demo-secret"))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = payments(server, money, args.orders, Path(tmp))
        out += certificates(server, money, args.certificates)
        out += slots(server, money, args.queries)
    finally:
        server.stop()
    print("\n".join(out))


if __name__ == "__main__":
    main()
