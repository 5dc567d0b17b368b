"""Shared plumbing for the project's plug-in command lines (kiosk, drivers, simulator).

A CLI is a table of sub-command name -> module; each module offers ``register(parser)``
which adds its options and sets ``handler`` (a function of the parsed args returning an
exit code). Modules not written yet are skipped, so the table can name planned commands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping


class CliError(Exception):
    """An error the user can fix (a bad setting, a missing file): printed as one line,
    exit code 2, never a traceback."""


def run_plugin_cli(
    prog: str, description: str | None, modules: Mapping[str, str], argv: list[str] | None
) -> int:
    """Build the parser from ``modules``, run the chosen handler, return its exit code."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in modules.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        summary = (module.__doc__ or name).strip().splitlines()[0]
        module.register(sub.add_parser(name, help=summary, description=module.__doc__))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
