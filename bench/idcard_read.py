"""Benchmark: time from find-card to parsed record, as a ratio to pure wire time.

Runs the production driver against the ID-card simulator at 115200 baud over TCP and a pty.
Wire time = bytes on the wire (both directions, as counted by the driver) × 10 / baud. The
target is a median ratio ≤ 1.15. Prints figures only; nothing is asserted.

    python bench/idcard_read.py [--runs 15] [--baud 115200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.idcard.reader import SamIdCardReader
from simulator.idcard.server import IdCardSimulator


def measure(url: str, sim: IdCardSimulator, runs: int, baud: int) -> list[tuple[float, int]]:
    """(elapsed seconds, wire bytes) of ``runs`` full reads."""
    reader = SamIdCardReader(url, baudrate=baud)
    reader.open()
    out = []
    try:
        reader.read_card()  # warm up (imports, first connection)
        for i in range(runs):
            sim.insert_card(sim.card_names()[i % len(sim.card_names())])
            before = reader.counters["bytes_in"] + reader.counters["bytes_out"]
            start = time.perf_counter()
            result = reader.read_card(wait_for_card=False)
            elapsed = time.perf_counter() - start
            if not result.ok:
                raise SystemExit(f"read failed: {result.message}")
            wire = reader.counters["bytes_in"] + reader.counters["bytes_out"] - before
            out.append((elapsed, wire))
    finally:
        reader.close()
    return out


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args()
    sim = IdCardSimulator(baudrate=args.baud)
    urls = sim.start(tcp_port=0, pty=True)
    try:
        print(f"ID-card read (find, select, base message, appended address) at {args.baud} "
              f"baud, {args.runs} runs per transport")
        for transport in ("tcp", "pty"):
            samples = measure(urls[transport], sim, args.runs, args.baud)
            ratios = [t / (wire * 10 / args.baud) for t, wire in samples]
            times = [t * 1000 for t, _ in samples]
            wires = sorted({wire for _, wire in samples})
            print(f"  {transport}: median {statistics.median(times):.1f} ms, wire bytes "
                  f"{wires[0]}–{wires[-1]} (wire time {wires[0] * 10000 / args.baud:.1f}–"
                  f"{wires[-1] * 10000 / args.baud:.1f} ms), median ratio "
                  f"{statistics.median(ratios):.3f} × wire time "
                  f"(min {min(ratios):.3f}, max {max(ratios):.3f}; target ≤ 1.15)")
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
