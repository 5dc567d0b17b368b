"""Per-keystroke catalog search latency (p50 / p99) on the real catalog and on a generated
province-scale catalog (5,000 items). Target: p99 <= 2 ms on 5,000 items.

    python bench/search.py [--runs 5] [--items 5000] [--targets 80]

Typing is simulated for many target items in three ways a citizen types: hanzi as the IME
commits each character, full pinyin letter by letter, and pinyin initials letter by letter;
every prefix is one search (limit 20). Each run times every keystroke once (no result
cache exists); figures are medians over ``--runs`` runs. A second line times mixed typing
from the same box (the first character written by hand then initials, 公jjdk; the first
syllable in full then initials, gongjjdk), which the mixed matcher serves. For scale, the
same keystrokes are timed with a naive peer that scores every item on every keystroke (no
index).
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.platform.models import CatalogItem  # noqa: E402
from kiosk.platform.search import CatalogSearch  # noqa: E402
from kiosk.platform.spelling import SYLLABLE, UNIT  # noqa: E402
from simulator.platform.catalog import build_items, province_catalog  # noqa: E402


def keystrokes(items: list[CatalogItem], targets: int, seed: int = 7) -> list[str]:
    """Every prefix a citizen types while looking for ``targets`` random items."""
    rng = random.Random(seed)
    out: list[str] = []
    for item in rng.sample(items, min(targets, len(items))):
        for text in (item.name[:8], item.pinyin[:14], item.pinyin_initials[:6]):
            out += [text[:n] for n in range(1, len(text) + 1)]
    return out


def mixed_keystrokes(search: CatalogSearch, targets: int, seed: int = 7) -> list[str]:
    """Every prefix of hanzi-then-initials and syllable-then-initials typing."""
    rng = random.Random(seed)
    spelled = [[tuple(u.split(SYLLABLE)) for u in e.spelled.split(UNIT)[1:]]
               for e in search._entries]
    entries = [u for u in spelled if len(u) >= 3]
    out: list[str] = []
    for units in rng.sample(entries, min(targets, len(entries))):
        rest = "".join(syllable[:1] for _c, syllable in units[1:6])
        for text in (units[0][0] + rest, units[0][1] + rest):
            out += [text[:n] for n in range(2, len(text) + 1)]
    return out


def naive(search: CatalogSearch, query: str, limit: int = 20) -> list[int]:
    """Peer: score every entry with the same quality rules, no index."""
    q = "".join(query.lower().split())
    scored = []
    for index, entry in enumerate(search._entries):
        quality, _ = search._quality(entry, q)
        if quality:
            scored.append((quality + 12 * entry.pop, index))
    return [i for _, i in heapq.nlargest(limit, scored)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(search: CatalogSearch, queries: list[str], peer: bool) -> tuple[float, float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        if peer:
            naive(search, query)
        else:
            search.search(query, 20)
        times.append(time.perf_counter() - start)
    return percentile(times, 50) * 1000, percentile(times, 99) * 1000


def bench(label: str, raw: list[dict], runs: int, targets: int) -> None:
    items = [CatalogItem.from_json(i) for i in raw]
    builds, results, peers, mixed = [], [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        search = CatalogSearch(items)
        builds.append(time.perf_counter() - start)
        queries = keystrokes(items, targets)
        results.append(measure(search, queries, peer=False))
        peers.append(measure(search, queries[::4], peer=True))
        mixed.append(measure(search, mixed_keystrokes(search, targets), peer=False))
    p50 = statistics.median(r[0] for r in results)
    p99 = statistics.median(r[1] for r in results)
    peer50 = statistics.median(r[0] for r in peers)
    peer99 = statistics.median(r[1] for r in peers)
    print(f"{label}: {len(items)} items, {len(queries)} keystrokes/run, {runs} runs")
    print(f"  index build          median {statistics.median(builds) * 1000:8.1f} ms")
    print(f"  per keystroke        p50 {p50:6.3f} ms   p99 {p99:6.3f} ms")
    print(f"  naive peer (no index) p50 {peer50:6.3f} ms   p99 {peer99:6.3f} ms  "
          f"(p99 ratio peer/index {peer99 / p99:4.1f}x)")
    print(f"  mixed typing         p50 {statistics.median(r[0] for r in mixed):6.3f} ms   "
          f"p99 {statistics.median(r[1] for r in mixed):6.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--targets", type=int, default=80)
    args = parser.parse_args()
    bench("Kunming catalog", build_items(), args.runs, args.targets)
    bench("province catalog", province_catalog(args.items), args.runs, args.targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
