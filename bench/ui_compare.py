"""The UI's start time and screen-change latency, this tree against an earlier commit, in one run.

``xvfb-run -a -s "-screen 0 1920x1920x24" python bench/ui_compare.py --base REV [--runs 3]``
checks ``REV`` out into a temporary git worktree and runs ``bench/ui.py --only start`` and
``--only transitions`` in each tree in turn (base, current, base, current …), so both see
the same machine load. Each tree runs on its own code (``PYTHONPATH`` is the tree) with this
environment's packages. It prints, per tree, the median cold start over the runs and the
p50/p95 of touch → next screen drawn over all transitions of all runs, and the ratios.
Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


#: the nine journeys both trees have: the comparison runs the same visits on each
FIRST_NINE = ("guide_by_pinyin,provident_fund_query,social_security_certificate,"
              "electronic_id_certificate,application_with_receipt,progress_by_receipt_qr,"
              "evaluation,elderly_mode,printer_paper_out")


def _run(tree: Path, figure: str, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree), "BENCH_UI_JOURNEYS": FIRST_NINE}
    done = subprocess.run([sys.executable, str(tree / "bench" / "ui.py"), "--only", figure,
                           *extra],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    start = done.stdout.find("{")
    if done.returncode != 0 or start < 0:
        raise RuntimeError(f"{tree.name}: bench/ui.py --only {figure} failed "
                           f"(exit {done.returncode}): {done.stderr[-800:]}")
    return dict(json.loads(done.stdout[start:]))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    """Measure both trees and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the earlier commit to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--elderly", action="store_true",
                        help="also measure this tree with visits starting in 长辈版")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("bench/ui_compare.py needs a display: run it under xvfb-run", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ui-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            trees: dict[str, tuple[Path, tuple[str, ...]]] = {
                "base " + args.base[:10]: (base, ()), "current": (ROOT, ())}
            if args.elderly:
                trees["current 长辈版"] = (ROOT, ("--mode", "elderly"))
            starts: dict[str, list[float]] = {name: [] for name in trees}
            moves: dict[str, list[float]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, (tree, extra) in trees.items():
                    starts[name].append(float(_run(tree, "start", extra)["start_s"]))
                    moves[name].extend(_run(tree, "transitions", extra).get("transitions_ms",
                                                                           []))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                           capture_output=True)
    for name in trees:
        lat = moves[name]
        print(f"{name:>18}: start median {statistics.median(starts[name]):.2f} s "
              f"({', '.join(f'{s:.2f}' for s in starts[name])}); touch → next screen drawn "
              f"p50 {_pct(lat, 0.5):.1f} ms, p95 {_pct(lat, 0.95):.1f} ms over {len(lat)}")
    old, new = list(trees)[:2]
    print(f"ratios current/base: start "
          f"{statistics.median(starts[new]) / statistics.median(starts[old]):.2f}, "
          f"p95 {_pct(moves[new], 0.95) / _pct(moves[old], 0.95):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
