"""Payment orders of the unified public payment platform (非税收入统一收缴), simulated.

An order is created for an exact amount in integer fen and carries a 20-digit 缴款码
(``5301`` + YYMMDD + 8-digit serial + 2 check digits, which is also its id). States::

    open ──pay──► paid ──refund──► refunded
      ├──fail──► failed        ├──cancel──► cancelled        └──expire──► expired

An order expires ``ttl_s`` after creation (default 5 min) unless paid; "pay after expiry"
(a wallet that confirms late) turns an expired order into ``paid`` with ``late`` set — the
terminal is expected to refund it. The same terminal + idempotency key returns the same
order; the same key with other content is a conflict. One open order per payable thing
(a decision, a year's contribution, an item fee) at a time; a paid one cannot be paid
again. Paying sends a signed notification (see ``notifier.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from simulator.platform.cases import CaseError
from simulator.platform.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS payment_orders (
    pay_code TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL, title TEXT NOT NULL,
    amount_fen INTEGER NOT NULL, payer_hash TEXT NOT NULL, status TEXT NOT NULL,
    notify_url TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL,
    paid_at REAL, channel TEXT NOT NULL DEFAULT '', late INTEGER NOT NULL DEFAULT 0,
    receipt_no TEXT NOT NULL DEFAULT '', refund_no TEXT NOT NULL DEFAULT '',
    refund_reason TEXT NOT NULL DEFAULT '', refunded_at REAL, consumed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (terminal_id, idempotency_key));
CREATE INDEX IF NOT EXISTS payment_orders_ref ON payment_orders (kind, reference, status);
"""
KINDS = ("fine", "contribution", "fee")
FINAL = ("failed", "cancelled", "expired", "refunded")


@dataclass(frozen=True)
class Order:
    """One payment order as stored."""

    pay_code: str
    terminal_id: str
    kind: str
    reference: str
    title: str
    amount_fen: int
    payer_hash: str
    status: str
    notify_url: str
    created_at: float
    expires_at: float
    paid_at: float | None
    channel: str
    late: bool
    receipt_no: str
    refund_no: str
    refund_reason: str
    consumed: bool

    def public(self) -> dict[str, Any]:
        """The order as the API shows it (no payer hash, no notify URL)."""
        data = asdict(self)
        for key in ("terminal_id", "payer_hash", "notify_url", "consumed"):
            data.pop(key)
        return data


def pay_code(day: str, serial: int) -> str:
    """20-digit 缴款码: 5301 + YYMMDD + serial (8) + check (2, 98 - n·100 mod 97)."""
    body = f"5301{day}{serial:08d}"
    return body + f"{98 - int(body) * 100 % 97:02d}"


def pay_code_valid(code: str) -> bool:
    """True when the check digits of a 缴款码 match."""
    return len(code) == 20 and code.isdigit() and int(code) % 97 == 1


def _order(row: sqlite3.Row) -> Order:
    return Order(row["pay_code"], row["terminal_id"], row["kind"], row["reference"],
                 row["title"], row["amount_fen"], row["payer_hash"], row["status"],
                 row["notify_url"], row["created_at"], row["expires_at"], row["paid_at"],
                 row["channel"], bool(row["late"]), row["receipt_no"], row["refund_no"],
                 row["refund_reason"], bool(row["consumed"]))


class Payments:
    """Creates, expires, cancels, pays and refunds orders in the store."""

    def __init__(self, store: Store, ttl_s: float = 300.0) -> None:
        self.store = store
        self.ttl_s = ttl_s
        store.ensure(SCHEMA)

    # -- reading -------------------------------------------------------------------------
    def get(self, code: str, now: float) -> Order:
        """One order (expired on read when its time is up); 404 if unknown."""
        with self.store.transaction() as conn:
            self._expire(conn, now)
            row = conn.execute("SELECT * FROM payment_orders WHERE pay_code=?",
                               (code,)).fetchone()
        if row is None:
            raise CaseError("order_not_found", 404, "no payment order with this code")
        return _order(row)

    def all_orders(self, now: float) -> list[Order]:
        """Every order (control surface)."""
        with self.store.transaction() as conn:
            self._expire(conn, now)
            rows = conn.execute("SELECT * FROM payment_orders ORDER BY created_at").fetchall()
        return [_order(r) for r in rows]

    @staticmethod
    def _expire(conn: sqlite3.Connection, now: float) -> None:
        conn.execute("UPDATE payment_orders SET status='expired' "
                     "WHERE status='open' AND expires_at <= ?", (now,))

    # -- creating ------------------------------------------------------------------------
    def create(self, *, terminal_id: str, key: str, kind: str, reference: str, title: str,
               amount_fen: int, payer_hash: str, notify_url: str,
               now: float) -> tuple[Order, bool]:
        """A new order, or the one this key made before (``True`` = duplicate)."""
        if kind not in KINDS:
            raise CaseError("bad_kind", 400, f"kind must be one of {', '.join(KINDS)}")
        if amount_fen <= 0:
            raise CaseError("bad_amount", 400, "amount must be a positive number of fen")
        body_hash = hashlib.sha256(json.dumps(
            [kind, reference, amount_fen, payer_hash], ensure_ascii=False).encode()).hexdigest()
        with self.store.transaction() as conn:
            self._expire(conn, now)
            row = conn.execute("SELECT * FROM payment_orders WHERE terminal_id=? AND "
                               "idempotency_key=?", (terminal_id, key)).fetchone()
            if row is not None:
                if row["body_hash"] != body_hash:
                    raise CaseError("idempotency_conflict", 409,
                                    "idempotency key reused for another payment")
                return _order(row), True
            self._check_payable(conn, kind, reference, payer_hash)
            day = _day(now)
            serial = conn.execute("SELECT COUNT(*) FROM payment_orders WHERE pay_code LIKE ?",
                                  (f"5301{day}%",)).fetchone()[0] + 1
            code = pay_code(day, serial)
            conn.execute(
                "INSERT INTO payment_orders (pay_code, terminal_id, idempotency_key, body_hash,"
                " kind, reference, title, amount_fen, payer_hash, status, notify_url,"
                " created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,'open',?,?,?)",
                (code, terminal_id, key, body_hash, kind, reference, title, amount_fen,
                 payer_hash, notify_url, now, now + self.ttl_s))
            row = conn.execute("SELECT * FROM payment_orders WHERE pay_code=?",
                               (code,)).fetchone()
        return _order(row), False

    @staticmethod
    def _check_payable(conn: sqlite3.Connection, kind: str, reference: str,
                       payer_hash: str) -> None:
        scope = "" if kind == "fine" else " AND payer_hash=?"
        params: tuple[str, ...] = (kind, reference) if kind == "fine" else (
            kind, reference, payer_hash)
        for row in conn.execute("SELECT status, consumed FROM payment_orders WHERE kind=? AND "
                                f"reference=?{scope} AND status IN ('open','paid')", params):
            if row["status"] == "open":
                raise CaseError("order_open", 409, "an unfinished payment order exists; "
                                "finish or cancel it, or wait until it expires")
            if kind != "fee" or not row["consumed"]:
                raise CaseError("already_paid", 409, "this has already been paid")

    # -- state changes -------------------------------------------------------------------
    def cancel(self, code: str, terminal_id: str, now: float) -> Order:
        """Close an open order (the citizen gave up); a paid order cannot be cancelled."""
        order = self.get(code, now)
        if order.terminal_id != terminal_id:
            raise CaseError("order_not_found", 404, "no payment order with this code")
        if order.status == "paid":
            raise CaseError("already_paid", 409, "the order is paid; ask for a refund")
        if order.status == "open":
            self._set(code, "open", status="cancelled")
        return self.get(code, now)

    def settle(self, code: str, outcome: str, now: float, channel: str = "wallet") -> Order:
        """Control surface: the payer's wallet answered (``paid``/``failed``/``expired``/
        ``late`` = paid after expiry)."""
        order = self.get(code, now)
        if outcome == "late":
            if order.status == "open":
                self._set(code, "open", status="expired", expires_at=now)
                order = self.get(code, now)
            if order.status not in ("expired", "cancelled"):
                raise CaseError("not_expired", 409, "only an expired order can be paid late")
            self._set(code, order.status, status="paid", paid_at=now, channel=channel, late=1)
        elif order.status != "open":
            raise CaseError("not_open", 409, f"the order is {order.status}")
        elif outcome == "paid":
            self._set(code, "open", status="paid", paid_at=now, channel=channel)
        elif outcome in ("failed", "expired"):
            self._set(code, "open", status=outcome,
                      **({"expires_at": now} if outcome == "expired" else {}))
        else:
            raise CaseError("bad_outcome", 400, "outcome must be paid, failed, expired, late")
        return self.get(code, now)

    def set_receipt(self, code: str, receipt_no: str) -> None:
        """Attach the fiscal receipt number issued for a paid order."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE payment_orders SET receipt_no=? WHERE pay_code=?",
                         (receipt_no, code))

    def refund(self, code: str, terminal_id: str, reason: str, now: float) -> Order:
        """Give the money back (idempotent: a refunded order stays refunded)."""
        order = self.get(code, now)
        if order.terminal_id != terminal_id:
            raise CaseError("order_not_found", 404, "no payment order with this code")
        if order.status == "refunded":
            return order
        if order.status != "paid":
            raise CaseError("not_paid", 409, f"the order is {order.status}, nothing to refund")
        if order.consumed:
            raise CaseError("already_used", 409, "the paid service was delivered")
        refund_no = "RF" + code[4:]
        self._set(code, "paid", status="refunded", refund_no=refund_no,
                  refund_reason=reason[:200], refunded_at=now)
        return self.get(code, now)

    def consume(self, code: str, kind: str, reference: str, payer_hash: str,
                now: float) -> Order:
        """Use a paid fee order for the service it paid for (once)."""
        order = self.get(code, now)
        if (order.kind, order.reference, order.payer_hash) != (kind, reference, payer_hash):
            raise CaseError("payment_mismatch", 403, "this payment is for something else")
        if order.status != "paid" or order.consumed:
            raise CaseError("payment_required", 402, "the fee has not been paid")
        with self.store.transaction() as conn:
            conn.execute("UPDATE payment_orders SET consumed=1 WHERE pay_code=?", (code,))
        return self.get(code, now)

    def _set(self, code: str, expected: str, **values: object) -> None:
        names = ", ".join(f"{k}=?" for k in values)
        with self.store.transaction() as conn:
            done = conn.execute(f"UPDATE payment_orders SET {names} WHERE pay_code=? AND "
                                "status=?", (*values.values(), code, expected)).rowcount
        if not done:
            raise CaseError("state_changed", 409, "the order changed meanwhile")


def _day(now: float) -> str:
    return dt.datetime.fromtimestamp(now).strftime("%y%m%d")
