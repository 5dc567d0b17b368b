"""Run the provincial platform simulator (HTTP, OpenAPI at /openapi.json).

``python -m simulator platform --host 127.0.0.1 --port PORT`` serves until interrupted
(port 0 picks a free port; the URL is printed). ``--mint`` prints sample QR payloads
(electronic ID and e-licences) for a citizen instead and exits.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from simulator.platform import idnumber, payloads


def _terminals(values: list[str]) -> dict[str, str] | None:
    if not values:
        return None
    out = {}
    for value in values:
        tid, sep, secret = value.partition("=")
        if not sep or not tid or not secret:
            raise ValueError(f"--terminal expects ID=SECRET, got {value!r}")
        out[tid] = secret
    return out


def handle(args: argparse.Namespace) -> int:
    """Serve (or mint payloads) and return an exit code."""
    if args.mint:
        key = payloads.platform_key(args.seed)
        if args.id_number:
            if not idnumber.is_valid(args.id_number):
                print(f"platform: not a valid ID number: {args.id_number[:6]}…",
                      file=sys.stderr)
                return 2
            out: dict[str, object] = dict(payloads.sample_payloads(key, args.id_number))
        else:
            out = {number: {"note": note, **payloads.sample_payloads(key, number)}
                   for number, note in idnumber.sample_citizens().items()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    from simulator.platform.server import PlatformServer
    try:
        server = PlatformServer(Path(args.state_dir) if args.state_dir else None, args.seed,
                                _terminals(args.terminal), args.progress_step,
                                public_url=args.public_url)
        url = server.start(args.host, args.port)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"platform: cannot start: {exc}", file=sys.stderr)
        return 2
    print(url, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    """Add the platform simulator's options."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700, help="0 = any free port")
    parser.add_argument("--seed", type=int, default=0, help="synthetic data seed")
    parser.add_argument("--public-url", default="",
                        help="address citizens' phones use (https://…) for download links, "
                             "payment QRs and receipt checks; default: the server's own URL")
    parser.add_argument("--state-dir", help="keep cases and evaluations here (else memory)")
    parser.add_argument("--progress-step", type=float, default=120.0,
                        help="seconds a case stays in each progress state")
    parser.add_argument("--terminal", action="append", default=[], metavar="ID=SECRET",
                        help="accepted terminal (default KM-DEMO-0001=demo-secret)")
    parser.add_argument("--mint", action="store_true",
                        help="print sample e-ID / e-licence QR payloads and exit")
    parser.add_argument("--id-number",
                        help="citizen for --mint (default: every sample citizen and card)")
    parser.set_defaults(handler=handle)
