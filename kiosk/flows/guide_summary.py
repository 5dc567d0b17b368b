"""The guide as a citizen needs it first: what to bring, the cost, how long, where — and the
one thing to do next.

:func:`guide_summary` picks four of the twelve guide elements (材料, 费用, 时限, 在哪办)
with short texts; the full guide (``kiosk.flows.guide.guide_sections``) is one tap away.
:func:`next_action` gives every guide its real next step: start the item here (it is done at
the terminal: query, certificate, application, appointment, progress), or — for an item
only a window can do — go to the nearest point that offers it, with its address and hours,
and take the guide on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.i18n import N_

#: flow kinds the terminal carries out itself
DONE_HERE = frozenset({"query", "certificate", "application", "appointment", "progress",
                       "payment"})


@dataclass(frozen=True)
class NextAction:
    """The guide's primary button and what it leads to."""

    kind: str                 # "start": the journey goes on here; "window": go to a point
    label: str                # message id of the button
    place: str = ""           # for "window": the nearest point offering it, address, hours


def _materials_short(materials: Any) -> str:
    names = [str(m.get("name", "")) for m in materials or [] if m.get("required", True)]
    return "、".join(n for n in names if n) or N_("无需材料")


def guide_summary(item: Any) -> list[tuple[str, str]]:
    """(title, text) of the four things to know before starting (titles are msgids)."""
    raw = item.raw
    fee = str(raw.get("fees") or N_("不收费"))
    where = raw.get("where") or {}
    place = (N_("本机可办") if item.flow in DONE_HERE
             else str(where.get("text") or N_("请到政务服务中心窗口办理")))
    return [(N_("要带什么"), _materials_short(raw.get("materials"))),
            (N_("收费"), fee),
            (N_("多久办好"), str(raw.get("time_limit_text") or "—")),
            (N_("在哪办"), place)]


def next_action(item: Any, nearest: list[tuple[float, Any]] | None = None) -> NextAction:
    """Start here, or where and when at a window (``nearest``: (km, point), nearest first)."""
    if item.flow in DONE_HERE:
        return NextAction("start", N_("开始办理"))
    if nearest:
        km, point = nearest[0]
        place = (f"{point.name}（{km:.1f} km）\n{getattr(point, 'address', '')}\n"
                 f"{getattr(point, 'hours', '')}")
        return NextAction("window", N_("去哪里办"), place.strip())
    # the service points are not known (yet): the item's own rule says where
    where = (item.raw.get("where") or {}).get("text") or item.raw.get("scope") or ""
    return NextAction("window", N_("去哪里办"), str(where))
