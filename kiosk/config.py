"""The terminal's configuration (config/terminal.toml), typed and validated at start.

:func:`load_config` reads the file named by ``--config`` / ``EBT_CONFIG`` (else
config/terminal.toml) and returns a frozen :class:`TerminalConfig`. Every key has a type
and a range; an unknown key, a wrong type or an out-of-range value raises
:class:`~kiosk.config_schema.ConfigError`, one line naming the key, the value and what is
allowed (``ui.language = "fr": must be one of "en", "zh_CN"``) — the CLIs print it and exit,
never a traceback. Components receive their own typed section.

Why dataclasses and not pydantic: the terminal's UI process does not load pydantic today
(the platform client uses requests), the rules needed are few (type, range, pattern, a
choice known at run time), and the messages are ours, one line each, in the wording an
operator reads on the maintenance screen. ``kiosk/config_schema.py`` is the whole mechanism.

Live reload (the fleet's ``reload_config``): :data:`LIVE_KEYS` change without a restart;
:func:`reload_plan` says which changed keys are live and which need a restart, and
:func:`with_live_keys` makes the running configuration with the live ones taken over.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kiosk.appearance import SCHEMES
from kiosk.config_schema import ConfigError, build, flatten, spec
from kiosk.i18n import ALL_LANGUAGES
from kiosk.platform.settings import PlatformSettings

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "terminal.toml"

BAUD = (300, 921600)
DEVICE_URL = (r"\S+", "a device URL: /dev/…, socket://host:port, spy://…, tcp://host:port")
HTTP_URL = (r"https?://\S+", "an http:// or https:// address")
SCANNER_SUFFIXES = ("auto", "CR", "LF", "CRLF", "CR LF")


@dataclass(frozen=True)
class TerminalSection:
    """``[terminal]``: who and where this terminal is."""

    id: str = spec("KM-DEMO-0001", pattern=(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}",
                                            "letters, digits, - and _ (at most 64)"))
    name: str = ""
    district: str = ""
    lat: float = spec(25.04, range=(-90, 90))
    lon: float = spec(102.71, range=(-180, 180))
    operator_pin: str = spec("", pattern=(r"(\d{4,12})?", "4 to 12 digits (the keypad has "
                                                          "digits only)"))
    orientation: Literal["portrait", "landscape"] = "portrait"
    state_dir: str = "var"
    #: where the ID-card reader is on this terminal, said on the identify screen
    reader_place: str = "屏幕下方台面上（有身份证图标处）"


@dataclass(frozen=True)
class UiSection:
    """``[ui]``: the defaults every visit starts with."""

    language: str = spec("zh_CN", choices=lambda: ALL_LANGUAGES)  # offered or not
    scheme: str = spec("standard", choices=lambda: SCHEMES)
    elderly: bool = False
    idle_timeout_s: float | None = spec(None, range=(21, 3600))
    idle_warning_s: float | None = spec(None, range=(20, 600))


@dataclass(frozen=True)
class SamReaderSection:
    """``[devices.idcard]`` of ``type = "sam"``."""

    type: Literal["sam"] = "sam"
    url: str = spec("", pattern=DEVICE_URL)
    baudrate: int = spec(115200, range=BAUD)
    timeout: float = spec(3.0, range=(0.1, 60))
    double_read: Literal["always", "on_doubt"] = "always"
    name: str = "idcard"


@dataclass(frozen=True)
class SerialScannerSection:
    """``[devices.scanner]`` of ``type = "serial"``."""

    type: Literal["serial"] = "serial"
    url: str = spec("", pattern=DEVICE_URL)
    baudrate: int = spec(9600, range=BAUD)
    suffix: str = spec("auto", choices=lambda: SCANNER_SUFFIXES)
    profile: Literal["generic", "honeywell", "newland", "gm65"] = "generic"
    mode: Literal["continuous", "triggered"] = "continuous"
    dedupe_window_s: float = spec(1.5, range=(0, 60))
    max_length: int = spec(2048, range=(16, 65536))
    silence_s: float = spec(0.3, range=(0.01, 10))
    name: str = "scanner"


@dataclass(frozen=True)
class CameraSection:
    """``[devices.camera]`` of ``type = "opencv"``."""

    type: Literal["opencv"] = "opencv"
    source: str = ""
    width: int = spec(0, range=(0, 8192))
    height: int = spec(0, range=(0, 8192))
    decoder: Literal["zxing", "pyzbar", "opencv"] = "zxing"
    scan_qr: bool = True
    max_side: int = spec(0, range=(0, 8192))
    dedupe_window_s: float = spec(2.0, range=(0, 60))
    name: str = "camera"


@dataclass(frozen=True)
class PrinterSection:
    """``[devices.printer]`` of ``type = "escpos"``."""

    type: Literal["escpos"] = "escpos"
    url: str = spec("", pattern=DEVICE_URL)
    width_mm: Literal[58, 80] = 80
    baudrate: int = spec(115200, range=BAUD)
    status: Literal["auto", "dle_eot", "none"] = "auto"
    status_timeout: float = spec(0.5, range=(0.05, 30))
    job_timeout: float = spec(30.0, range=(1, 600))
    strict_text: bool = False
    confirm_job: bool = True
    name: str = "printer"


#: (device class, type) -> its section; another type is passed on for the driver registry to
#: report as unknown (loudly, on the maintenance screen and the dashboard)
DEVICE_SECTIONS: dict[tuple[str, str], type] = {
    ("idcard", "sam"): SamReaderSection,
    ("scanner", "serial"): SerialScannerSection,
    ("camera", "opencv"): CameraSection,
    ("printer", "escpos"): PrinterSection,
}


@dataclass(frozen=True)
class UnknownDevice:
    """A device section whose type no driver here knows; the registry reports it."""

    type: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VoiceSection:
    """``[voice]``: the speech engine and its defaults."""

    engine: Literal["espeak-ng", "piper"] = "espeak-ng"
    enabled: bool = True
    volume: float = spec(0.8, range=(0, 1))
    cache_dir: str = "var/voice-cache"
    prerender: bool = True
    piper: str = "piper"
    piper_models: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FleetSection:
    """``[fleet]``: the operators' server (empty ``server``: no telemetry)."""

    server: str = spec("", pattern=(r"(https?://\S+)?", "empty or an http(s):// address"))
    credentials: str = "var/fleet/credentials.json"
    buffer: str = "var/fleet/buffer.sqlite3"
    interval: float = spec(30.0, range=(1, 3600))
    help_fallback_s: float = spec(90.0, range=(5, 900),
                                  doc="一键求助: give the 12345 line when nobody has "
                                      "acknowledged within this many seconds")
    help_poll_s: float = spec(2.0, range=(0.5, 30), doc="一键求助: how often the open ticket "
                                                        "is asked about")


@dataclass(frozen=True)
class CertificateSection:
    """``[certificate]``: where A4 certificates print (empty: a slip with the QR)."""

    lp_queue: str = spec("", pattern=(r"[A-Za-z0-9_.-]*", "a CUPS queue name or empty"))
    ipp_uri: str = spec("", pattern=(r"(ipps?://\S+)?", "empty or an ipp:// queue address"),
                        doc="A4 through CUPS followed over IPP (preferred over lp_queue)")
    a4_ledger_db: str = "var/a4/jobs.sqlite3"


@dataclass(frozen=True)
class PaymentsSection:
    """``[payments]``: where the platform's payment notifications reach this terminal."""

    notify_host: str = "127.0.0.1"
    notify_port: int = spec(0, range=(0, 65535), doc="0: any free port")
    advertised_host: str = ""       # the address the platform uses, when not notify_host
    ledger_db: str = "var/payments/ledger.sqlite3"
    countdown_s: float = spec(300.0, range=(30, 1800))
    poll_s: float = spec(3.0, range=(0.2, 60))


@dataclass(frozen=True)
class TerminalConfig:
    """The whole configuration."""

    terminal: TerminalSection = field(default_factory=TerminalSection)
    ui: UiSection = field(default_factory=UiSection)
    devices: Mapping[str, Any] = field(default_factory=dict)
    platform: PlatformSettings = field(default_factory=PlatformSettings)
    voice: VoiceSection = field(default_factory=VoiceSection)
    fleet: FleetSection = field(default_factory=FleetSection)
    certificate: CertificateSection = field(default_factory=CertificateSection)
    payments: PaymentsSection = field(default_factory=PaymentsSection)

    def device_table(self, name: str) -> dict[str, Any] | None:
        """The driver's view of device ``name`` (a plain table), or None if not configured."""
        section = self.devices.get(name)
        if section is None:
            return None
        if isinstance(section, UnknownDevice):
            return {"type": section.type, **section.values}
        return {k: v for k, v in dataclasses.asdict(section).items() if v is not None}

    def flat(self) -> dict[str, Any]:
        """Every key as ``section.key`` (devices as ``devices.<name>.<key>``)."""
        flat = flatten({k: v for k, v in dataclasses.asdict(self).items() if k != "devices"})
        for name in self.devices:
            flat.update(flatten(self.device_table(name) or {}, f"devices.{name}."))
        return flat


def parse_config(table: Mapping[str, Any]) -> TerminalConfig:
    """A loaded TOML table → :class:`TerminalConfig` (ConfigError on the first bad key)."""
    if not isinstance(table, Mapping):
        raise ConfigError("", table, "the configuration must be a table")
    body = {k: v for k, v in table.items() if k != "devices"}
    config = build(TerminalConfig, body)
    devices = table.get("devices", {})
    if not isinstance(devices, Mapping):
        raise ConfigError("devices", devices, "must be a table of [devices.<name>] sections")
    return dataclasses.replace(config, devices={
        str(name): _device(str(name), section) for name, section in devices.items()})


def _device(name: str, section: Any) -> Any:
    where = f"devices.{name}"
    if not isinstance(section, Mapping):
        raise ConfigError(where, section, "must be a table")
    kind = section.get("type")
    if not isinstance(kind, str):
        raise ConfigError(f"{where}.type", kind, "must name the driver, e.g. "
                          + ", ".join(sorted({f'"{t}"' for (_c, t) in DEVICE_SECTIONS})))
    cls = DEVICE_SECTIONS.get((name, kind))
    if cls is None:
        return UnknownDevice(kind, {k: v for k, v in section.items() if k != "type"})
    return build(cls, section, where)


def read_table(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The raw TOML of the configuration file (for tools that write a changed copy)."""
    chosen = Path(path or os.environ.get("EBT_CONFIG") or DEFAULT_CONFIG)
    try:
        with chosen.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError("", str(chosen), f"cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", str(chosen), f"does not parse as TOML ({exc})") from None


def load_config(path: str | os.PathLike[str] | None = None) -> TerminalConfig:
    """Read, check and return the configuration (ConfigError, one line, when it is bad)."""
    return parse_config(read_table(path))


# -- live reload -------------------------------------------------------------------------
#: the keys that change without a restart ([ui] ones from the next visit on)
LIVE_KEYS = frozenset({
    "ui.language", "ui.scheme", "ui.elderly", "ui.idle_timeout_s", "ui.idle_warning_s",
    "voice.volume", "voice.enabled", "certificate.lp_queue", "terminal.operator_pin",
})


def reload_plan(running: TerminalConfig, new: TerminalConfig) -> tuple[list[str], list[str]]:
    """(live keys that changed, other keys that changed) between two configurations."""
    old_flat, new_flat = running.flat(), new.flat()
    changed = sorted(k for k in {*old_flat, *new_flat} if old_flat.get(k) != new_flat.get(k))
    return [k for k in changed if k in LIVE_KEYS], [k for k in changed if k not in LIVE_KEYS]


def with_live_keys(running: TerminalConfig, new: TerminalConfig,
                   keys: list[str]) -> TerminalConfig:
    """``running`` with the values of ``keys`` (all live) taken from ``new``."""
    result = running
    for key in keys:
        if key not in LIVE_KEYS:
            raise ValueError(f"{key} is not a live key")
        section_name, _, name = key.partition(".")
        section = getattr(result, section_name)
        value = getattr(getattr(new, section_name), name)
        result = dataclasses.replace(result, **{
            section_name: dataclasses.replace(section, **{name: value})})
    return result


def override(config: TerminalConfig, section: str, **values: Any) -> TerminalConfig:
    """A copy with keys of one section changed, checked like the file's (tests, the demo)."""
    current = getattr(config, section)
    table = {k: v for k, v in dataclasses.asdict(current).items() if v is not None}
    table.update(values)
    return dataclasses.replace(config, **{section: build(type(current), table, section)})
