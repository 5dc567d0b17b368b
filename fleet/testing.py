"""Helpers for tests and demos: a fleet server on an ephemeral port with a fresh store.

:class:`FleetHarness` starts a real server (uvicorn thread, real database), creates an
enrolment token and an account per role, and cleans up on exit. :func:`heartbeat` builds a
valid heartbeat with overrides.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from sqlalchemy import Engine, create_engine, text

from fleet.accounts import create_operator
from fleet.app import create_app
from fleet.context import FleetConfig
from fleet.db import make_engine, metadata
from fleet.server import ServerThread
from fleet.terminals import create_enrol_token

METRICS_TOKEN = "test-metrics-token"
PASSWORDS = {"admin": "admin-password", "operator": "operator-password",
             "viewer": "viewer-password"}


def heartbeat(seq: int, **overrides: Any) -> dict[str, Any]:
    """A valid heartbeat (all devices online, paper full) with ``overrides`` applied."""
    hb: dict[str, Any] = {
        "seq": seq, "ts": int(time.time()), "app_version": "1.0.0", "uptime_s": 60 + seq,
        "screen": "attract", "maintenance": False, "paper": {"state": "full", "level": 90},
        "devices": {"printer": {"state": "online", "status": {"paper": "full"}, "model": "sim"},
                    "idcard": {"state": "online", "status": {}, "model": "sim"}},
        "counters": {"sessions": seq, "journeys": seq, "errors": 0},
    }
    hb.update(overrides)
    return hb


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a fresh schema of their own, dropped afterwards.

    Keeps concurrent test runs that share one database from stepping on each other.
    """
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def fresh_engine(url: str) -> Engine:
    """An engine on ``url`` with an empty schema (drops what a previous test left)."""
    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return engine


class FleetHarness:
    """A running fleet server for tests (see module docstring)."""

    def __init__(self, url: str, config: FleetConfig | None = None, start: bool = True) -> None:
        self.engine = fresh_engine(url)
        config = config or FleetConfig(db_url=url)
        if config.metrics_token is None and config.production:
            config = dataclasses.replace(config, metrics_token=METRICS_TOKEN)
        self.config = config
        self.app = create_app(self.config, engine=self.engine)
        self.token = create_enrol_token(self.engine, uses=None)
        for role, password in PASSWORDS.items():
            create_operator(self.engine, role, password, role)
        self.server = ServerThread(self.app)
        self._start = start

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return self.server.url

    def token_for(self, terminal_id: str) -> str:
        """A single-use token that may re-enrol ``terminal_id`` (fleet.enrolment)."""
        return create_enrol_token(self.engine, label="test re-enrolment",
                                  terminal_id=terminal_id)

    def metrics(self) -> str:
        """The ``/metrics`` text (with the harness's bearer token)."""
        resp = requests.get(self.url + "/metrics", timeout=10, headers={
            "Authorization": f"Bearer {self.config.metrics_token}"})
        resp.raise_for_status()
        return resp.text

    def login(self, role: str = "admin") -> requests.Session:
        """A session logged in as the account of ``role``."""
        session = requests.Session()
        resp = session.post(self.url + "/api/ops/login", timeout=10,
                            json={"username": role, "password": PASSWORDS[role]})
        resp.raise_for_status()
        return session

    def __enter__(self) -> FleetHarness:
        if self._start:
            self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        self.engine.dispose()
