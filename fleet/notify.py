"""Notifications of alert groups: a durable outbox in the store, delivered by email and webhook.

:func:`enqueue` writes one row per recipient (``notifications``) in the same transaction
that changed the group, so nothing is told twice or lost when a replica dies.
:class:`Notifier` delivers due rows — any replica may, each row is claimed first — and
retries failures with exponential backoff (``retry_base_s`` · 2ⁿ, at most ``retry_max_s``)
up to ``max_attempts``; a permanent refusal (a 4xx from a webhook, a refused mailbox) fails
the row at once.

What a notification carries is fixed here and holds no personal data: the group's family,
district, severity, counts, terminal ids (device ids, at most 50), times and a dashboard
link — never an operator's name, never anything a citizen typed or showed.

Webhook: ``POST`` JSON to the URL with ``X-Fleet-Event``, ``Idempotency-Key`` (the row id:
receivers drop retried duplicates) and, when a secret is set,
``X-Fleet-Signature: sha256=<hex HMAC-SHA256(secret, body)>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from email.message import EmailMessage
from typing import Any

import requests
from sqlalchemy import Connection, Engine, func, or_, select, update

from fleet.alert_groups import title
from fleet.alerting import AlertingConfig
from fleet.db_ops import notifications

log = logging.getLogger(__name__)

EVENTS = {"opened": "告警 alert", "escalated": "升级 escalated",
          "overdue": "未确认 not acknowledged",
          "resolved": "已恢复 resolved"}
MAX_TERMINALS = 50


class PermanentFailure(Exception):
    """The receiver refused the notification for good; retrying will not help."""


def payload_of(group: dict[str, Any], event: str, role: str, cfg: AlertingConfig,
               now: float) -> dict[str, Any]:
    """The whole content of a notification (see the module docstring for what may be in it)."""
    members = group["terminals"]
    ids = [t for t in (members.split("\n") if isinstance(members, str) else members) if t]
    return {
        "event": event, "role": role, "group_id": int(group["id"]),
        "title": title(group), "family": group["family"], "district": group["district"],
        "severity": group["severity"], "count": int(group["count"]),
        "suppressed": int(group["suppressed"]), "kinds": group["kinds"],
        "terminals": ids[:MAX_TERMINALS], "opened_at": group["opened_at"],
        "ack_due": group.get("ack_due"), "resolved_at": group.get("resolved_at"), "ts": now,
        "dashboard": f"{cfg.dashboard_url.rstrip('/')}/#/alerts" if cfg.dashboard_url else "",
    }


def enqueue(conn: Connection, cfg: AlertingConfig, group: dict[str, Any], event: str,
            role: str, now: float) -> int:
    """Queue ``event`` of ``group`` for every channel of ``role``; return the rows written."""
    targets = cfg.targets(role)
    if not targets:
        return 0
    body = json.dumps(payload_of(group, event, role, cfg, now), ensure_ascii=False)
    conn.execute(notifications.insert(), [
        {"group_id": int(group["id"]), "event": event, "role": role, "channel": channel,
         "target": target[:300], "payload": body, "status": "pending", "attempts": 0,
         "next_at": now, "last_error": "", "created_at": now}
        for channel, target in targets])
    return len(targets)


def render_email(payload: dict[str, Any], sender: str, to: str) -> EmailMessage:
    """The email for one notification (UTF-8 subject and body)."""
    msg = EmailMessage()
    msg["Subject"] = f"[e办通 fleet] {EVENTS.get(payload['event'], payload['event'])}: " \
                     f"{payload['title']}"
    msg["From"], msg["To"] = sender, to
    lines = [payload["title"], "",
             f"事件 event: {payload['event']}   严重性 severity: {payload['severity']}",
             f"终端数 terminals: {payload['count']} (维护中 in maintenance: "
             f"{payload['suppressed']})",
             "开始 opened: " + time.strftime("%Y-%m-%d %H:%M:%S",
                                           time.localtime(payload["opened_at"]))]
    if payload.get("ack_due") and payload["event"] != "resolved":
        lines.append("确认期限 acknowledge by: " + time.strftime(
            "%Y-%m-%d %H:%M:%S", time.localtime(payload["ack_due"])))
    lines += ["", "终端 terminals: " + ", ".join(payload["terminals"])]
    if payload["dashboard"]:
        lines += ["", payload["dashboard"]]
    msg.set_content("\n".join(lines) + "\n")
    return msg


class Notifier:
    """Delivers due notifications (see module docstring)."""

    def __init__(self, engine: Engine, cfg: AlertingConfig, holder: str) -> None:
        self._engine = engine
        self._cfg = cfg
        self._holder = holder
        self._http = requests.Session()
        self.counts: dict[tuple[str, str], int] = {}  # (channel, result) → n

    def _count(self, channel: str, result: str) -> None:
        self.counts[(channel, result)] = self.counts.get((channel, result), 0) + 1

    def deliver_due(self, now: float | None = None, limit: int = 50) -> int:
        """Send what is due; return how many rows this replica attempted."""
        now = time.time() if now is None else now
        with self._engine.connect() as conn:
            due = conn.execute(
                select(notifications.c.id, notifications.c.channel, notifications.c.target,
                       notifications.c.payload, notifications.c.attempts)
                .where(notifications.c.status == "pending", notifications.c.next_at <= now,
                       or_(notifications.c.claimed_until.is_(None),
                           notifications.c.claimed_until < now))
                .order_by(notifications.c.id).limit(limit)).all()
        attempted = 0
        for row in due:
            if self._claim(row.id, now):
                self._attempt(row, now)
                attempted += 1
        return attempted

    def _claim(self, row_id: int, now: float) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(update(notifications).where(
                notifications.c.id == row_id, notifications.c.status == "pending",
                or_(notifications.c.claimed_until.is_(None),
                    notifications.c.claimed_until < now))
                .values(claimed_until=now + 120.0))
        return result.rowcount == 1

    def _attempt(self, row: Any, now: float) -> None:
        payload = json.loads(row.payload)
        attempts = int(row.attempts) + 1
        try:
            if row.channel == "email":
                self.send_email(row.target, payload)
            else:
                self.send_webhook(row.target, payload, int(row.id))
        except Exception as exc:
            permanent = isinstance(exc, PermanentFailure) or attempts >= self._cfg.max_attempts
            delay = min(self._cfg.retry_max_s, self._cfg.retry_base_s * 2 ** (attempts - 1))
            values = {"attempts": attempts, "claimed_until": None,
                      "last_error": f"{type(exc).__name__}: {exc}"[:300],
                      "status": "failed" if permanent else "pending", "next_at": now + delay}
            self._count(row.channel, "failed" if permanent else "retry")
            log.warning("notification %s (%s) %s: %s", row.id, row.channel,
                        "failed" if permanent else "will be retried", values["last_error"])
        else:
            values = {"attempts": attempts, "claimed_until": None, "status": "sent",
                      "sent_at": time.time(), "last_error": ""}
            self._count(row.channel, "sent")
        with self._engine.begin() as conn:
            conn.execute(update(notifications).where(notifications.c.id == row.id)
                         .values(**values))

    def send_email(self, to: str, payload: dict[str, Any]) -> None:
        """One email through the configured relay."""
        smtp = self._cfg.smtp
        msg = render_email(payload, smtp.sender, to)
        client: smtplib.SMTP
        if smtp.ssl:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, smtp.password)
            try:
                client.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                raise PermanentFailure(f"recipient refused: {to}") from exc

    def send_webhook(self, url: str, payload: dict[str, Any], row_id: int) -> None:
        """One webhook POST (2xx = delivered; 4xx other than 408/429 = permanent)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "X-Fleet-Event": payload["event"], "Idempotency-Key": f"fleet-{row_id}"}
        if self._cfg.webhook_secret:
            digest = hmac.new(self._cfg.webhook_secret.encode(), body, hashlib.sha256)
            headers["X-Fleet-Signature"] = "sha256=" + digest.hexdigest()
        resp = self._http.post(url, data=body, headers=headers, timeout=(3.05, 10.0),
                               allow_redirects=False)
        if 200 <= resp.status_code < 300:
            return
        if 400 <= resp.status_code < 500 and resp.status_code not in (408, 429):
            raise PermanentFailure(f"webhook answered {resp.status_code}")
        raise ConnectionError(f"webhook answered {resp.status_code}")


def pending_count(conn: Connection) -> int:
    """Notifications waiting to be delivered."""
    return int(conn.execute(select(func.count()).select_from(notifications)
                            .where(notifications.c.status == "pending")).scalar() or 0)


def list_notifications(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Recent notifications without their bodies' terminal lists (for the dashboard)."""
    rows = conn.execute(select(
        notifications.c.id, notifications.c.group_id, notifications.c.event,
        notifications.c.role, notifications.c.channel, notifications.c.status,
        notifications.c.attempts, notifications.c.last_error, notifications.c.created_at,
        notifications.c.sent_at).order_by(notifications.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
