"""Run the terminal against every simulator (headless: scripted journeys, screenshots, summary)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from screens.demo.runner import run_demo


def register(parser: argparse.ArgumentParser) -> None:
    """``python -m screens demo [--headless] --out DIR``."""
    parser.add_argument("--out", default="out/demo", help="output folder (default out/demo)")
    parser.add_argument("--headless", action="store_true",
                        help="run the scripted journeys (needs an X display such as Xvfb)")
    parser.add_argument("--config", default=None,
                        help="terminal TOML (default config/terminal.toml)")
    parser.add_argument("--orientation", choices=("portrait", "landscape"), default="portrait")
    parser.add_argument("--mode", choices=("standard", "elderly"), default="standard",
                        help="every visit starts in this mode ([ui] elderly)")
    parser.add_argument("--only", action="append", default=None, metavar="JOURNEY",
                        help="run only this journey (repeatable)")
    parser.add_argument("--scale", type=float, default=None,
                        help="window scale with a display (default 0.5: fits a 1080p screen;"
                             " headless always 1)")
    parser.add_argument("--no-browser", action="store_true",
                        help="with a display, print the control page's address only")
    parser.add_argument("--export-docs", default=None, metavar="DIR",
                        help="also copy the screenshots, half size, to DIR (docs/screens)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY"):
        print("demo: no display; run it under xvfb-run (scripts/run does)")
        return 2
    try:
        scale = 1.0 if args.headless else (args.scale or 0.5)
        code = run_demo(Path(args.out), headless=args.headless, config_path=args.config,
                        orientation=args.orientation, only=args.only, scale=scale,
                        browser=not args.no_browser,
                        overrides={"ui": {"elderly": args.mode == "elderly"}})
        if args.export_docs and args.headless:
            from screens.demo.docshots import export

            prefix = "standard" if args.orientation == "portrait" else "landscape"
            written = export(Path(args.out), Path(args.export_docs), prefix,
                             journeys=args.orientation == "portrait")
            print(f"demo: {len(written)} reference screenshots in {args.export_docs}")
        return code
    except (OSError, ValueError) as exc:
        print(f"demo: {exc}")
        return 1
