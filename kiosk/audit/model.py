"""Records of the accessibility audit: what a probe saw (Element) and what failed (Violation).

Elements come from ``screens.audit_probe`` (the live Kivy widget tree) or from tests as
plain dicts; everything here is JSON-friendly and Kivy-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class View:
    """One rendered combination: a screen in a mode, scheme and language, and the
    appearance the app was switched from to reach it ("start", "mode/scheme/language",
    or "" when not recorded)."""

    screen: str
    mode: str
    scheme: str
    language: str
    reached_from: str = ""

    def label(self) -> str:
        """"screen/mode/scheme/language" (+ " after mode/scheme/language")."""
        base = f"{self.screen}/{self.mode}/{self.scheme}/{self.language}"
        return f"{base} after {self.reached_from}" if self.reached_from else base


@dataclass(frozen=True)
class Element:
    """One widget as the citizen sees it. Sizes are dp; colours "#RRGGBB".

    ``text`` is empty for non-text widgets; ``fg``/``bg`` are None when unknown (e.g. the
    text is scrolled out of view); ``lines`` is how many lines the text was laid out in.
    ``line_px`` are the heights of its rendered lines of glyphs in window pixels (measured
    in the frame; empty when not measurable); ``role`` is "body" for text at the theme's
    body size.
    """

    widget: str
    text: str = ""
    font_size_dp: float | None = None
    line_height: float | None = None
    lines: int = 1
    size_dp: tuple[float, float] = (0.0, 0.0)
    fg: str | None = None
    bg: str | None = None
    touchable: bool = False
    line_px: tuple[int, ...] = ()
    role: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Element:
        """Build from a probe record (unknown keys are ignored)."""
        size = data.get("size_dp") or (0.0, 0.0)
        return cls(
            widget=str(data["widget"]),
            text=str(data.get("text") or ""),
            font_size_dp=_opt_float(data.get("font_size_dp")),
            line_height=_opt_float(data.get("line_height")),
            lines=int(data.get("lines") or 1),
            size_dp=(float(size[0]), float(size[1])),
            fg=data.get("fg"),
            bg=data.get("bg"),
            touchable=bool(data.get("touchable", False)),
            line_px=tuple(int(v) for v in data.get("line_px") or ()),
            role=str(data.get("role") or ""),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (inverse of from_dict)."""
        data = asdict(self)
        data["size_dp"] = list(self.size_dp)
        data["line_px"] = list(self.line_px)
        return data


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Violation:
    """A failed check: where, which rule, the value found and the value needed."""

    view: View
    widget: str
    rule: str
    value: float
    needed: float
    text: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        data = asdict(self)
        data.update(data.pop("view"))
        data["value"] = round(self.value, 2)
        return data


@dataclass
class AuditReport:
    """Totals and violations over many views."""

    views: list[View] = field(default_factory=list)
    checks: int = 0
    violations: list[Violation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: figures measured across views (e.g. the elderly body-text scale), for the report
    measures: dict[str, Any] = field(default_factory=dict)

    def add(self, view: View, checks: int, violations: list[Violation]) -> None:
        """Account for one audited view."""
        self.views.append(view)
        self.checks += checks
        self.violations.extend(violations)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: screens, views, checks, violations, details, errors."""
        return {
            "screens": len({v.screen for v in self.views}),
            "views": len(self.views),
            "checks": self.checks,
            "violations": len(self.violations),
            "details": [v.to_dict() for v in self.violations],
            "errors": list(self.errors),
            "measures": dict(self.measures),
        }
