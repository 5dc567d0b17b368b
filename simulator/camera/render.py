"""Render camera frames: a phone showing a QR code, held at an angle under kiosk lighting.

:class:`Scene` describes one shot (payload, code size, tilt, blur, glare, noise,
contrast); :func:`render` turns it into a BGR frame with OpenCV: a textured counter
background, a phone body with a lit screen (status bar, title, the QR code, text lines),
warped in perspective onto the frame, then lens blur, a glare spot, sensor noise and a
contrast / exposure change. A scene without payload and without face is an empty frame;
``face=True`` puts a real portrait (scikit-image's public-domain astronaut photo) in view.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M


@dataclass(frozen=True)
class Scene:
    """One shot. ``code_frac`` is the code's width as a fraction of the frame height."""

    payload: bytes | None = None
    face: bool = False
    code_frac: float = 0.35
    tilt_deg: float = 0.0  # rotation of the phone away from the camera (perspective)
    roll_deg: float = 0.0  # rotation in the image plane
    center: tuple[float, float] = (0.5, 0.5)  # fractions of the frame
    blur: float = 0.0  # Gaussian sigma in pixels
    glare: float = 0.0  # 0..1 strength of a bright spot on the screen
    noise: float = 2.0  # sensor noise sigma (grey levels)
    contrast: float = 1.0  # 1 = full; 0.3 = washed out
    brightness: float = 0.0  # added after contrast, grey levels
    screen_dark: bool = False  # dark-mode phone screen (light code on dark)


def qr_matrix(payload: bytes) -> np.ndarray:
    """The code's modules as a bool array (True = dark), with a 4-module quiet zone."""
    code = qrcode.QRCode(border=4, error_correction=ERROR_CORRECT_M)
    code.add_data(payload)  # bytes -> byte mode, exactly these bytes
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def _phone_image(payload: bytes, code_px: int, dark: bool, seed: int) -> np.ndarray:
    """The phone seen face-on: body, screen with status bar and the code."""
    matrix = qr_matrix(payload)
    module = max(1, round(code_px / matrix.shape[0]))
    dark_px, light_px = (235, 28) if dark else (20, 250)
    code: np.ndarray = np.where(matrix, dark_px, light_px).astype(np.uint8)
    code = cv2.resize(code, None, fx=module, fy=module, interpolation=cv2.INTER_NEAREST)
    side = code.shape[0]
    width, height = int(side * 1.25), int(side * 2.2)
    screen_bg = 30 if dark else 246
    screen = np.full((height, width, 3), screen_bg, np.uint8)
    rng = np.random.default_rng(seed)
    cv2.rectangle(screen, (0, 0), (width, int(height * 0.06)), (170, 120, 40), -1)  # status bar
    for row in range(3):  # title / text lines above and below the code
        y = int(height * (0.1 + 0.045 * row))
        cv2.rectangle(screen, (int(width * 0.12), y),
                      (int(width * (0.5 + 0.35 * rng.random())), y + max(2, height // 90)),
                      (90, 90, 90) if not dark else (180, 180, 180), -1)
    top, left = int(height * 0.3), (width - side) // 2
    screen[top:top + side, left:left + side] = code[:, :, None]
    for row in range(4):
        y = top + side + int(height * (0.05 + 0.05 * row))
        if y + 6 < height:
            bottom_right = (int(width * 0.85), y + max(2, height // 100))
            cv2.rectangle(screen, (int(width * 0.15), y), bottom_right, (120, 120, 120), -1)
    bezel = max(4, width // 18)
    body = np.full((height + 2 * bezel, width + 2 * bezel, 3), 18, np.uint8)
    body[bezel:bezel + height, bezel:bezel + width] = screen
    return body


def _background(width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.linspace(150, 95, height, dtype=np.float32)[:, None, None]
    tint = np.array([1.0, 0.97, 0.9], np.float32)
    texture = cv2.GaussianBlur(rng.normal(0, 14, (height, width)).astype(np.float32), (0, 0), 3)
    image = base * tint + texture[:, :, None]
    return np.clip(image, 0, 255).astype(np.uint8)


@lru_cache(maxsize=1)
def _portrait() -> np.ndarray:
    from skimage import data  # public-domain NASA portrait shipped inside scikit-image

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def _place(frame: np.ndarray, image: np.ndarray, scene: Scene, height_px: float) -> None:
    """Warp ``image`` into ``frame`` (in place) with the scene's tilt, roll and position."""
    h, w = image.shape[:2]
    scale = height_px / h
    cx, cy = scene.center[0] * frame.shape[1], scene.center[1] * frame.shape[0]
    tilt = np.radians(scene.tilt_deg)
    half_w, half_h = w * scale / 2, h * scale / 2
    shrink = np.cos(tilt)
    persp = 0.25 * np.sin(tilt)  # far edge gets narrower
    corners = np.array([
        [-half_w * (1 - persp), -half_h * shrink], [half_w * (1 - persp), -half_h * shrink],
        [half_w * (1 + persp), half_h * shrink], [-half_w * (1 + persp), half_h * shrink],
    ], np.float32)
    roll = np.radians(scene.roll_deg)
    rot = np.array([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]], np.float32)
    dst = corners @ rot.T + np.array([cx, cy], np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
    frame[mask > 127] = warped[mask > 127]


def render(scene: Scene, size: tuple[int, int] = (1280, 720), seed: int = 0) -> np.ndarray:
    """Render ``scene`` into a BGR frame of ``size`` (width, height)."""
    width, height = size
    frame = _background(width, height, seed)
    if scene.face:
        _place(frame, _portrait(), scene, height * 0.8)
    if scene.payload is not None:
        code_px = max(16, int(scene.code_frac * height))
        phone = _phone_image(scene.payload, code_px, scene.screen_dark, seed)
        _place(frame, phone, scene, phone.shape[0] * code_px / (phone.shape[1] / 1.25 * 0.95))
    return finish(frame, scene, seed)


def finish(frame: np.ndarray, scene: Scene, seed: int) -> np.ndarray:
    """Optics and sensor: glare, blur, contrast / exposure, noise."""
    image: np.ndarray = frame.astype(np.float32)
    height, width = frame.shape[:2]
    rng = np.random.default_rng(seed + 1)
    if scene.glare > 0:
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        gx = (scene.center[0] + rng.uniform(-0.04, 0.04)) * width  # on the phone's screen
        gy = (scene.center[1] + rng.uniform(-0.06, 0.06)) * height
        radius = 0.1 * height
        spot = np.exp(-((xx - gx) ** 2 / (2 * (radius * 1.6) ** 2)
                        + (yy - gy) ** 2 / (2 * radius ** 2)))
        image += (255 * scene.glare * spot)[:, :, None] * (1 - image / 320)
    if scene.blur > 0:
        image = cv2.GaussianBlur(image, (0, 0), scene.blur)
    image = (image - 128) * scene.contrast + 128 + scene.brightness
    if scene.noise > 0:
        image += rng.normal(0, scene.noise, image.shape[:2]).astype(np.float32)[:, :, None]
    return np.clip(image, 0, 255).astype(np.uint8)
