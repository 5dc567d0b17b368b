"""The terminal's secrets, kept out of terminal.toml: systemd credentials or a 0600 file.

Three secrets: ``platform-secret`` (the key the terminal signs platform requests with),
``operator-pin-hash`` (see :mod:`kiosk.pin`) and ``fleet-credentials.json`` (written by
``kiosk agent enrol``). They are looked up, first found wins:

1. systemd credentials: files in ``$CREDENTIALS_DIRECTORY`` (the units load the directory
   ``/etc/ebantong/credentials``, root-only, with ``LoadCredential=``; systemd hands the
   service a private copy it alone can read);
2. a secrets file in TOML (``EBT_SECRETS`` or the path given), keys ``platform_secret`` and
   ``operator_pin_hash``. It must belong to this user and be readable by no one else
   (0600/0400): a looser file is refused with one line saying so.

:func:`apply_secrets` puts them into a loaded :class:`~kiosk.config.TerminalConfig`;
:func:`inline_secrets` names any secret still written in terminal.toml (allowed for the
demo terminal only; ``kiosk run`` warns).
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.cli import CliError

CREDENTIALS = {"platform_secret": "platform-secret", "operator_pin_hash": "operator-pin-hash",
               "fleet_credentials": "fleet-credentials.json"}
DEMO_SECRET = "demo-secret"


class SecretsError(CliError, ValueError):
    """A secrets source that must not be used; ``str()`` is one line."""


@dataclass(frozen=True)
class Secrets:
    """What was found (None: not provided)."""

    platform_secret: str | None = None
    operator_pin_hash: str | None = None
    fleet_credentials: Path | None = None     # a file in the agent's credentials format
    source: str = "none"


def _private(path: Path) -> None:
    info = path.stat()
    if info.st_uid != os.geteuid():
        raise SecretsError(f"secrets file {path} belongs to uid {info.st_uid}, not to this "
                           f"user ({os.geteuid()}); chown it")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise SecretsError(f"secrets file {path} is readable by others ({mode:04o}); "
                           "chmod 600 it")


def _from_credentials(folder: Path) -> Secrets:
    found: dict[str, Any] = {}
    files = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    for field, name in CREDENTIALS.items():
        match = files.get(name) or next((p for n, p in files.items() if n.endswith(name)),
                                        None)
        if match is None:
            continue
        if field == "fleet_credentials":
            found[field] = match
        else:
            found[field] = match.read_text(encoding="utf-8").strip()
    return Secrets(**found, source=f"systemd credentials ({folder})") if found else Secrets()


def load_secrets(path: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None) -> Secrets:
    """The terminal's secrets (see module docstring); :class:`SecretsError` when unsafe."""
    env = os.environ if env is None else env
    if env.get("CREDENTIALS_DIRECTORY"):
        found = _from_credentials(Path(env["CREDENTIALS_DIRECTORY"]))
        if found.source != "none":
            return found
    chosen = path or env.get("EBT_SECRETS")
    if not chosen:
        return Secrets()
    file = Path(chosen)
    if not file.exists():
        raise SecretsError(f"secrets file {file} does not exist")
    _private(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SecretsError(f"secrets file {file} cannot be read: {exc}") from None
    unknown = set(data) - {"platform_secret", "operator_pin_hash", "fleet_credentials"}
    if unknown:
        raise SecretsError(f"secrets file {file} has unknown key(s): {', '.join(sorted(unknown))}")
    creds = data.get("fleet_credentials")
    return Secrets(platform_secret=data.get("platform_secret"),
                   operator_pin_hash=data.get("operator_pin_hash"),
                   fleet_credentials=Path(creds) if creds else None, source=str(file))


def inline_secrets(config: Any) -> list[str]:
    """The secrets written in terminal.toml itself (the demo's shared secret excepted)."""
    found = []
    if config.platform.secret and config.platform.secret != DEMO_SECRET:
        found.append("platform.secret")
    if config.terminal.operator_pin:
        found.append("terminal.operator_pin")
    return found


def apply_secrets(config: Any, secrets: Secrets) -> Any:
    """``config`` with the platform secret (and fleet credentials path) from ``secrets``."""
    if secrets.platform_secret:
        config = dataclasses.replace(config, platform=dataclasses.replace(
            config.platform, secret=secrets.platform_secret))
    if secrets.fleet_credentials:
        config = dataclasses.replace(config, fleet=dataclasses.replace(
            config.fleet, credentials=str(secrets.fleet_credentials)))
    return config
