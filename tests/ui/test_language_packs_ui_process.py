"""Runs tests/ui/test_language_packs_ui.py in a fresh Python process (its App, set to the
pseudo-locale, must not share Kivy's globals with the other UI test modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]
MODULE = Path(__file__).with_name("test_language_packs_ui.py")


def test_language_pack_screens_in_a_process_of_their_own() -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(MODULE)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, EBT_LANGUAGE_PACKS_CHILD="1"))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
