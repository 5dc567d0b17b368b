"""Send one action to a running ``simulator all``: tap a card, show a QR, pull the paper.

``python -m simulator control idcard.insert card=han [--url http://127.0.0.1:8765]``;
``python -m simulator control state`` prints the suite's state.
"""

from __future__ import annotations

import argparse
import json
import sys

import requests


def register(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``simulator control``."""
    parser.add_argument("action", help="e.g. idcard.insert, printer.paper, or 'state'")
    parser.add_argument("params", nargs="*", help="key=value parameters")
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Post the action and print the JSON answer."""
    try:
        params = dict(p.split("=", 1) for p in args.params)
    except ValueError:
        print("control: parameters must be key=value", file=sys.stderr)
        return 2
    try:
        if args.action == "state":
            reply = requests.get(f"{args.url}/api/state", timeout=5)
        else:
            reply = requests.post(f"{args.url}/api/{args.action}", json=params, timeout=10)
    except requests.RequestException as exc:
        print(f"control: no simulator control page at {args.url} ({exc.__class__.__name__})",
              file=sys.stderr)
        return 1
    print(json.dumps(reply.json(), ensure_ascii=False))
    return 0 if reply.ok else 1
