"""A labelled corpus of synthetic camera frames for decoder tests and the benchmark.

:func:`generate` yields :class:`Sample` s cycling through the conditions a terminal's camera
sees — clean, phone at an angle, blur, glare, noise, low contrast, small code, GBK payload,
and frames with no code (some with a face) — with seeded random parameters, so a corpus is
the same on every run. Payloads have the shapes of the terminal's real formats (provisional
``EBT1:`` codes, see kiosk/payloads.py) with fake contents; no real personal data.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from simulator.camera.render import Scene, render

CONDITIONS = (
    "clean", "angle", "blur", "glare", "noise", "low_contrast", "small", "gbk", "no_code",
)


@dataclass(frozen=True)
class Sample:
    """One frame and what a decoder should find in it (None = no code)."""

    frame: np.ndarray
    expected: bytes | None
    condition: str
    scene: Scene


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def sample_payload(rng: random.Random, gbk: bool = False) -> bytes:
    """A payload in one of the terminal's formats (or a GBK text for old codes)."""
    case = f"530100{rng.randint(2024, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
           f"{rng.randint(0, 999999):06d}"
    sig = "".join(rng.choice("0123456789abcdef") for _ in range(16))
    if gbk:
        name = rng.choice(["昆明市五华区政务服务中心", "盘龙区不动产登记", "官渡区社保缴费凭证"])
        return f"{name}|编号{case}".encode("gbk")
    kind = rng.randrange(5)
    if kind == 0:
        return f"EBT1:CASE:{case}".encode()
    if kind == 1:
        return f"EBT1:EVAL:{case}:{rng.randint(1_790_000_000, 1_800_000_000)}:{sig}".encode()
    if kind == 2:
        body = _b64({"v": 1, "name": "测试用户", "idm": f"5301**********{rng.randint(0, 9999):04d}",
                     "exp": rng.randint(1_790_000_000, 1_800_000_000)})
        return f"EBT1:EID:{body}.{sig}".encode()
    if kind == 3:
        body = _b64({"v": 1, "lic": "驾驶证", "no": f"53{rng.randint(0, 10**10):010d}",
                     "holder": "测试用户"})
        return f"EBT1:LIC:{body}.{sig}".encode()
    return case.encode()


def scene_for(condition: str, rng: random.Random) -> Scene:
    """Random scene parameters for one condition."""
    base = Scene(
        payload=sample_payload(rng),
        code_frac=rng.uniform(0.22, 0.4),
        tilt_deg=rng.uniform(0, 12),
        roll_deg=rng.uniform(-12, 12),
        center=(rng.uniform(0.38, 0.62), rng.uniform(0.4, 0.6)),
        noise=rng.uniform(1.5, 3.5),
    )
    options: dict[str, dict[str, object]] = {
        "clean": {},
        "angle": {"tilt_deg": rng.uniform(30, 50), "roll_deg": rng.uniform(-30, 30)},
        "blur": {"blur": rng.uniform(1.0, 2.0)},
        "glare": {"glare": rng.uniform(0.5, 0.85)},
        "noise": {"noise": rng.uniform(8, 14)},
        "low_contrast": {"contrast": rng.uniform(0.25, 0.4), "brightness": rng.uniform(-20, 30)},
        "small": {"code_frac": rng.uniform(0.12, 0.16)},
        "gbk": {"payload": sample_payload(rng, gbk=True)},
        "no_code": {"payload": None, "face": rng.random() < 0.5},
    }
    changes = options[condition]
    return replace(base, **changes)  # type: ignore[arg-type]


def generate(count: int, size: tuple[int, int] = (1280, 720), seed: int = 0) -> Iterator[Sample]:
    """``count`` samples at ``size`` (width, height), cycling through CONDITIONS."""
    rng = random.Random(seed)
    for index in range(count):
        condition = CONDITIONS[index % len(CONDITIONS)]
        scene = scene_for(condition, rng)
        # optical blur is a property of the lens: fewer pixels at a lower resolution
        scaled = replace(scene, blur=scene.blur * size[1] / 720)
        frame = render(scaled, size, seed=seed * 100_003 + index)
        yield Sample(frame, scene.payload, condition, scene)
