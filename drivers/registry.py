"""Map a config ``type`` to a driver class, and build drivers from config.

Built-in drivers are listed by dotted path so that importing the registry does not import
every driver (and its optional native libraries). Each driver class offers
``from_config(config: Mapping, bus: EventBus) -> Device``. An unknown type is a loud
:class:`~drivers.errors.UnknownDeviceType`, never a silent fallback.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from drivers.base import Device
from drivers.errors import ConfigError, UnknownDeviceType

#: (device class, config type) -> "module:Class"
BUILTIN_DRIVERS: dict[tuple[str, str], str] = {
    ("idcard", "sam"): "drivers.idcard.reader:SamIdCardReader",
    ("scanner", "serial"): "drivers.scanner.serial_scanner:SerialScanner",
    ("camera", "opencv"): "drivers.camera.capture:OpenCvCamera",
    ("printer", "escpos"): "drivers.printer.driver:EscPosPrinter",
}


class DriverRegistry:
    """Looks up driver classes by (device class, type) and instantiates them."""

    def __init__(self, entries: Mapping[tuple[str, str], str | type] | None = None) -> None:
        self._entries: dict[tuple[str, str], str | type] = dict(
            BUILTIN_DRIVERS if entries is None else entries
        )

    def register(self, device_class: str, type_name: str, target: str | type) -> None:
        """Add or replace a driver (a class or a "module:Class" path)."""
        self._entries[(device_class, type_name)] = target

    def types(self, device_class: str) -> list[str]:
        """Config types known for ``device_class``."""
        return sorted(t for (c, t) in self._entries if c == device_class)

    def resolve(self, device_class: str, type_name: str) -> type:
        """The driver class for ``type_name``; raises UnknownDeviceType."""
        target = self._entries.get((device_class, type_name))
        if target is None:
            known = ", ".join(self.types(device_class)) or "none"
            raise UnknownDeviceType(
                f"unknown {device_class} type {type_name!r} (known: {known})"
            )
        if isinstance(target, type):
            return target
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name)
        cls = getattr(module, attr)
        if not isinstance(cls, type):
            raise ConfigError(f"{target} is not a class")
        return cls

    def create(self, device_class: str, config: Mapping[str, Any], bus: Any) -> Device:
        """Build a driver from its config section (which must have a ``type``)."""
        type_name = config.get("type")
        if not type_name:
            raise ConfigError(f"{device_class}: config has no 'type'")
        cls = self.resolve(device_class, str(type_name))
        device = cls.from_config(config, bus)  # type: ignore[attr-defined]
        if not isinstance(device, Device):
            raise ConfigError(f"{cls.__name__}.from_config did not return a Device")
        return device
