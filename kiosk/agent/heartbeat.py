"""Turn the terminal's snapshot into a heartbeat that carries no personal data.

Only whitelisted fields pass: device states and short scalar status values (never a
``message`` text, never keys that could name a person), paper state and level, the current
screen's name, counters, maintenance flag, app version, uptime.
"""

from __future__ import annotations

from typing import Any

from fleet.protocol import COUNTER_KEYS, FAULT_KINDS, PAPER_STATES

#: status keys dropped even when their value looks harmless
DENY_KEYS = frozenset({
    "message", "name", "id_number", "idnumber", "address", "photo", "birth", "birthday",
    "card_number", "phone", "mobile", "text", "data", "payload", "code", "qr",
})
MAX_DEVICES = 32


def _device(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {"state": "unknown", "status": {}, "model": ""}
    nested = raw.get("status") if isinstance(raw.get("status"), dict) else None
    source = nested if nested is not None else raw
    status: dict[str, Any] = {}
    for key, value in source.items():
        if not isinstance(key, str) or len(key) > 32 or key.lower() in DENY_KEYS:
            continue
        if key in ("state", "model", "status"):
            continue
        if isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 32):
            status[key] = value
        if len(status) >= 16:
            break
    state = raw.get("state", "unknown")
    model = raw.get("model", "")
    return {
        "state": str(getattr(state, "value", state))[:32],
        "status": status,
        "model": model[:64] if isinstance(model, str) else "",
    }


def build_heartbeat(snapshot: dict[str, Any], *, seq: int, ts: float, app_version: str,
                    uptime_s: float) -> dict[str, Any]:
    """The heartbeat for one snapshot (see module docstring for what passes)."""
    devices_raw = snapshot.get("devices") or {}
    devices = {
        str(name)[:32]: _device(dev)
        for name, dev in list(devices_raw.items())[:MAX_DEVICES]
    } if isinstance(devices_raw, dict) else {}
    paper_raw = snapshot.get("paper") or {}
    state = paper_raw.get("state", "unknown") if isinstance(paper_raw, dict) else "unknown"
    level = paper_raw.get("level") if isinstance(paper_raw, dict) else None
    counters_raw = snapshot.get("counters") or {}
    counters = {}
    for key in COUNTER_KEYS:
        value = counters_raw.get(key, 0) if isinstance(counters_raw, dict) else 0
        counters[key] = int(value) if isinstance(value, int | float) and value >= 0 else 0
    screen = snapshot.get("screen", "")
    return {
        "seq": seq,
        "ts": int(ts),
        "app_version": app_version[:64],
        "uptime_s": max(0, int(uptime_s)),
        "screen": screen[:64] if isinstance(screen, str) else "",
        "maintenance": bool(snapshot.get("maintenance", False)),
        "paper": {
            "state": state if state in PAPER_STATES else "unknown",
            "level": max(0, min(100, int(level))) if isinstance(level, int | float) else None,
        },
        "devices": devices,
        "counters": counters,
        "faults": _faults(snapshot.get("faults")),
    }


def _faults(raw: Any) -> list[dict[str, Any]]:
    """Reported faults (kiosk/faults.py): known kinds, short texts, at most 16."""
    if not isinstance(raw, list):
        return []
    out = []
    for fault in raw[-16:]:
        data = fault.as_dict() if hasattr(fault, "as_dict") else fault
        if not isinstance(data, dict) or data.get("kind") not in FAULT_KINDS:
            continue
        out.append({"kind": data["kind"], "subject": str(data.get("subject", ""))[:32],
                    "detail": str(data.get("detail", ""))[:200],
                    "at": max(0, int(data.get("at", 0) or 0))})
    return out
