"""The composition root: build the whole terminal from configuration, in one place.

:func:`build_terminal` reads the config dict and returns a :class:`Terminal` holding every
service the screens use: the event bus, translator, voice, platform client, catalog cache
and search, outbox, the devices (built through ``drivers.registry``), the ID-card poller
and the telemetry agent. A device that cannot be opened is reported loudly (log, the
``device_errors`` map shown on the maintenance screen, and the fleet heartbeat) and left
out — never replaced by a silent fallback. Nothing here imports Kivy; the app passes in
its audio sink.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.events import EventBus
from drivers.base import Device, DeviceState
from drivers.errors import DeviceError
from drivers.idcard.poller import CardPoller
from drivers.registry import DriverRegistry
from kiosk.config import TerminalConfig
from kiosk.evaluation_report import EvaluationReporter
from kiosk.fault_history import FaultHistory
from kiosk.faults import FaultLog
from kiosk.flows.categories import CategoryUsage
from kiosk.flows.output import CertificateOutput
from kiosk.flows.ports import FlowPorts
from kiosk.help_desk import fleet_poster
from kiosk.i18n import Translator
from kiosk.money_setup import MoneyServices, build_money
from kiosk.pin import PinGuard, hash_pin
from kiosk.platform.catalog_cache import CatalogCache
from kiosk.platform.errors import PlatformError
from kiosk.platform.outbox import Outbox, PlatformSender
from kiosk.platform.pinyin import PinyinStore, Transcribe, syllables_in_process
from kiosk.platform.search import CatalogSearch
from kiosk.secrets import Secrets
from kiosk.session import Session
from kiosk.storage import DamagedState, open_rebuildable
from kiosk.telemetry import UsageCounters
from kiosk.update import order_update, release_version, report_outcome
from kiosk.voice import AudioSink, Voice, build_voice

log = logging.getLogger(__name__)

DEVICE_ORDER = ("idcard", "scanner", "camera", "printer")


@dataclass
class Terminal:
    """Every long-lived service of one terminal; the screens receive this object."""

    config: TerminalConfig
    bus: EventBus
    translator: Translator
    voice: Voice
    platform: Any
    catalog: CatalogCache
    search: CatalogSearch
    outbox: Outbox
    ports: FlowPorts
    counters: UsageCounters
    devices: dict[str, Device] = field(default_factory=dict)
    device_errors: dict[str, str] = field(default_factory=dict)
    poller: CardPoller | None = None
    agent: Any = None
    evaluation_reporter: Any = None   # kiosk.evaluation_report.EvaluationReporter
    catalog_error: str = ""
    pinyin: Transcribe = syllables_in_process
    faults: FaultLog | None = None
    #: the operator PIN's scrypt hash from the secrets (None: the demo's clear
    #: ``[terminal] operator_pin``, hashed here), and where its throttle lives
    pin_hash: str | None = None
    state_dir: Path = Path("var")
    pin_state: Path = Path("var/pin-throttle.json")
    _demo_pin: tuple[str, str] = ("", "")
    fault_history: FaultHistory | None = None
    money: MoneyServices | None = None
    category_usage: CategoryUsage | None = None
    _recogniser: Any = None
    _recogniser_error: str = ""

    @property
    def terminal_id(self) -> str:
        """This terminal's id (from ``[terminal] id``)."""
        return self.config.terminal.id

    def recogniser(self) -> Any:
        """The offline handwriting recogniser (Zinnia), loaded on first use so that start-up
        does not pay for it; None (logged once) when its library or model is missing."""
        if self._recogniser is None and not self._recogniser_error:
            from kiosk.handwriting import HandwritingRecogniser, ZinniaError

            try:
                self._recogniser = HandwritingRecogniser()
            except (ZinniaError, OSError) as exc:
                self._recogniser_error = str(exc)
                log.error("handwriting input not available: %s", exc)
        return self._recogniser

    @property
    def camera(self) -> Any:
        """The camera driver, or None when it is not configured or did not open."""
        return self.devices.get("camera")

    @property
    def printer(self) -> Any:
        """The receipt printer driver, or None."""
        return self.devices.get("printer")

    @property
    def pin_guard(self) -> PinGuard | None:
        """Checks the operator PIN (None: no PIN set, the maintenance screen stays shut)."""
        stored = self.pin_hash
        clear = self.config.terminal.operator_pin
        if not stored and clear:           # the demo's PIN; reload_config may change it
            if self._demo_pin[0] != clear:
                self._demo_pin = (clear, hash_pin(clear, log2_n=12))
            stored = self._demo_pin[1]
        return PinGuard(stored, self.pin_state) if stored else None

    def new_session(self) -> Session:
        """A fresh visit with the configured defaults."""
        ui = self.config.ui
        return Session(elderly=ui.elderly, scheme=ui.scheme, language=ui.language)

    def device_states(self) -> dict[str, dict[str, Any]]:
        """State of every configured device, failed ones included (for operators)."""
        states: dict[str, dict[str, Any]] = {}
        for name, device in self.devices.items():
            try:
                states[name] = device.status().as_dict()
            except DeviceError as exc:
                states[name] = {"state": DeviceState.OFFLINE.value, "message": str(exc)}
        for name, error in self.device_errors.items():
            states[name] = {"state": DeviceState.NO_DEVICE.value, "message": error}
        return states

    def refresh_catalog(self) -> str:
        """Sync the catalog cache from the platform; on failure keep the cached copy."""
        try:
            self.catalog.sync(self.platform)
        except PlatformError as exc:
            self.catalog_error = type(exc).__name__
            log.warning("catalog sync failed (%s); using the cached catalog", self.catalog_error)
        else:
            self.catalog_error = ""
        self.search = CatalogSearch(self.catalog.items(), self.pinyin)
        return self.catalog_error or "ok"

    def close(self) -> None:
        """Stop threads and release devices (safe to call twice)."""
        if self.agent is not None:
            self.agent.stop()
        if self.poller is not None:
            self.poller.stop()
        self.outbox.stop()
        if self.money is not None:
            self.money.close()
            self.money = None
        if isinstance(self.pinyin, PinyinStore):
            self.pinyin.close()
        if self._recogniser is not None:
            self._recogniser.close()
            self._recogniser = None
        self.voice.close()
        for device in self.devices.values():
            device.close()
        self.devices.clear()


def build_terminal(config: TerminalConfig, audio_sink: AudioSink, *,
                   registry: DriverRegistry | None = None, base_dir: Path = Path("."),
                   start_threads: bool = True, secrets: Secrets | None = None) -> Terminal:
    """Build the terminal described by ``config`` (``secrets``: see :mod:`kiosk.secrets`)."""
    bus = EventBus()
    state_dir = base_dir / config.terminal.state_dir
    translator = Translator(config.ui.language)
    voice = build_voice(dataclasses.asdict(config.voice), audio_sink, base_dir=base_dir)
    voice.set_language(translator.speech_language)

    settings = config.platform
    platform = settings.client()
    faults = FaultLog(state_dir / "faults.json")
    catalog_db = _under(base_dir, settings.cache_db)
    catalog = open_rebuildable(catalog_db, CatalogCache, _rebuilt(faults, "catalog"))
    pinyin = open_rebuildable(catalog_db.with_name("pinyin.sqlite3"), PinyinStore,
                              _rebuilt(faults, "pinyin"))
    # the outbox drains on its own thread with its own client (requests sessions are not
    # safe to share between threads); a damaged one is quarantined, never deleted
    outbox = Outbox(_under(base_dir, settings.outbox_db), PlatformSender(settings.client()),
                    refused_expire_days=settings.refused_expire_days, faults=faults)
    bus.subscribe("session.wiped", lambda _topic, _payload: outbox.end_of_visit())

    devices, errors = _open_devices(config, bus, registry or DriverRegistry())
    printer = devices.get("printer")
    ports = FlowPorts(platform=platform, outbox=outbox, printer=printer,  # type: ignore[arg-type]
                      bus=bus, terminal_id=config.terminal.id)
    ports.certificate_output = CertificateOutput(
        config.certificate.lp_queue)
    money = build_money(config, bus, base_dir, start_threads)
    ports.money, ports.payments, ports.booking, ports.a4 = (
        money.money, money.payments, money.booking, money.a4)
    ports.payment_countdown_s = config.payments.countdown_s
    counters = UsageCounters(bus)
    terminal = Terminal(config=config, bus=bus, translator=translator, voice=voice,
                        platform=platform, catalog=catalog, search=CatalogSearch([]),
                        outbox=outbox, ports=ports, counters=counters, devices=devices,
                        device_errors=errors, pinyin=pinyin, faults=faults,
                        fault_history=FaultHistory(bus), money=money)
    terminal.category_usage = CategoryUsage(state_dir / "category-usage.json", bus, catalog)
    counters.device_cache.update(terminal.device_states())
    _first_catalog(terminal, background=start_threads)
    if "idcard" in devices:
        terminal.poller = CardPoller(devices["idcard"], bus)  # type: ignore[arg-type]
    terminal.pin_hash = (secrets or Secrets()).operator_pin_hash
    terminal.pin_state = state_dir / "pin-throttle.json"
    report_outcome(state_dir, faults)          # a rolled-back update becomes a fault
    terminal.state_dir = state_dir
    terminal.counters.handlers["update"] = lambda args: order_update(state_dir, args)
    terminal.agent = _build_agent(terminal, state_dir)
    client = getattr(terminal.agent, "_client", None)
    if client is not None:                 # 好差评 figures for the operators' dashboard
        terminal.evaluation_reporter = EvaluationReporter(bus, fleet_poster(client))
    if start_threads:
        outbox.start()
        if terminal.poller is not None:
            terminal.poller.start()
        if terminal.agent is not None:
            terminal.agent.start()
    return terminal


def _first_catalog(terminal: Terminal, *, background: bool) -> None:
    """With a cached catalog, serve it at once and sync on a thread: a platform that hangs
    must not keep a restarting terminal dark. An empty cache is filled first."""
    items = terminal.catalog.items() if background else []
    if not items:
        terminal.refresh_catalog()
        return
    terminal.search = CatalogSearch(items, terminal.pinyin)
    threading.Thread(target=terminal.refresh_catalog, name="catalog-sync",
                     daemon=True).start()


def _rebuilt(faults: FaultLog, subject: str) -> Any:
    def report(exc: DamagedState) -> None:
        faults.record("state_damaged", subject,
                      f"{exc.path.name} failed its integrity check ({exc.reason}); "
                      "moved to quarantine/ and rebuilt")
    return report


def _under(base_dir: Path, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate


def _open_devices(config: TerminalConfig, bus: EventBus, registry: DriverRegistry
                  ) -> tuple[dict[str, Device], dict[str, str]]:
    devices: dict[str, Device] = {}
    errors: dict[str, str] = {}
    names = config.devices
    for name in [*DEVICE_ORDER, *(n for n in names if n not in DEVICE_ORDER)]:
        section = config.device_table(name)
        if not section:
            continue
        try:
            devices[name] = registry.create(name, section, bus)
        except DeviceError as exc:
            errors[name] = str(exc)
            log.error("DEVICE %s NOT AVAILABLE: %s", name, exc)
    return devices, errors


def _build_agent(terminal: Terminal, state_dir: Path) -> Any:
    from kiosk.agent.factory import agent_from_config

    fleet = dataclasses.asdict(terminal.config.fleet)
    for key in ("credentials", "buffer"):
        if fleet.get(key):
            fleet[key] = str(_under(state_dir.parent, str(fleet[key])))
    try:
        return agent_from_config(fleet, terminal.counters.snapshot_for(terminal),
                                 terminal.counters.command_handlers(terminal),
                                 release_version())
    except ValueError as exc:
        log.error("fleet agent not started: %s", exc)
        terminal.device_errors["fleet"] = str(exc)
        return None
