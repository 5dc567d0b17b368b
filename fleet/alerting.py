"""Settings of alert grouping and notifications, read from a TOML or JSON file
(``python -m fleet serve --alerting FILE``; JSON when the name ends in ``.json``, with the
same sections as objects and ``"route"`` as a list).

    [grouping]
    group_wait_s = 30          # gather a group this long before its first notification
    ack_critical_s = 900       # unacknowledged this long → escalate to the second role
    ack_warning_s = 3600

    [roles]
    first = "operator"         # who is told first
    second = "supervisor"      # who is told when an acknowledgement deadline is missed

    [smtp]
    host = "127.0.0.1"
    port = 25
    sender = "fleet@example.gov.cn"
    starttls = false           # ssl = true for SMTPS; username here, password in
                               # $FLEET_SMTP_PASSWORD

    [webhook]
    secret_env = "FLEET_WEBHOOK_SECRET"   # signs bodies (X-Fleet-Signature: sha256=…)

    [[route]]
    role = "operator"
    email = ["ops@example.gov.cn"]
    webhook = ["https://chat.example.gov.cn/hooks/fleet"]

    [[route]]
    role = "supervisor"
    email = ["duty-manager@example.gov.cn"]

    [delivery]
    max_attempts = 8           # then the notification is marked failed
    retry_base_s = 30          # backoff doubles from here

    dashboard_url = "https://fleet.example.gov.cn/"   # top level: the link in notifications

Without a file, grouping runs with the defaults and nobody is notified. A key or section
not listed here is refused with its name (a typo must not silently drop a deadline).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Route:
    """Where the notifications for one role go."""

    role: str
    email: tuple[str, ...] = ()
    webhook: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpSettings:
    """The mail relay."""

    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "fleet@localhost"
    starttls: bool = False
    ssl: bool = False
    username: str = ""
    password: str = ""
    timeout_s: float = 10.0


@dataclass(frozen=True)
class AlertingConfig:
    """Grouping, acknowledgement deadlines, routes and delivery settings."""

    group_wait_s: float = 30.0
    ack_critical_s: float = 900.0
    ack_warning_s: float = 3600.0
    first_role: str = "operator"
    second_role: str = "supervisor"
    routes: tuple[Route, ...] = ()
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    webhook_secret: str = ""
    dashboard_url: str = ""
    max_attempts: int = 8
    retry_base_s: float = 30.0
    retry_max_s: float = 3600.0
    tick_s: float = 1.0

    def ack_deadline(self, severity: str) -> float:
        """Seconds an operator has to acknowledge a group of ``severity``."""
        return self.ack_critical_s if severity == "critical" else self.ack_warning_s

    def summary(self) -> str:
        """One line for the server's start-up log: settings and counts, no addresses."""
        emails = sum(len(r.email) for r in self.routes)
        hooks = sum(len(r.webhook) for r in self.routes)
        told = "nobody is notified" if not emails + hooks else (
            f"{emails} email and {hooks} webhook targets")
        return (f"alerting: groups wait {self.group_wait_s:g} s, acknowledge within "
                f"{self.ack_critical_s:g} s (critical) / {self.ack_warning_s:g} s (warning), "
                f"{self.first_role} then {self.second_role}; {told}")

    def targets(self, role: str) -> list[tuple[str, str]]:
        """``(channel, target)`` pairs of ``role``."""
        out: list[tuple[str, str]] = []
        for route in self.routes:
            if route.role == role:
                out += [("email", a) for a in route.email]
                out += [("webhook", u) for u in route.webhook]
        return out


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{name} must be a string or a list of strings")
    return tuple(value)


#: the keys each section may have ("" = the top level)
KEYS = {
    "": {"grouping", "roles", "smtp", "webhook", "delivery", "route", "dashboard_url"},
    "grouping": {"group_wait_s", "ack_critical_s", "ack_warning_s"},
    "roles": {"first", "second"},
    "smtp": {"host", "port", "sender", "starttls", "ssl", "username", "password_env",
             "timeout_s"},
    "webhook": {"secret_env"},
    "delivery": {"max_attempts", "retry_base_s", "retry_max_s"},
    "route": {"role", "email", "webhook"},
}


def _check_keys(data: dict[str, Any]) -> None:
    """ValueError naming the first key or section that is not known."""
    sections: list[tuple[str, Any]] = [("", data)]
    sections += [(name, data[name]) for name in KEYS if name and name in data
                 and name != "route"]
    routes = data.get("route", [])
    sections += [("route", r) for r in (routes if isinstance(routes, list) else [routes])]
    for name, section in sections:
        if not isinstance(section, dict):
            raise ValueError(f"[{name}] must be a table")
        unknown = sorted(set(section) - KEYS[name])
        if unknown:
            where = f"[{name}] " if name else ""
            raise ValueError(f"unknown key {where}{unknown[0]!r} (known: "
                             f"{', '.join(sorted(KEYS[name]))})")


def load_alerting(path: str | Path, dashboard_url: str = "") -> AlertingConfig:
    """Read an alerting TOML or JSON file (ValueError with the reason when it is unusable)."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
        data = (json.loads(raw) if str(path).lower().endswith(".json")
                else tomllib.loads(raw))
        if not isinstance(data, dict):
            raise ValueError("the file must hold a table (a JSON object)")
        _check_keys(data)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"alerting config {path}: {exc}") from exc
    grouping, roles = data.get("grouping", {}), data.get("roles", {})
    smtp, webhook = data.get("smtp", {}), data.get("webhook", {})
    routes = []
    listed = data.get("route", [])
    for entry in listed if isinstance(listed, list) else [listed]:
        if not isinstance(entry, dict) or not entry.get("role"):
            raise ValueError(f"alerting config {path}: each [[route]] needs a role")
        routes.append(Route(str(entry["role"]),
                            _strings(entry.get("email", []), "route.email"),
                            _strings(entry.get("webhook", []), "route.webhook")))
    for url in (u for r in routes for u in r.webhook):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url}")
    known_roles = {str(roles.get("first", "operator")), str(roles.get("second", "supervisor"))}
    for route in routes:
        if route.role not in known_roles:
            raise ValueError(f"alerting config {path}: route role {route.role!r} is neither "
                             f"[roles] first nor second ({', '.join(sorted(known_roles))})")
    try:
        return AlertingConfig(
            group_wait_s=float(grouping.get("group_wait_s", 30.0)),
            ack_critical_s=float(grouping.get("ack_critical_s", 900.0)),
            ack_warning_s=float(grouping.get("ack_warning_s", 3600.0)),
            first_role=str(roles.get("first", "operator")),
            second_role=str(roles.get("second", "supervisor")),
            routes=tuple(routes),
            smtp=SmtpSettings(
                host=str(smtp.get("host", "127.0.0.1")), port=int(smtp.get("port", 25)),
                sender=str(smtp.get("sender", "fleet@localhost")),
                starttls=bool(smtp.get("starttls", False)), ssl=bool(smtp.get("ssl", False)),
                username=str(smtp.get("username", "")),
                timeout_s=float(smtp.get("timeout_s", 10.0)),
                password=os.environ.get(str(smtp.get("password_env", "FLEET_SMTP_PASSWORD")),
                                        "")),
            webhook_secret=os.environ.get(
                str(webhook.get("secret_env", "FLEET_WEBHOOK_SECRET")), ""),
            dashboard_url=str(data.get("dashboard_url", dashboard_url)),
            max_attempts=int(data.get("delivery", {}).get("max_attempts", 8)),
            retry_base_s=float(data.get("delivery", {}).get("retry_base_s", 30.0)),
            retry_max_s=float(data.get("delivery", {}).get("retry_max_s", 3600.0)),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"alerting config {path}: {exc}") from exc
