"""Outbox throughput: durable puts per second, and applications per second through the
outbox to the platform simulator (put → background drain → signed HTTP → case number).

    python bench/outbox.py [--records 300] [--runs 3]

The simulator runs as its own process (``python -m simulator platform --port 0``) so client
and server each get a core. Each run uses a fresh outbox database; figures are medians of
``--runs`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.platform.client import PlatformClient  # noqa: E402
from kiosk.platform.outbox import Outbox, PlatformSender  # noqa: E402
from simulator.platform import idnumber, payloads  # noqa: E402
from simulator.platform.forms import accepted_commitment  # noqa: E402


def run_once(url: str, token: str, records: int, tag: str) -> tuple[float, float]:
    """(durable puts per second, delivered applications per second)."""
    client = PlatformClient(url, "KM-DEMO-0001", "demo-secret")
    with tempfile.TemporaryDirectory() as tmp:
        outbox = Outbox(Path(tmp) / "outbox.db", PlatformSender(client), poll_s=0.01)
        start = time.perf_counter()
        for n in range(records):
            outbox.put("application", {"item_code": "KM-HPF-005", "session_token": token,
                                       "form": {"phone": "13800000000", "amount": 1.0 + n,
                                                "bank": "工商银行", "rent": 1500.0},
                                       "materials": [], "commitment": accepted_commitment()},
                       f"bench-{tag}-{n:06d}")
        put_rate = records / (time.perf_counter() - start)
        start = time.perf_counter()
        outbox.start()
        deadline = time.monotonic() + 300
        while outbox.counts().get("sent", 0) < records and time.monotonic() < deadline:
            time.sleep(0.01)
        drain_s = time.perf_counter() - start
        counts = outbox.counts()
        outbox.close()
    if counts.get("sent", 0) != records:
        raise SystemExit(f"outbox bench: only {counts} delivered")
    return put_rate, records / drain_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "simulator", "platform", "--port", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        if not url.startswith("http"):
            raise SystemExit("outbox bench: platform simulator did not start")
        client = PlatformClient(url, "KM-DEMO-0001", "demo-secret")
        eid = payloads.sample_payloads(payloads.platform_key(0), idnumber.SAMPLE_IDS[1])["eid"]
        token = client.identify_qr(eid).token
        results = [run_once(url, token, args.records, f"{time.time_ns()}-{r}")
                   for r in range(args.runs)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    puts = statistics.median(r[0] for r in results)
    delivered = statistics.median(r[1] for r in results)
    print(f"outbox: {args.records} applications/run, {args.runs} runs (medians)")
    print(f"  durable put (SQLite WAL, synchronous=FULL)   {puts:8.1f} records/s")
    print(f"  delivered to the platform simulator (HTTP)   {delivered:8.1f} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
