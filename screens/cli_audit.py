"""Accessibility audit of every screen in every mode, scheme and language.

``python -m screens audit --json`` starts the real app under a display (its own Xvfb when
there is no DISPLAY), lets ``screens.audit_probe`` walk the live widget tree of every
screen × {standard, elderly} × every colour scheme × {zh_CN, en}, checks the records with
kiosk.audit (text size, largest text, line spacing, WCAG contrast, touch-target size) and
the colour tokens of every scheme, the journey controls (spoken prompt, 重听 repeat
control, 长辈版 switch on attract/home), and prints {"screens", "views", "checks", "violations",
"details", "errors", "measures"}. Every (mode, scheme) is also reached from every state one
switch away (``--no-sequences``: once each), and the elderly body text is compared with the
standard one in rendered pixels (``measures.elderly_body_scale``). Exit code 0 when clean,
1 on violations or errors, 2 when the audit
could not run. This module never imports Kivy: the probe runs in a child process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.appearance import SCHEMES, SIZE_PROFILES
from kiosk.audit import (
    AuditReport,
    Element,
    View,
    check_controls,
    check_elderly_scale,
    check_tokens,
    check_view,
)
from kiosk.audit.checks import ELDERLY_BODY_SCALE
from kiosk.i18n import ALL_LANGUAGES, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


class AuditError(RuntimeError):
    """The audit could not run (no display, probe crashed, timed out)."""


@contextlib.contextmanager
def display(size: str = "1920x1920x24") -> Iterator[str]:
    """Yield a DISPLAY value: the current one, or a private Xvfb started for the audit."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if shutil.which("Xvfb") is None:
        raise AuditError("no DISPLAY and Xvfb is not installed (run scripts/bootstrap)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise AuditError("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_probe(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Run screens.audit_probe in a child process; return its JSON records."""
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
        out = Path(tmp) / "records.jsonl"
        cmd = [sys.executable, "-m", "screens.audit_probe", "--out", str(out),
               "--app", args.app, "--modes", *args.modes, "--schemes", *args.schemes,
               "--languages", *args.languages]
        if args.screens:
            cmd += ["--screens", *args.screens]
        if not getattr(args, "sequences", True):
            cmd += ["--no-sequences"]
        if args.orientation:
            cmd += ["--orientation", args.orientation]
        if args.screenshots:
            cmd += ["--screenshots", str(Path(args.screenshots).resolve())]
        with display() as disp:
            env = dict(os.environ, DISPLAY=disp, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1",
                       SDL_AUDIODRIVER="dummy")
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
            try:
                done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                      timeout=args.timeout, check=False)
            except subprocess.TimeoutExpired:
                raise AuditError(f"the probe took longer than {args.timeout} s") from None
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()
                   if line.strip()] if out.exists() else []
        if done.returncode != 0 or not records:
            tail = [ln for ln in done.stderr.strip().splitlines() if ln.strip()][-1:]
            raise AuditError(f"the probe failed (exit {done.returncode}): "
                             f"{tail[0] if tail else 'no output'}")
        return records


def audit(records: list[dict[str, Any]]) -> AuditReport:
    """Check probe records (and the schemes' colour tokens) and build the report."""
    report = AuditReport()
    token_checks, token_violations = check_tokens(SCHEMES.values())
    report.checks += token_checks
    report.violations.extend(token_violations)
    seen: list[tuple[View, list[Element]]] = []
    for record in records:
        view = View(**record["view"])
        if "error" in record:
            report.errors.append(f"{view.label()}: {record['error']}")
            continue
        elements = [Element.from_dict(e) for e in record["elements"]]
        seen.append((view, elements))
        checks, violations = check_view(view, elements, SIZE_PROFILES[view.mode],
                                        SCHEMES[view.scheme])
        more_checks, more = check_controls(view, elements)
        report.add(view, checks + more_checks, violations + more)
    checks, violations, measures = check_elderly_scale(seen)
    report.checks += checks
    report.violations.extend(violations)
    if measures:
        report.measures["elderly_body_scale"] = {
            "needed": ELDERLY_BODY_SCALE,
            "min_ratio": min(m["ratio"] for m in measures),
            "screens": measures,
        }
    return report


def publish_screenshots(shots: Path, dest: Path, scale: float = 0.5) -> list[Path]:
    """Copy the reference views from a ``--screenshots`` folder into ``dest`` (docs/screens):
    ``elderly-<screen>.png`` (elderly, standard scheme, Chinese) and
    ``scheme-<scheme>-<screen>.png`` (elderly, each other scheme), scaled by ``scale``."""
    from PIL import Image

    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(shots.glob("elderly-*-zh_CN-*.png")):
        _, rest = path.stem.split("-", 1)
        scheme, _, screen = rest.partition("-zh_CN-")
        name = f"elderly-{screen}.png" if scheme == "standard" else f"scheme-{scheme}-{screen}.png"
        with Image.open(path) as image:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image.convert("RGB").resize(size, Image.Resampling.LANCZOS).save(
                dest / name, optimize=True)
        written.append(dest / name)
    return written


def _print_text(report: AuditReport) -> None:
    doc = report.to_dict()
    for d in doc["details"]:
        print(f"{d['screen']}/{d['mode']}/{d['scheme']}/{d['language']}  {d['widget']}  "
              f"{d['rule']}: {d['value']} < {d['needed']}  {d['detail']} {d['text']}".rstrip())
    for error in doc["errors"]:
        print(f"error: {error}")
    scale = doc["measures"].get("elderly_body_scale")
    if scale:
        ratios = sorted(m["ratio"] for m in scale["screens"])
        print(f"elderly body text / standard body text (rendered glyph heights): "
              f"min {ratios[0]:.2f}, median {ratios[len(ratios) // 2]:.2f} over "
              f"{len(ratios)} screen views (needed ≥ {scale['needed']})")
    print(f"audit: {doc['screens']} screens, {doc['views']} views, {doc['checks']} checks, "
          f"{doc['violations']} violations, {len(doc['errors'])} errors")


def handle(args: argparse.Namespace) -> int:
    """Run the audit and print the report."""
    tmp = None
    if args.docs_screens and not args.screenshots:
        tmp = tempfile.TemporaryDirectory(prefix="audit-shots-")
        args.screenshots = tmp.name
    try:
        report = audit(run_probe(args))
        if args.docs_screens:
            written = publish_screenshots(Path(args.screenshots), Path(args.docs_screens))
            print(f"audit: {len(written)} screenshots in {args.docs_screens}", file=sys.stderr)
    except (AuditError, OSError, ValueError, KeyError) as exc:
        message = f"audit: could not run: {exc}"
        if args.json:
            print(json.dumps({"error": message}, ensure_ascii=False))
        print(message, file=sys.stderr)
        return 2
    finally:
        if tmp is not None:
            tmp.cleanup()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print_text(report)
    return 1 if report.violations or report.errors else 0


def register(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m screens audit``."""
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--screens", nargs="+", help="only these screens (default: all)")
    parser.add_argument("--modes", nargs="+", default=list(SIZE_PROFILES),
                        choices=list(SIZE_PROFILES))
    parser.add_argument("--schemes", nargs="+", default=list(SCHEMES), choices=list(SCHEMES))
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES),
                        choices=list(ALL_LANGUAGES),
                        help="default: the languages offered to citizens (a pack with "
                             "offered = false, such as the pseudo-locale qps, on request)")
    parser.add_argument("--orientation", choices=["portrait", "landscape"],
                        help="window layout (default: [terminal] orientation of the config)")
    parser.add_argument("--screenshots", metavar="DIR",
                        help="also save a PNG of every view into DIR")
    parser.add_argument("--docs-screens", metavar="DIR",
                        help="publish elderly-*.png and scheme-*.png views into DIR")
    parser.add_argument("--app", default="screens.audit_probe:audit_app",
                        help=argparse.SUPPRESS)
    parser.add_argument("--no-sequences", dest="sequences", action="store_false",
                        help="visit each (mode, scheme, language) once instead of after "
                             "every one-step switch")
    parser.add_argument("--timeout", type=float, default=1200.0,
                        help="seconds before the probe is abandoned (default 1200)")
    parser.set_defaults(handler=handle)
