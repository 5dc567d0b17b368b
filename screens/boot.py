"""Configure Kivy before its window exists: size and orientation, full screen, no exit key.

Call :func:`configure_kivy` before importing ``screens.app`` (which creates the window).
Portrait is 1080 × 1920, landscape 1920 × 1080; ``scale`` shrinks the window and Kivy's
density together for a developer's screen (the demo with a display). In kiosk mode the
window is full screen, Escape does not quit and closing is refused: the way out is the
operator's PIN on the maintenance screen.

Multisampling is off: Kivy asks for 2× MSAA by default, which under a software renderer
(Mesa llvmpipe, as on a terminal without a GPU driver and under Xvfb) costs about 87 MB of
buffers and fill time, for edges that are almost all axis-aligned rectangles and text that
the font renderer already smooths.
"""

from __future__ import annotations

import os

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def configure_kivy(orientation: str = "portrait", *, kiosk_mode: bool = True,
                   scale: float = 1.0) -> tuple[int, int]:
    """Set Kivy's config for the terminal window; returns the window size."""
    if orientation not in SIZES:
        raise ValueError(f"orientation must be portrait or landscape, not {orientation!r}")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    if not 0.2 <= scale <= 1.0:
        raise ValueError(f"scale must be between 0.2 and 1, not {scale}")
    if scale != 1.0:        # a developer's window: every dp and font shrinks with it
        os.environ.setdefault("KIVY_METRICS_DENSITY", f"{scale:g}")
    width, height = (int(v * scale) for v in SIZES[orientation])
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "fullscreen", "auto" if kiosk_mode else "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    return width, height
