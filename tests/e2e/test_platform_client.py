"""The platform client against the real simulator over loopback: every call and every fault."""

from __future__ import annotations

import time
from collections.abc import Iterator

import cv2
import numpy as np
import pytest
import requests
import skimage.data

from kiosk.platform import errors, signing
from kiosk.platform.client import PlatformClient
from kiosk.platform.models import ApplicationReceipt
from kiosk.platform.service_client import ServiceClient
from simulator.platform import idnumber, payloads
from simulator.platform.catalog import build_items
from simulator.platform.forms import accepted_commitment
from simulator.platform.server import PlatformServer

LOW_INCOME = {"phone": "13800000000", "household": "3", "income": 1200}


def _submit(client: PlatformClient, code: str, session: str, form: dict[str, object],
            key: str) -> ApplicationReceipt:
    """A complete application: valid form, no missing material, the commitment accepted."""
    return ServiceClient(client).submit_application(code, session, form, _materials(code),
                                                    key, accepted_commitment())


def _materials(code: str) -> list[dict[str, str]]:
    item = next(i for i in build_items() if i["code"] == code)
    return [{"name": m["name"], "via": "photo"} for m in item["materials"]
            if m["name"] != "居民身份证" and not m["name"].startswith("《")
            and not m.get("deferrable")]


CITIZEN = {"id_number": idnumber.SAMPLE_IDS[1], "name": "李四", "sex": "女"}


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=0, progress_step_s=0.4)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _clear_faults(server: PlatformServer) -> Iterator[None]:
    server.faults.clear()
    yield
    server.faults.clear()


@pytest.fixture()
def client(server: PlatformServer) -> PlatformClient:
    return PlatformClient(server.url, "KM-DEMO-0001", "demo-secret", timeout=(1.0, 1.5),
                          retries=2, backoff_s=0.01)


@pytest.fixture(scope="module")
def face_jpeg() -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR))
    assert ok
    return data.tobytes()


@pytest.fixture()
def session(client: PlatformClient, face_jpeg: bytes) -> str:
    return client.identify_idcard(CITIZEN, face_jpeg).token


def test_catalog_full_incremental_and_item(client: PlatformClient, server: PlatformServer) -> None:
    page = client.catalog()
    assert page.full and len(page.items) >= 200 and page.version == server.state.catalog.version
    assert client.catalog(since_version=page.version).not_modified
    version = server.state.catalog.bump(updates=2, remove=1)
    delta = client.catalog(since_version=page.version)
    assert delta.version == version and len(delta.items) == 2 and len(delta.removed) == 1
    item = client.item("KM-HRSS-001")
    assert item.name == "社会保险个人参保证明打印" and item.raw["materials"]
    with pytest.raises(errors.NotFound):
        client.item("KM-NOPE-999")


def test_identity_face_qr_and_levels(client: PlatformClient, face_jpeg: bytes,
                                     server: PlatformServer) -> None:
    face = client.identify_idcard(CITIZEN, face_jpeg)
    assert face.level == "idcard_face" and face.id_masked == "530103********1424"
    assert face.name_masked == "李*"
    blank = cv2.imencode(".png", np.full((480, 640), 128, np.uint8))[1].tobytes()
    with pytest.raises(errors.IdentityRejected) as exc:
        client.identify_idcard(CITIZEN, blank)
    assert exc.value.code == "face_not_found"
    server.faults.set(reject_face=True)
    with pytest.raises(errors.IdentityRejected) as exc:
        client.identify_idcard(CITIZEN, face_jpeg)
    assert exc.value.code == "face_mismatch"
    server.faults.clear()
    with pytest.raises(errors.RequestRejected):
        client.identify_idcard({"id_number": "530102195603082310", "name": "X"}, face_jpeg)
    card_only = client.identify_idcard(CITIZEN, None)
    with pytest.raises(errors.IdentityRejected) as exc:
        client.query("KM-REAL-001", card_only.token)  # needs the face check
    assert exc.value.code == "identity_level"
    assert client.query("KM-HRSS-002", card_only.token).rows
    sample = payloads.sample_payloads(server.state.key, idnumber.SAMPLE_IDS[0])
    assert client.identify_qr(sample["eid"]).id_masked.endswith("2311")
    with pytest.raises(errors.IdentityRejected):
        client.identify_qr(sample["eid"].replace("EBT1:EID:ey", "EBT1:EID:ez"))
    # an e-ID names the citizen the registry knows, masked by the terminal's one rule
    mine = payloads.sample_payloads(server.state.key, CITIZEN["id_number"])
    eid = client.identify_qr(mine["eid"])
    assert (eid.name_masked, eid.id_masked) == (face.name_masked, face.id_masked)


def test_query_certificate_and_session_end(client: PlatformClient, session: str) -> None:
    result = client.query("KM-HPF-002", session)
    assert result.title == "住房公积金缴存信息" and result.summary
    again = client.query("KM-HPF-002", session)
    assert again.summary == result.summary
    cert = client.issue_certificate("KM-HRSS-001", session)
    assert cert.pdf.startswith(b"%PDF") and len(cert.verification_code) == 16
    assert cert.qr_payload == f"EBT1:CERT:{cert.verification_code}"
    check = requests.get(f"{client.base_url}/v1/certificates/{cert.verification_code}",
                         auth=client._auth, timeout=5).json()
    assert check["valid"] and check["holder_masked"].endswith("1424")
    client.end_session(session)
    with pytest.raises(errors.IdentityRejected):
        client.query("KM-HPF-002", session)


def test_application_is_idempotent_and_progresses(client: PlatformClient, session: str,
                                                  server: PlatformServer) -> None:
    form = {"phone": "13800000000", "amount": 20000, "bank": "工商银行"}
    first = _submit(client, "KM-HPF-004", session, form, "app-key-0001")
    assert payloads.CASE_RE.match(first.case_no) and not first.duplicate
    assert payloads.verify_case_qr(server.state.key, first.progress_qr) == first.case_no
    again = _submit(client, "KM-HPF-004", session, form, "app-key-0001")
    assert again.case_no == first.case_no and again.duplicate
    with pytest.raises(errors.Conflict):
        _submit(client, "KM-HPF-004", session, {**form, "amount": 1}, "app-key-0001")
    other = _submit(client, "KM-HPF-004", session, form, "app-key-0002")
    assert other.case_no != first.case_no
    services = ServiceClient(client)
    assert services.progress(first.case_no, token=session).case_no == first.case_no
    deadline = time.monotonic() + 10
    while not services.progress(first.case_no, proof=first.progress_qr).completed \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    done = services.progress(first.case_no, proof=first.progress_qr)
    assert done.completed and [h["state"] for h in done.history] == [
        "submitted", "accepted", "reviewing", "completed"]
    with pytest.raises(errors.NotFound):
        services.progress("53010019990101000001", token=session)
    with pytest.raises(errors.NotFound):      # nobody's proof: the number alone reads nothing
        services.progress(first.case_no)


def test_evaluation_rules_and_qr(client: PlatformClient, session: str,
                                 server: PlatformServer) -> None:
    receipt = _submit(client, "KM-CIVIL-005", session, LOW_INCOME, "eval-case-01")
    case, proof = receipt.case_no, receipt.evaluation_qr
    services = ServiceClient(client)
    with pytest.raises(errors.RequestRejected) as exc:
        services.evaluate(case, 2, "  ", "eval-key-01", proof=proof)
    assert exc.value.code == "reason_required"
    with pytest.raises(errors.NotFound):      # no proof, no session: not this citizen's
        services.evaluate(case, 2, "排队时间长", "eval-key-01")
    rated = services.evaluate(case, 2, "排队时间长", "eval-key-01", proof=proof)
    assert rated.bad_review and rated.level_name == "不满意"
    assert services.evaluate(case, 2, "排队时间长", "eval-key-01", proof=proof).duplicate
    with pytest.raises(errors.Conflict):
        services.evaluate(case, 5, "", "eval-key-02", token=session)
    qr = services.evaluation_qr(case, token=session)
    assert payloads.verify_evaluation(server.state.key, qr.payload) == case
    case2 = _submit(client, "KM-CIVIL-005", session, LOW_INCOME, "eval-case-02").case_no
    later = client._request("POST", "/v1/evaluations/by-qr", idempotent=False, json_body={
        "payload": services.evaluation_qr(case2, token=session).payload, "level": 5,
        "idempotency_key": "phone-key-1"}).json()
    assert later["case_no"] == case2 and later["channel"] == "qr"


def test_service_points_and_licences(client: PlatformClient, server: PlatformServer) -> None:
    points = client.service_points()
    assert len(points) >= 30 and len({p.district for p in points}) >= 10
    assert all(24.0 < p.lat < 26.5 and 102.0 < p.lon < 103.5 and p.items for p in points)
    sample = payloads.sample_payloads(server.state.key, idnumber.SAMPLE_IDS[0])
    good = client.verify_licence(sample["licence:business"])
    assert good.valid and good.licence and good.licence["type_name"] == "营业执照"
    body, sig = sample["licence:driving"].rsplit(".", 1)
    assert client.verify_licence(f"{body}.{sig[::-1]}").reason == "bad_signature"
    expired = payloads.licence_payload(server.state.key, "driving", "X", idnumber.SAMPLE_IDS[0],
                                       "2010-01-01", int(time.time()) - 1)
    assert client.verify_licence(expired).reason == "expired"


# -- faults -------------------------------------------------------------------------------
def test_latency_beyond_read_timeout_is_a_timeout(client: PlatformClient,
                                                  server: PlatformServer) -> None:
    server.faults.set(latency_s=2.0)
    with pytest.raises(errors.PlatformTimeout):
        PlatformClient(server.url, "KM-DEMO-0001", "demo-secret", timeout=(1, 0.3),
                       retries=0).service_points()
    server.faults.set(latency_s=0.05)
    assert client.service_points()


def test_5xx_is_retried_for_idempotent_calls_only(client: PlatformClient, session: str,
                                                  server: PlatformServer) -> None:
    server.faults.set(error_status=502, error_count=2)
    assert client.item("KM-TAX-001").code == "KM-TAX-001"  # two failures, then success
    server.faults.set(error_status=500, error_count=1)
    with pytest.raises(errors.PlatformServerError) as exc:
        client.issue_certificate("KM-HRSS-001", session)  # never silently repeated
    assert exc.value.status == 500 and exc.value.retryable
    assert client.issue_certificate("KM-HRSS-001", session).pdf
    server.faults.set(error_status=503, error_count=-1)
    with pytest.raises(errors.PlatformServerError):
        client.item("KM-TAX-001")


def test_hang_after_processing_then_retry_gives_the_same_case(client: PlatformClient,
                                                              session: str,
                                                              server: PlatformServer) -> None:
    server.faults.set(hang_s=2.5, hang_count=1)
    receipt = _submit(client, "KM-HPF-005", session, {
        "phone": "13800000000", "amount": 5400, "bank": "工商银行", "rent": 1800},
        "hang-key-001")
    cases = [c for c in server.state.cases.all_cases() if c["idempotency_key"] == "hang-key-001"]
    assert len(cases) == 1 and receipt.case_no == cases[0]["case_no"] and receipt.duplicate


def test_malformed_bodies_are_data_errors(client: PlatformClient,
                                          server: PlatformServer) -> None:
    server.faults.set(malformed_count=1)
    with pytest.raises(errors.DataError):
        client.catalog()
    assert client.catalog().items


def test_maintenance_window(client: PlatformClient, server: PlatformServer) -> None:
    server.faults.set(maintenance=True, maintenance_retry_after_s=1)
    with pytest.raises(errors.MaintenanceError) as exc:
        ServiceClient(client).progress("53010020261121000001")
    assert exc.value.retry_after == 1.0 and exc.value.status == 503


def test_unreachable_platform_is_a_network_error() -> None:
    sock_port = 1  # nothing listens on port 1
    bad = PlatformClient(f"http://127.0.0.1:{sock_port}", "KM-DEMO-0001", "demo-secret",
                         retries=1, backoff_s=0.01)
    with pytest.raises(errors.NetworkError):
        bad.service_points()


def test_bad_signatures_stale_timestamps_and_replays_get_401(server: PlatformServer) -> None:
    wrong = PlatformClient(server.url, "KM-DEMO-0001", "not-the-secret", retries=0)
    with pytest.raises(errors.AuthError) as exc:
        wrong.service_points()
    assert exc.value.code == "bad_signature"
    path = "/v1/service-points"
    stale = signing.sign_headers("KM-DEMO-0001", "demo-secret", "GET", path, b"",
                                 now=time.time() - 3600)
    answer = requests.get(server.url + path, headers=stale, timeout=5)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "stale_timestamp"
    fresh = signing.sign_headers("KM-DEMO-0001", "demo-secret", "GET", path, b"")
    assert requests.get(server.url + path, headers=fresh, timeout=5).status_code == 200
    replay = requests.get(server.url + path, headers=fresh, timeout=5)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "replayed_nonce"
    body = b'{"payload": "x"}'
    signed = signing.sign_headers("KM-DEMO-0001", "demo-secret", "POST", "/v1/licences/verify",
                                  body)
    tampered = requests.post(server.url + "/v1/licences/verify", data=b'{"payload": "y"}',
                             headers={**signed, "Content-Type": "application/json"}, timeout=5)
    assert tampered.status_code == 401
    assert requests.get(server.url + path, timeout=5).status_code == 401
