"""``python -m kiosk receipts sample``: print the citizens' sample receipts (made-up data).

The receipts' content is the terminal's (kiosk/receipts); the printer options are the
device CLI's own, so a technician passes the same ``--url`` as to ``drivers printer``.
"""

from __future__ import annotations

import argparse
import sys

from drivers.cli_printer import add_printer_arguments, one_line, printer_from_args
from kiosk.receipts.samples import SAMPLES


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``sample`` sub-command."""
    sub = parser.add_subparsers(dest="receipts_command", required=True)
    sample = sub.add_parser("sample", help="print the sample receipts (made-up data)")
    add_printer_arguments(sample)
    sample.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width in mm")
    sample.add_argument("--kind", choices=(*sorted(SAMPLES), "all"), default="all")
    sample.set_defaults(handler=_sample)


def _sample(args: argparse.Namespace) -> int:
    printer = printer_from_args(args, args.width)
    kinds = sorted(SAMPLES) if args.kind == "all" else [args.kind]
    try:
        for kind in kinds:
            result = printer.print_document(SAMPLES[kind](), timeout=60)
            if not result.ok:
                print(f"{kind} receipt failed ({result.completion.value}): "
                      f"{one_line(result.message)}", file=sys.stderr)
                return 1
            print(f"{kind} receipt printed")
    finally:
        printer.close()
    return 0
