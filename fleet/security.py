"""Wiring of the fleet server's defences (issue 17; the threat model is docs/security.md).

:func:`harden` is called once by :func:`fleet.app.create_app`:

- terminal secrets sealed with the key from outside the database (fleet/secretbox.py);
  secrets of older stores are sealed on start, the old session-signing key is deleted;
- enrolment and operator-session routes (fleet/api_security.py);
- middleware, outermost first: security headers (fleet/headers.py) → body limits while
  streaming (fleet/limits.py) → session gate for operator POSTs before their body is read
  (fleet/sessions.py) → strict JSON for operator bodies (fleet/limits.py);
- out-of-range numbers that reach the store (a 30-digit path id) answer 400, not 500.

:func:`metrics_allowed` guards ``/metrics``: a bearer token (``--metrics-token-file``,
``$FLEET_METRICS_TOKEN``) in production; open only in ``--dev`` mode.
"""

from __future__ import annotations

import hmac
import sys

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, delete
from sqlalchemy.exc import DataError

from common.http_limits import BodyLimitMiddleware
from fleet import api_security, secretbox
from fleet.context import FleetConfig, FleetContext
from fleet.db import settings
from fleet.headers import SecurityHeaders
from fleet.limits import OpsJSONGuard, limit_for
from fleet.sessions import LoginGuard, SessionGate


def retire_session_key(engine: Engine) -> None:
    """Delete the session-signing key older versions kept in the store (sessions are
    server-side now; a leaked copy of that key forged admin cookies)."""
    with engine.begin() as conn:
        conn.execute(delete(settings).where(settings.c.key == "session_key"))


def protect_store(engine: Engine, config: FleetConfig) -> secretbox.SecretBox:
    """Bind the secret key to ``engine`` and seal what older versions left in clear."""
    box = secretbox.load_box(config.key_file, config.db_url
                             or engine.url.render_as_string(hide_password=True))
    secretbox.bind(engine, box)
    sealed = secretbox.reseal_terminal_secrets(engine, box)
    if sealed:
        print(f"fleet: sealed {sealed} terminal secrets with the key from {box.source}",
              file=sys.stderr)
    retire_session_key(engine)
    return box


def harden(app: FastAPI, ctx: FleetContext) -> LoginGuard:
    """Install the defences listed in the module docstring; return the login guard."""
    protect_store(ctx.engine, ctx.config)
    guard = api_security.install(app, ctx)

    async def out_of_range(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "value out of range"}, status_code=400)

    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)
    # add_middleware puts each new one outside the previous ones
    app.add_middleware(OpsJSONGuard)
    app.add_middleware(SessionGate, engine=ctx.engine)
    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    app.add_middleware(SecurityHeaders, https=ctx.config.secure_cookies)
    return guard


def metrics_allowed(config: FleetConfig, request: Request) -> bool:
    """True when this request may read ``/metrics``."""
    if not config.metrics_token:
        return not config.production
    given = request.headers.get("authorization", "")
    if not given.isascii() or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[7:].strip().encode(), config.metrics_token.encode())
