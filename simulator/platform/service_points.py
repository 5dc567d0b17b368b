"""24-hour self-service points (不打烊) across Kunming's districts, with items offered.

Coordinates are WGS-84 around each district's government-service centre. The centres'
zones offer every self-service item; the neighbourhood points every item that needs no
staffed check of paper originals (全市通办, derived in ``where.py``, not by chance).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

# district, centre latitude, centre longitude, neighbourhoods
DISTRICTS = [
    ("五华区", 25.0430, 102.7050, ["华山街道", "护国街道", "大观街道", "龙翔街道"]),
    ("盘龙区", 25.0560, 102.7210, ["拓东街道", "鼓楼街道", "东华街道", "金辰街道"]),
    ("官渡区", 25.0150, 102.7440, ["关上街道", "吴井街道", "太和街道", "官渡街道"]),
    ("西山区", 25.0380, 102.6640, ["前卫街道", "金碧街道", "马街街道", "碧鸡街道"]),
    ("呈贡区", 24.8890, 102.8210, ["龙城街道", "乌龙街道", "吴家营街道"]),
    ("晋宁区", 24.6690, 102.5950, ["昆阳街道", "晋城街道"]),
    ("东川区", 26.0830, 103.1880, ["铜都街道", "阿旺镇"]),
    ("安宁市", 24.9190, 102.4780, ["连然街道", "太平新城街道"]),
    ("富民县", 25.2220, 102.4970, ["永定街道"]),
    ("宜良县", 24.9190, 103.1410, ["匡远街道"]),
    ("石林县", 24.7710, 103.2900, ["鹿阜街道"]),
    ("嵩明县", 25.3390, 103.0370, ["嵩阳街道"]),
    ("禄劝县", 25.5520, 102.4710, ["屏山街道"]),
    ("寻甸县", 25.5590, 103.2560, ["仁德街道"]),
]


def build_points(items: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """One 24-hour zone at each district's centre plus one per neighbourhood (≥ 30)."""
    self_service = [i["code"] for i in items if i["flow"] != "guide"]
    unattended = [i["code"] for i in items if i["flow"] != "guide"
                  and (i.get("where") or {}).get("points", "all") == "all"]
    points = []
    for d_index, (district, lat, lon, streets) in enumerate(DISTRICTS):
        rng = random.Random(int(hashlib.sha256(f"{seed}:{district}".encode()).hexdigest(), 16))
        points.append(_point(f"KM{d_index:02d}00", f"{district}政务服务中心24小时自助服务区",
                             district, f"{district}政务服务中心一楼", lat, lon,
                             "00:00-24:00", self_service))
        for s_index, street in enumerate(streets, start=1):
            share = sorted(unattended)          # 全市通办: not a random subset (where.py)
            points.append(_point(
                f"KM{d_index:02d}{s_index:02d}", f"{street}便民服务中心24小时自助区", district,
                f"{district}{street}便民服务中心", lat + rng.uniform(-0.03, 0.03),
                lon + rng.uniform(-0.03, 0.03), "00:00-24:00", share))
    return points


def _point(pid: str, name: str, district: str, address: str, lat: float, lon: float,
           hours: str, codes: list[str]) -> dict[str, Any]:
    return {"id": pid, "name": name, "district": district, "address": address,
            "lat": round(lat, 6), "lon": round(lon, 6), "hours": hours,
            "open_24h": hours == "00:00-24:00", "terminals": 1 + len(codes) // 80,
            "items": codes}
