"""Heartbeat validation and the alert rules, as pure functions (no database here).

A heartbeat yields a set of *conditions* (``kind:subject`` keys). The ingest path compares
them with the terminal's previous set: a new key opens an alert, a vanished key resolves it.
``offline`` is added by the sweeper when heartbeats stop and vanishes with the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fleet.protocol import (
    COUNTER_KEYS,
    DEVICE_KEYS,
    FAULT_KEYS,
    FAULT_KINDS,
    HEARTBEAT_KEYS,
    PAPER_STATES,
)

ALERT_KINDS = ("offline", "paper_out", "paper_low", "device_fault", "error_burst",
               *FAULT_KINDS)
#: reported faults that take a terminal out of service (the others are warnings)
SERIOUS_FAULTS = frozenset({"crash_loop", "outbox_quarantined", "state_missing",
                            "update_failed"})
HEALTH_STATES = ("ok", "warning", "fault", "maintenance", "offline", "unknown")
FAULT_DEVICE_STATES = frozenset({"hardware_error"})


@dataclass(frozen=True)
class RuleConfig:
    """Thresholds of the alert rules."""

    paper_low_percent: int = 15
    burst_errors: int = 5
    offline_after_s: float = 90.0


#: the largest number a heartbeat may report (2**53 - 1: exact in JSON, fits SQL BIGINT)
MAX_REPORTED_NUMBER = 2**53 - 1


class InvalidHeartbeat(ValueError):
    """A heartbeat that does not match the protocol (unknown keys, wrong types …)."""


def _short_str(value: Any, name: str, limit: int = 64) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidHeartbeat(f"{name} must be a string of at most {limit} characters")
    return value


def _int(value: Any, name: str) -> int:
    # bounded: 1e300 or a 30-digit seq must be a 400, not an overflow in the store
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 <= value <= MAX_REPORTED_NUMBER):
        raise InvalidHeartbeat(f"{name} must be a number from 0 to {MAX_REPORTED_NUMBER}")
    return int(value)


def validate_heartbeat(raw: Any) -> dict[str, Any]:
    """A cleaned copy of one heartbeat, or :class:`InvalidHeartbeat`."""
    if not isinstance(raw, dict):
        raise InvalidHeartbeat("heartbeat must be an object")
    unknown = set(raw) - HEARTBEAT_KEYS
    if unknown:
        raise InvalidHeartbeat(f"unknown heartbeat fields: {', '.join(sorted(unknown))}")
    hb: dict[str, Any] = {
        "seq": _int(raw.get("seq"), "seq"),
        "ts": _int(raw.get("ts"), "ts"),
        "app_version": _short_str(raw.get("app_version", ""), "app_version"),
        "uptime_s": float(_int(raw.get("uptime_s", 0), "uptime_s")),
        "screen": _short_str(raw.get("screen", ""), "screen"),
        "maintenance": bool(raw.get("maintenance", False)),
    }
    paper = raw.get("paper") or {}
    if not isinstance(paper, dict):
        raise InvalidHeartbeat("paper must be an object")
    state = paper.get("state", "unknown")
    if state not in PAPER_STATES:
        raise InvalidHeartbeat(f"paper.state must be one of {', '.join(PAPER_STATES)}")
    level = paper.get("level")
    hb["paper"] = {
        "state": state,
        "level": None if level is None else min(100, _int(level, "paper.level")),
    }
    devices = raw.get("devices") or {}
    if not isinstance(devices, dict) or len(devices) > 32:
        raise InvalidHeartbeat("devices must be an object with at most 32 devices")
    clean_devices: dict[str, dict[str, Any]] = {}
    for name, dev in devices.items():
        _short_str(name, "device name", 32)
        if not isinstance(dev, dict) or set(dev) - DEVICE_KEYS:
            raise InvalidHeartbeat(f"device {name!r} may only carry {sorted(DEVICE_KEYS)}")
        status = dev.get("status") or {}
        if not isinstance(status, dict) or len(status) > 16:
            raise InvalidHeartbeat(f"device {name!r}: status must be a small object")
        clean_status: dict[str, Any] = {}
        for key, value in status.items():
            _short_str(key, "status key", 32)
            if isinstance(value, bool | int | float) or (
                isinstance(value, str) and len(value) <= 32
            ):
                clean_status[key] = value
        clean_devices[name] = {
            "state": _short_str(dev.get("state", "unknown"), "device state", 32),
            "status": clean_status,
            "model": _short_str(dev.get("model", ""), "device model"),
        }
    hb["devices"] = clean_devices
    counters = raw.get("counters") or {}
    if not isinstance(counters, dict):
        raise InvalidHeartbeat("counters must be an object")
    hb["counters"] = {k: _int(counters.get(k, 0), f"counters.{k}") for k in COUNTER_KEYS}
    hb["faults"] = _faults(raw.get("faults") or [])
    return hb


def _faults(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) > 16:
        raise InvalidHeartbeat("faults must be a list of at most 16 objects")
    clean = []
    for fault in raw:
        if not isinstance(fault, dict) or set(fault) - FAULT_KEYS:
            raise InvalidHeartbeat(f"a fault may only carry {sorted(FAULT_KEYS)}")
        if fault.get("kind") not in FAULT_KINDS:
            raise InvalidHeartbeat(f"fault kind must be one of {', '.join(FAULT_KINDS)}")
        clean.append({"kind": fault["kind"],
                      "subject": _short_str(fault.get("subject", ""), "fault subject", 32),
                      "detail": _short_str(fault.get("detail", ""), "fault detail", 200),
                      "at": _int(fault.get("at", 0), "fault at")})
    return clean


def conditions_of(hb: dict[str, Any], previous_errors: int, cfg: RuleConfig) -> dict[str, str]:
    """Active conditions of a (validated) heartbeat: ``{kind:subject: detail}``."""
    found: dict[str, str] = {}
    paper = hb["paper"]
    level = paper["level"]
    if paper["state"] == "out" or level == 0:
        found["paper_out:printer"] = "打印纸用完 paper out"
    elif paper["state"] == "low" or (level is not None and level <= cfg.paper_low_percent):
        shown = "?" if level is None else level
        found["paper_low:printer"] = f"打印纸不足 paper low ({shown}%)"
    for name, dev in hb["devices"].items():
        if dev["state"] in FAULT_DEVICE_STATES:
            found[f"device_fault:{name}"] = f"设备故障 {name}: {dev['state']}"
    errors = hb["counters"]["errors"]
    delta = errors - previous_errors
    if previous_errors >= 0 and delta >= cfg.burst_errors:
        found["error_burst:"] = f"错误激增 {delta} errors since the last heartbeat"
    for fault in hb.get("faults", ()):
        found[f"{fault['kind']}:{fault['subject']}"] = fault["detail"]
    return found


def health_of(condition_keys: set[str] | list[str], maintenance: bool) -> str:
    """The one-word health of a terminal from its active condition keys."""
    kinds = {key.split(":", 1)[0] for key in condition_keys}
    if "offline" in kinds:
        return "offline"
    if maintenance:
        return "maintenance"
    if kinds & ({"paper_out", "device_fault"} | SERIOUS_FAULTS):
        return "fault"
    if kinds & {"paper_low", "error_burst", *FAULT_KINDS}:
        return "warning"
    return "ok"


def encode_conditions(keys: set[str] | list[str]) -> str:
    """The stored form of a condition set (sorted, newline separated)."""
    return "\n".join(sorted(keys))


def decode_conditions(text: str | None) -> set[str]:
    """Inverse of :func:`encode_conditions`."""
    return {k for k in (text or "").split("\n") if k}
