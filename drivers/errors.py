"""One exception tree for the device layer, each error carrying its completion code.

Drivers raise these internally and turn them into :class:`drivers.base.CommandResult`
failures at their command surface; CLIs print ``str(error)`` as a one-line message.
"""

from __future__ import annotations

from drivers.base import Completion


class DeviceError(Exception):
    """Base of every device-layer error."""

    completion: Completion = Completion.HARDWARE_ERROR


class ConfigError(DeviceError):
    """The device configuration is wrong (unknown type, missing URL …)."""

    completion = Completion.UNSUPPORTED


class UnknownDeviceType(ConfigError):
    """Config names a device type that no driver is registered for."""


class DeviceOpenError(DeviceError):
    """The device could not be opened (absent, permission, refused connection)."""

    completion = Completion.DEVICE_NOT_READY


class DeviceGone(DeviceError):
    """The line went dead while talking to the device (cable pulled, peer closed)."""

    completion = Completion.DEVICE_NOT_READY


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    completion = Completion.TIMEOUT


class ProtocolError(DeviceError):
    """The device answered something that does not follow its protocol."""

    completion = Completion.INVALID_DATA


class CommandCanceled(DeviceError):
    """The caller cancelled the command."""

    completion = Completion.CANCELED


class DeviceReportedError(DeviceError):
    """The device itself reported a failure with a status code."""

    def __init__(self, message: str, completion: Completion, code: int | None = None) -> None:
        super().__init__(message)
        self.completion = completion
        self.code = code
