"""Turn a TOML table into a typed, validated dataclass — or one line saying what is wrong.

:func:`build` walks a dataclass's fields: every key of the table must be a field (an
unknown key is refused, so a typo never passes silently), every value must have the field's
type (``bool``, ``int``, ``float``, ``str``, a ``Literal`` choice, a nested section, a
``dict[str, str]``, optional ``X | None``) and lie in the range the field's metadata gives:

* ``range=(lo, hi)`` — a number from lo to hi, inclusive;
* ``pattern=(regex, "what it means")`` — a string matching the regex in full;
* ``choices=callable`` — a string among what the callable returns (known at run time,
  e.g. the installed language packs).

A failure raises :class:`ConfigError` whose message is one line naming the dotted key, the
value and what is allowed: ``platform.retries = -1: must be a whole number from 0 to 10``.
Defaults come from the dataclass, so a missing key takes its default.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from common.cli import CliError

T = TypeVar("T")


class ConfigError(CliError, ValueError):
    """A configuration value the terminal cannot use; ``str()`` is one line."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key, self.value, self.allowed = key, value, allowed
        shown = _show(value)
        super().__init__(f"{key} = {shown}: {allowed}" if key else f"{shown}: {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def spec(default: Any = dataclasses.MISSING, *, range: tuple[float, float] | None = None,
         pattern: tuple[str, str] | None = None,
         choices: Callable[[], typing.Iterable[str]] | None = None,
         doc: str = "") -> Any:
    """A dataclass field with validation metadata (see the module docstring)."""
    metadata = {"range": range, "pattern": pattern, "choices": choices, "doc": doc}
    return dataclasses.field(default=default, metadata=metadata)


def build(cls: type[T], table: Any, where: str = "") -> T:
    """``cls`` filled from ``table`` after checking every key and value."""
    if not isinstance(table, Mapping):
        raise ConfigError(where, table, "must be a table ([section])")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in table:
        if key not in fields:
            allowed = ", ".join(sorted(fields)) or "no keys"
            raise ConfigError(_join(where, str(key)), table[key],
                              f"unknown key; allowed here: {allowed}")
    values = {name: convert(hints[name], table[name], _join(where, name), fields[name].metadata)
              for name in fields if name in table}
    return cls(**values)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def convert(kind: Any, value: Any, key: str, meta: Mapping[str, Any] | None = None) -> Any:
    """Check ``value`` against type ``kind`` (and ``meta``); return it typed."""
    meta = meta or {}
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(options) != 1:
            raise TypeError(f"{key}: only X | None unions are supported")
        return convert(options[0], value, key, meta)
    if origin is Literal:
        allowed = typing.get_args(kind)
        if value not in allowed or isinstance(value, bool) != any(
                isinstance(a, bool) for a in allowed):
            raise ConfigError(key, value, "must be one of " + ", ".join(_show(a)
                                                                       for a in allowed))
        return value
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(key, value, "must be a table")
        item_kind = typing.get_args(kind)[1]
        return {str(k): convert(item_kind, v, _join(key, str(k))) for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        return build(kind, value, key)  # type: ignore[arg-type]
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, value, "must be true or false")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, value, "must be a whole number" + _range_text(meta))
        return _in_range(value, key, meta, whole=True)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            raise ConfigError(key, value, "must be a number" + _range_text(meta))
        return float(_in_range(value, key, meta, whole=False))
    if kind is str:
        if not isinstance(value, str):
            raise ConfigError(key, value, "must be a text in quotes" + _str_rule(meta))
        return _text_rules(value, key, meta)
    raise TypeError(f"{key}: unsupported field type {kind!r}")


def _range_text(meta: Mapping[str, Any]) -> str:
    bounds = meta.get("range")
    return f" from {bounds[0]:g} to {bounds[1]:g}" if bounds else ""


def _in_range(value: float, key: str, meta: Mapping[str, Any], *, whole: bool) -> float:
    bounds = meta.get("range")
    if bounds and not bounds[0] <= value <= bounds[1]:
        raise ConfigError(key, value, ("must be a whole number" if whole else "must be a number")
                          + _range_text(meta))
    return value


def _str_rule(meta: Mapping[str, Any]) -> str:
    if meta.get("pattern"):
        return f" ({meta['pattern'][1]})"
    if meta.get("choices"):
        return ", one of " + ", ".join(sorted(meta["choices"]()))
    return ""


def _text_rules(value: str, key: str, meta: Mapping[str, Any]) -> str:
    pattern = meta.get("pattern")
    if pattern and not re.fullmatch(pattern[0], value):
        raise ConfigError(key, value, f"must be {pattern[1]}")
    choices = meta.get("choices")
    if choices is not None:
        known = sorted(choices())
        if value not in known:
            raise ConfigError(key, value, "must be one of " + ", ".join(_show(k) for k in known))
    return value


def flatten(section: Any, prefix: str = "") -> dict[str, Any]:
    """A dataclass (or mapping) tree as ``{"ui.language": "zh_CN", …}``; None values left out."""
    if dataclasses.is_dataclass(section) and not isinstance(section, type):
        items = dataclasses.asdict(section).items()
    else:
        items = dict(section).items()
    flat: dict[str, Any] = {}
    for key, value in items:
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, dotted + "."))
        elif value is not None:
            flat[dotted] = value
    return flat
