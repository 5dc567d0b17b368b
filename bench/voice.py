"""Voice benchmark: how long a citizen waits before a prompt starts.

    python bench/voice.py [--runs 5]

For every fixed prompt (zh_CN, normal and slow): the median cold render time with
espeak-ng, the median cached lookup time, and the ratio of cold render time to the
prompt's spoken duration (the worker renders while nothing plays, so this is the delay a
prompt would have without pre-rendering). Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.voice.backends import EspeakBackend, wav_duration
from kiosk.voice.prompts import fixed_prompts


def main() -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    prompts = fixed_prompts()
    for rate in ("normal", "slow"):
        cold: list[float] = []
        cached: list[float] = []
        ratios: list[float] = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                backend = EspeakBackend(Path(tmp))
                for text in prompts:
                    t0 = time.perf_counter()
                    wav = backend.render(text, language="zh_CN", rate=rate)
                    t1 = time.perf_counter()
                    backend.render(text, language="zh_CN", rate=rate)
                    t2 = time.perf_counter()
                    cold.append(t1 - t0)
                    cached.append(t2 - t1)
                    ratios.append((t1 - t0) / wav_duration(wav))
        print(f"voice {rate}: {len(prompts)} prompts x {args.runs} runs: "
              f"cold render median {statistics.median(cold) * 1000:.1f} ms "
              f"(p95 {sorted(cold)[int(len(cold) * 0.95)] * 1000:.1f} ms), "
              f"cached median {statistics.median(cached) * 1000:.3f} ms, "
              f"render/duration median {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
