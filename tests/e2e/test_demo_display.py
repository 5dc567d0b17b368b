"""The demo with a display: the terminal opens as a half-size window drawn at half density,
and the simulators' control page answers beside it (a person drives; nothing is scripted).

The test starts its own Xvfb so the window is alone on a black root, then finds the window by
the part of the root that is not black."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None or shutil.which("import") is None,
                                reason="needs Xvfb and ImageMagick (scripts/bootstrap)")


def _xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1920x1200x24", "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with open(read, "rb") as pipe:
        number = pipe.readline().decode().strip()
    return server, f":{number}"


def _drawn_box(display: str, shot: Path) -> tuple[int, int, int, int] | None:
    subprocess.run(["import", "-display", display, "-window", "root", str(shot)],
                   check=True, capture_output=True, timeout=30)
    with Image.open(shot) as image:
        mask = image.convert("L").point(lambda v: 255 if v > 8 else 0)
        return mask.getbbox()


@pytest.mark.timeout(180)
def test_demo_with_a_display_opens_a_window_and_the_control_page(tmp_path: Path) -> None:
    server, display = _xvfb()
    env = {**os.environ, "DISPLAY": display}
    demo = subprocess.Popen([sys.executable, "-m", "screens", "demo", "--out",
                             str(tmp_path / "out"),
                             "--no-browser"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        url = ""
        deadline = time.monotonic() + 90
        assert demo.stdout is not None
        while not url and time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line and demo.poll() is not None:
                break
            if "control page at " in line:
                url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:"), f"no control page (exit {demo.poll()})"
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200 and b"<html" in answer.read().lower()
        box = None
        while time.monotonic() < deadline:
            box = _drawn_box(display, tmp_path / "root.png")
            if box and (box[2] - box[0], box[3] - box[1]) == (540, 960):
                break
            time.sleep(1)
        assert box is not None and (box[2] - box[0], box[3] - box[1]) == (540, 960), box
        with Image.open(tmp_path / "root.png") as image:
            window = image.crop(box).convert("RGB")
            colours = window.getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 20, "the window is drawn in one colour"
        assert demo.poll() is None, "the demo stopped by itself"
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        server.terminate()
        server.wait(timeout=10)
