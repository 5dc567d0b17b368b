"""What re-running the overridden kv rules after a switch costs (screens/theme.py).

``xvfb-run -a -s "-screen 0 1920x1920x24" python bench/theme_switch.py`` builds the audit's
real app, shows identify, home and map once, then switches the colour scheme 24 times,
alternately with ``Theme._reapply_rules`` and with it disabled (the pre-fix behaviour,
which could leave a base rule's colour over an override), and prints the median and the
largest time of ``Theme.apply`` for each.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kivy.clock import Clock

from screens.audit_probe import audit_app
from screens.theme import Theme

SCHEMES = ["standard", "high_contrast_dark", "yellow_on_black"]


def main() -> None:
    """Run the app, time the switches, print the figures."""
    app = audit_app()
    rerun = Theme._reapply_rules
    times: dict[str, list[float]] = {"with the re-run": [], "without (pre-fix)": []}

    def skip(_self: Theme) -> None:
        return None

    def measure(_dt: float) -> None:
        for screen in ("identify", "home", "map"):
            app.show(screen)
        for i in range(24):
            label = "with the re-run" if i % 2 == 0 else "without (pre-fix)"
            Theme._reapply_rules = rerun if i % 2 == 0 else skip  # type: ignore[method-assign,assignment]
            started = time.perf_counter()
            app.theme.apply(app.theme.mode, SCHEMES[(i + 1) % 3])
            times[label].append((time.perf_counter() - started) * 1000)
        Theme._reapply_rules = rerun  # type: ignore[method-assign]
        for label, values in times.items():
            print(f"scheme switch {label}: median {statistics.median(values):.1f} ms, "
                  f"max {max(values):.1f} ms ({len(values)} switches)")
        app.stop()

    Clock.schedule_once(measure, 1.0)
    app.run()


if __name__ == "__main__":
    main()
