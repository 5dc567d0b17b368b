"""Settings of alert grouping and notifications, read from a TOML file (``serve --alerting``).

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

Without a file, grouping runs with the defaults and nobody is notified.
"""

from __future__ import annotations

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


def load_alerting(path: str | Path, dashboard_url: str = "") -> AlertingConfig:
    """Read an alerting TOML file (ValueError with the reason when it is unusable)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"alerting config {path}: {exc}") from exc
    grouping, roles = data.get("grouping", {}), data.get("roles", {})
    smtp, webhook = data.get("smtp", {}), data.get("webhook", {})
    routes = []
    for raw in data.get("route", []):
        if not isinstance(raw, dict) or not raw.get("role"):
            raise ValueError("each [[route]] needs a role")
        routes.append(Route(str(raw["role"]), _strings(raw.get("email", []), "route.email"),
                            _strings(raw.get("webhook", []), "route.webhook")))
    for url in (u for r in routes for u in r.webhook):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must be http(s): {url}")
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
                password=os.environ.get(str(smtp.get("password_env", "FLEET_SMTP_PASSWORD")),
                                        "")),
            webhook_secret=os.environ.get(
                str(webhook.get("secret_env", "FLEET_WEBHOOK_SECRET")), ""),
            dashboard_url=str(data.get("dashboard_url", dashboard_url)),
            max_attempts=int(data.get("delivery", {}).get("max_attempts", 8)),
            retry_base_s=float(data.get("delivery", {}).get("retry_base_s", 30.0)),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"alerting config {path}: {exc}") from exc
