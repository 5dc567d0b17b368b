"""Receipt printing figures: build an acceptance receipt's bytes, status and job round trips.

``python bench/receipt.py [--runs N]`` prints the median (and p90) of N runs of
* building a 受理凭证 document and rendering it to ESC/POS bytes (target ≤ 10 ms median),
* a DLE EOT status round trip against the printer simulator over TCP,
* a whole acceptance receipt job against the simulator (pre-check, send, GS r confirmation,
  post-check — including the simulator rendering the PNG and decoding its QR code).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.printer.driver import EscPosPrinter
from drivers.printer.render import Renderer
from kiosk.receipts import samples
from simulator.printer import PrinterSimulator


def _measure(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm up (imports, font and profile caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def main() -> int:
    """Run the three measurements and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    renderer = Renderer(80)

    def build() -> bytes:
        return renderer.render(samples.acceptance(logo=True)).data

    size = len(build())
    median, p90 = _measure(build, args.runs)
    verdict = "meets" if median <= 10 else "MISSES"
    print(f"build acceptance receipt bytes (80 mm, with logo, {size} bytes): "
          f"median {median:.2f} ms, p90 {p90:.2f} ms — {verdict} the 10 ms target")

    with tempfile.TemporaryDirectory() as out:
        sim = PrinterSimulator(out, width_mm=80)
        urls = sim.start(tcp_port=0, pty=True)
        printer = EscPosPrinter(urls["tcp"], None, width_mm=80)
        serial = EscPosPrinter(urls["pty"], None, width_mm=80, baudrate=115200)
        try:
            median, p90 = _measure(printer.query_status, args.runs)
            print(f"status round trip (DLE EOT 1/2/4 over TCP to the simulator): "
                  f"median {median:.2f} ms, p90 {p90:.2f} ms")
            median, p90 = _measure(serial.query_status, args.runs)
            print(f"status round trip (same, over the pty at 115200 baud): "
                  f"median {median:.2f} ms, p90 {p90:.2f} ms")
            job_runs = max(3, args.runs // 10)

            def job() -> None:
                result = printer.print_document(samples.acceptance())
                if not result.ok:
                    raise RuntimeError(result.message)

            median, p90 = _measure(job, job_runs)
            print(f"acceptance receipt job, confirmed (simulator renders PNG + decodes QR), "
                  f"{job_runs} runs: median {median:.1f} ms, p90 {p90:.1f} ms")
        finally:
            printer.close()
            serial.close()
            sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
