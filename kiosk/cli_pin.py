"""``python -m kiosk pin hash``: read a new operator PIN (twice, not echoed) and print the
line for the secrets file (``operator_pin_hash = "scrypt$…"``) — the PIN itself is never
stored anywhere."""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from kiosk.pin import hash_pin


def register(parser: argparse.ArgumentParser) -> None:
    """Add ``pin hash``."""
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("hash", help="hash a new operator PIN for the secrets file")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Ask for the PIN and print its hash."""
    first = getpass.getpass("new operator PIN (4-12 digits): ") if sys.stdin.isatty() \
        else sys.stdin.readline().strip()
    if not re.fullmatch(r"\d{4,12}", first):
        print("pin: 4 to 12 digits, please", file=sys.stderr)
        return 2
    if sys.stdin.isatty() and getpass.getpass("again: ") != first:
        print("pin: the two entries differ", file=sys.stderr)
        return 2
    print(f'operator_pin_hash = "{hash_pin(first)}"')
    return 0
