"""A bounded schemathesis run against the simulator's published OpenAPI document.

Property-based requests (valid and invalid data) against a handful of endpoints, signed like
a real terminal; every answer must be a documented status whose body matches its schema,
and never a server error. Bounded (a few examples per endpoint) for 2 busy cores. The
operations run directly through hypothesis (schemathesis' pytest plug-in does not load
under pytest 9).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kiosk.platform.client import _Signer
from simulator.platform.server import PlatformServer

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "platform-openapi.json"
OPERATIONS = ["GET /v1/catalog", "GET /v1/catalog/items/{code}", "POST /v1/licences/verify",
              "GET /v1/cases/{case_no}/progress", "POST /v1/evaluations",
              "POST /v1/identity/qr", "GET /v1/cases/{case_no}/evaluation-qr"]


@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    server = PlatformServer(seed=1)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_schema(platform: PlatformServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(platform.url + "/openapi.json")


@pytest.fixture(scope="module")
def signed_session() -> Iterator[requests.Session]:
    session = requests.Session()
    session.auth = _Signer("KM-DEMO-0001", "demo-secret")
    yield session
    session.close()


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_the_document(label: str, live_schema: schemathesis.BaseSchema,
                                            platform: PlatformServer,
                                            signed_session: requests.Session) -> None:
    operations = [r.ok() for r in live_schema.get_all_operations()]  # type: ignore[union-attr]
    operation = next(op for op in operations if op.label == label)
    seen: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=6, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=platform.url, session=signed_session, timeout=10)
        seen.append(response.status_code)
        assert response.status_code < 500, (label, response.status_code, response.text[:200])
        assert response.status_code != 401, "signed requests must be accepted"
        case.validate_response(response, checks=[
            status_code_conformance, content_type_conformance, response_schema_conformance])

    run()
    assert seen  # hypothesis really sent requests


def test_document_is_published_and_matches_the_committed_copy(platform: PlatformServer) -> None:
    live = requests.get(platform.url + "/openapi.json", timeout=10).json()
    assert len(live["paths"]) >= 14
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed["paths"].keys() == live["paths"].keys()
    assert committed["components"]["schemas"].keys() == live["components"]["schemas"].keys()
