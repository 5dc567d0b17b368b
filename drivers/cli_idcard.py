"""ID-card reader diagnostics: read a card or report the reader's state.

``python -m drivers idcard read --url URL [--baud N] [--timeout S] [--json]`` prints the card
(with ``--json`` one object: name, sex, nation, birth_date, address, id_number, issuer,
valid_from, valid_to, photo_bytes; without it a masked summary).
``python -m drivers idcard status --url URL [--json]`` prints the state and the SAM id.
Failures print one line to stderr and exit non-zero: 2 = cannot open the line,
3 = no card, 4 = the reader or line misbehaves.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from common.privacy import mask_address, mask_id_number, mask_name
from drivers.base import Completion
from drivers.errors import DeviceOpenError
from drivers.idcard.reader import SamIdCardReader

EXIT_OPEN = 2
EXIT_NO_CARD = 3
EXIT_DEVICE = 4


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``read`` and ``status`` sub-commands."""
    sub = parser.add_subparsers(dest="idcard_command", required=True)
    read = sub.add_parser("read", help="wait for a card and print what it holds")
    status = sub.add_parser("status", help="report the reader's state and SAM id")
    for p in (read, status):
        p.add_argument("--url", required=True,
                       help="device path, pty path, socket://host:port or spy://…")
        p.add_argument("--baud", type=int, default=115200, help="line speed (default 115200)")
        p.add_argument("--timeout", type=float, default=3.0,
                       help="seconds to wait for a card / an answer (default 3)")
        p.add_argument("--json", action="store_true", help="print one JSON object")
    read.add_argument("--double-read", choices=("always", "on_doubt"), default="always",
                      help="read the card twice and take only agreeing reads: always "
                           "(default) or only after line noise or a retry")
    read.set_defaults(handler=run_read)
    status.set_defaults(handler=run_status)


def _fail(message: str, code: int) -> int:
    print(f"idcard: {message}", file=sys.stderr)
    return code


def _open(args: argparse.Namespace) -> SamIdCardReader:
    reader = SamIdCardReader(args.url, baudrate=args.baud, timeout=args.timeout,
                             double_read=getattr(args, "double_read", "always"))
    reader.open()
    return reader


def run_read(args: argparse.Namespace) -> int:
    """Read one card; print it; exit 0, or non-zero with a one-line reason."""
    try:
        reader = _open(args)
    except DeviceOpenError as exc:
        return _fail(str(exc), EXIT_OPEN)
    try:
        result = reader.read_card(timeout=args.timeout)
    finally:
        reader.close()
    if not result.ok or result.value is None:
        no_card = result.completion in (Completion.TIMEOUT, Completion.USER_ERROR) and \
            "no card" in result.message
        return _fail(f"{result.message} [{result.completion.value}]",
                     EXIT_NO_CARD if no_card else EXIT_DEVICE)
    record = result.value
    if args.json:
        print(json.dumps(record.as_dict(), ensure_ascii=False))
    else:
        valid_to = record.valid_to.isoformat() if record.valid_to else "长期"
        print(f"{mask_name(record.name)}  {record.sex}  {record.nation}  "
              f"{mask_id_number(record.id_number)}  {mask_address(record.full_address)}  "
              f"valid {record.valid_from.isoformat()}..{valid_to}  "
              f"photo {len(record.photo)} bytes")
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Check the SAM and print the state and SAM id."""
    try:
        reader = _open(args)
    except DeviceOpenError as exc:
        if args.json:
            print(json.dumps({"state": "no_device", "sam_id": None, "message": str(exc)}))
        return _fail(str(exc), EXIT_OPEN)
    try:
        checked = reader.sam_status(timeout=args.timeout)
        sam_id = reader.sam_id(timeout=args.timeout) if checked.ok else None
    finally:
        reader.close()
    failed = sam_id if sam_id is not None and not sam_id.ok else checked
    report: dict[str, Any] = {
        "state": reader.status().state.value,
        "sam_id": sam_id.value if sam_id is not None and sam_id.ok else None,
        "message": "" if failed.ok else failed.message,
        "url": args.url,
        "baudrate": args.baud,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"{report['state']}  SAM {report['sam_id'] or '-'}  {report['message']}".rstrip())
    if not failed.ok:
        return _fail(f"{failed.message} [{failed.completion.value}]", EXIT_DEVICE)
    return 0
