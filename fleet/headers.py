"""Security headers on every answer of the fleet server.

- ``Content-Security-Policy``: scripts, styles, images and connections from this origin
  only, no inline script or style (the dashboard has none: fleet/web/*.html load their
  script and style from /static), no plugins, no framing, no ``<base>`` tricks.
- ``X-Frame-Options: DENY`` (older browsers), ``X-Content-Type-Options: nosniff`` (a
  terminal's upload is never sniffed into HTML), ``Referrer-Policy: no-referrer``,
  ``Cross-Origin-Opener-Policy`` / ``-Resource-Policy: same-origin``, a
  ``Permissions-Policy`` without camera, microphone or location.
- ``Cache-Control: no-store`` on the APIs (operator data stays out of shared caches).
- ``Strict-Transport-Security`` when the server runs behind HTTPS (``--secure-cookies``).
"""

from __future__ import annotations

from common.http_limits import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

BASE = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Adds the headers above to every HTTP answer."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.extra = BASE + ((HSTS,) if https else ())
        self.extra_no_store = (*self.extra, (b"cache-control", b"no-store"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.extra_no_store if scope["path"].startswith(("/api/", "/metrics")) \
            else self.extra

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":  # the app sets none of these
                message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        await self.app(scope, receive, with_headers)
