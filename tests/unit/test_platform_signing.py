"""Request signing: the verifier accepts exactly what the signer produced, once, in time."""

from __future__ import annotations

import pytest

from kiosk.platform import signing

SECRETS = {"KM-T-1": "s3cret"}


def _signed(path: str = "/v1/catalog?since_version=2", body: bytes = b"", now: float = 1000.0,
            nonce: str | None = None) -> dict[str, str]:
    return signing.sign_headers("KM-T-1", "s3cret", "GET", path, body, now=now, nonce=nonce)


def test_valid_signature_is_accepted_once() -> None:
    nonces = signing.NonceWindow()
    headers = _signed()
    ok = signing.verify(headers, "GET", "/v1/catalog?since_version=2", b"", SECRETS, nonces,
                        now=1001.0)
    assert ok.terminal_id == "KM-T-1"
    with pytest.raises(signing.SignatureRejected) as exc:
        signing.verify(headers, "GET", "/v1/catalog?since_version=2", b"", SECRETS, nonces,
                       now=1002.0)
    assert exc.value.reason == "replayed_nonce"


@pytest.mark.parametrize(("method", "path", "body", "reason"), [
    ("POST", "/v1/catalog?since_version=2", b"", "bad_signature"),
    ("GET", "/v1/catalog?since_version=3", b"", "bad_signature"),
    ("GET", "/v1/catalog", b"", "bad_signature"),
    ("GET", "/v1/catalog?since_version=2", b"x", "bad_signature"),
])
def test_any_change_breaks_the_signature(method: str, path: str, body: bytes,
                                         reason: str) -> None:
    with pytest.raises(signing.SignatureRejected) as exc:
        signing.verify(_signed(), method, path, body, SECRETS, signing.NonceWindow(), now=1000)
    assert exc.value.reason == reason


def test_stale_and_future_timestamps_are_rejected() -> None:
    for now in (1000.0 + 301, 1000.0 - 301):
        with pytest.raises(signing.SignatureRejected) as exc:
            signing.verify(_signed(), "GET", "/v1/catalog?since_version=2", b"", SECRETS,
                           signing.NonceWindow(max_skew_s=300), now=now)
        assert exc.value.reason == "stale_timestamp"


def test_unknown_terminal_wrong_secret_and_missing_headers() -> None:
    headers = signing.sign_headers("KM-X", "s3cret", "GET", "/v1/a", b"", now=1000)
    with pytest.raises(signing.SignatureRejected, match="unknown_terminal"):
        signing.verify(headers, "GET", "/v1/a", b"", SECRETS, signing.NonceWindow(), now=1000)
    headers = signing.sign_headers("KM-T-1", "wrong", "GET", "/v1/a", b"", now=1000)
    with pytest.raises(signing.SignatureRejected, match="bad_signature"):
        signing.verify(headers, "GET", "/v1/a", b"", SECRETS, signing.NonceWindow(), now=1000)
    with pytest.raises(signing.SignatureRejected, match="missing_signature"):
        signing.verify({}, "GET", "/v1/a", b"", SECRETS, signing.NonceWindow(), now=1000)


def test_nonces_are_random_and_window_forgets_old_ones() -> None:
    assert _signed()[signing.HEADER_NONCE] != _signed()[signing.HEADER_NONCE]
    window = signing.NonceWindow(max_skew_s=10)
    for i in range(10005):
        assert window.check_and_add("T", f"n{i}", now=float(i))
    assert window.check_and_add("T", "n0", now=20000.0)  # long expired: pruned
    assert not window.check_and_add("T", "n0", now=20000.0)
