"""Everything one platform simulator instance holds, built from a seed and a state dir."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request

from kiosk.platform import signing
from simulator.platform import payloads, service_points
from simulator.platform.appointments import Appointments
from simulator.platform.cases import Cases
from simulator.platform.catalog import Catalog
from simulator.platform.downloads import Downloads
from simulator.platform.evaluation import Evaluations
from simulator.platform.faults import Faults
from simulator.platform.fiscal import FiscalReceipts
from simulator.platform.forwards import Forwards
from simulator.platform.identity import FaceChecker, Sessions
from simulator.platform.notifier import Notifier
from simulator.platform.payments import Payments
from simulator.platform.seal import SealAuthority
from simulator.platform.services import ServiceRecords
from simulator.platform.store import Store

DEMO_TERMINAL_ID = "KM-DEMO-0001"
DEMO_SECRET = "demo-secret"


class ApiError(HTTPException):
    """An error answer with the platform's error document."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail={"code": code, "message": message},
                         headers=headers)


@dataclass
class PlatformState:
    """The simulator's collaborators (one per server; no globals)."""

    seed: int
    key: bytes
    catalog: Catalog
    store: Store
    cases: Cases
    evaluations: Evaluations
    sessions: Sessions
    faces: FaceChecker
    faults: Faults
    points: list[dict[str, object]]
    terminal_secrets: dict[str, str]
    nonces: signing.NonceWindow
    payments: Payments
    fiscal: FiscalReceipts
    notifier: Notifier
    seal: SealAuthority
    downloads: Downloads
    appointments: Appointments
    forwards: Forwards                # 跨省通办: cases sent on to another province
    public_url: str = ""              # where citizens' phones reach the platform (https)
    clock: Callable[[], float] = field(default=time.time)

    def pay_qr(self, pay_code: str) -> str:
        """The dynamic payment QR of an order: the simulated wallet's page for it."""
        return f"{self.public_url.rstrip('/')}/pay/{pay_code}?s=" + payloads.sig16(
            self.key, f"PAY:{pay_code}")

    @classmethod
    def build(cls, state_dir: Path | None = None, seed: int = 0,
              terminal_secrets: dict[str, str] | None = None,
              progress_step_s: float = 120.0) -> PlatformState:
        """Build a fresh simulator state."""
        key = payloads.platform_key(seed)
        catalog = Catalog(seed)
        store = Store(state_dir)
        cases = Cases(store, progress_step_s)
        items = catalog.changes(None)["items"]
        points = service_points.build_points(items, seed)
        secrets = dict(terminal_secrets or {DEMO_TERMINAL_ID: DEMO_SECRET})
        services = ServiceRecords(store)
        return cls(seed, key, catalog, store, cases, Evaluations(cases, key, services),
                   Sessions(),
                   FaceChecker(), Faults(), points, secrets, signing.NonceWindow(),
                   Payments(store), FiscalReceipts(store, key), Notifier(secrets),
                   SealAuthority(), Downloads(store, key),
                   Appointments(store, points, key, seed=seed), Forwards(store))


def get_state(request: Request) -> PlatformState:
    """FastAPI dependency: the state of the app serving this request."""
    state: PlatformState = request.app.state.platform
    return state


def terminal_of(request: Request) -> str:
    """The terminal id the signature middleware verified."""
    return str(request.scope.get("state", {}).get("terminal_id", ""))
