"""Child process for test_watchdog: the real terminal UI (``python -m screens run``) with a
test hook: SIGUSR1 blocks the main thread for ``BLOCK_S`` seconds (a signal handler runs on
the main thread, so the UI loop stops while the process and its worker threads live on)."""

from __future__ import annotations

import os
import signal
import sys
import time

from screens.__main__ import main

if __name__ == "__main__":
    block_s = float(os.environ.get("BLOCK_S", "3"))
    signal.signal(signal.SIGUSR1, lambda *_a: time.sleep(block_s))
    sys.exit(main(["run", "--windowed", *sys.argv[1:]]))
