"""Terminal locations, districts and depots for paper rounds, from a file
(``python -m fleet location import FILE``).

CSV (UTF-8, a BOM is fine), one terminal a row, header first::

    terminal_id,lat,lon,district,address
    KM-WH-0001,25.0431,102.7069,五华区,五华区政务服务中心一楼大厅

``district`` and ``address`` may be left out (column or cell); a bare ``terminal_id,lat,lon``
file without header is read too. TOML or JSON (by the name's ending) can also name each
district's depot — where the technician's round starts::

    [[depot]]
    district = "五华区"
    name = "五华区政务服务中心"
    lat = 25.0431
    lon = 102.7069

    [[terminal]]
    id = "KM-WH-0001"
    lat = 25.0440
    lon = 102.7101
    district = "五华区"          # optional: corrects the district the terminal enrolled with
    address = "…"                # optional

Districts must be one of Kunming's 14 (fleet/districts.py): a typo would open alert groups
for a district nobody watches. Coordinates must lie within ~150 km of Kunming. The whole file
is checked before anything is written; then it is written in one transaction. A location
for an id not enrolled (yet) is kept and used once it enrols. Note that a re-enrolment
carries the terminal's own district and address again: import the file again after one.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from fleet.db import terminals
from fleet.db_ops import depots, terminal_locations
from fleet.districts import DISTRICTS
from fleet.paper_rounds import km

KUNMING = (25.04, 102.71)
MAX_KM = 150.0
NAMES = {d.zh for d in DISTRICTS}


@dataclass
class LocationFile:
    """What a file holds, checked."""

    terminals: list[dict[str, Any]] = field(default_factory=list)
    depots: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    locations: int
    depots: int
    moved: int          # enrolled terminals whose district or address changed
    not_enrolled: int   # locations kept for ids not enrolled here yet


def _point(where: str, lat: Any, lon: Any) -> tuple[float, float]:
    try:
        point = (float(lat), float(lon))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: lat and lon must be numbers") from None
    if km(KUNMING, point) > MAX_KM:
        raise ValueError(f"{where}: ({point[0]}, {point[1]}) is more than {MAX_KM:.0f} km "
                         "from Kunming (lat and lon swapped?)")
    return point


def _district(where: str, value: Any) -> str:
    name = str(value or "").strip()
    if name and name not in NAMES:
        raise ValueError(f"{where}: unknown district {name!r} (one of: "
                         f"{', '.join(d.zh for d in DISTRICTS)})")
    return name


def _terminal(where: str, tid: Any, lat: Any, lon: Any, district: Any = "",
              address: Any = "") -> dict[str, Any]:
    tid = str(tid or "").strip()
    if not tid or len(tid) > 64:
        raise ValueError(f"{where}: a terminal id is needed (at most 64 characters)")
    point = _point(where, lat, lon)
    return {"id": tid, "lat": point[0], "lon": point[1],
            "district": _district(where, district), "address": str(address or "").strip()}


def parse_csv(text: str, name: str = "CSV") -> LocationFile:
    """Terminal rows of a CSV file (see module docstring)."""
    rows = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip() for c in r)]
    out = LocationFile()
    if not rows:
        return out
    header = [c.strip().lower() for c in rows[0]]
    if "terminal_id" in header:
        missing = {"terminal_id", "lat", "lon"} - set(header)
        if missing:
            raise ValueError(f"{name}: header lacks {', '.join(sorted(missing))}")
        body, start = rows[1:], 2
    else:
        header, body, start = ["terminal_id", "lat", "lon", "district", "address"], rows, 1
    for n, row in enumerate(body, start):
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        out.terminals.append(_terminal(f"{name} line {n}", cells.get("terminal_id"),
                                       cells.get("lat"), cells.get("lon"),
                                       cells.get("district"), cells.get("address")))
    return out


def parse_document(data: Any, name: str = "file") -> LocationFile:
    """``[[terminal]]`` and ``[[depot]]`` entries of a TOML or JSON document."""
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a table with [[terminal]] and [[depot]] entries")
    unknown = sorted(set(data) - {"terminal", "depot"})
    if unknown:
        raise ValueError(f"{name}: unknown section {unknown[0]!r} (terminal, depot)")
    out = LocationFile()
    for i, t in enumerate(data.get("terminal", []), 1):
        where = f"{name} terminal #{i}"
        if not isinstance(t, dict) or set(t) - {"id", "lat", "lon", "district", "address"}:
            raise ValueError(f"{where}: keys are id, lat, lon, district, address")
        out.terminals.append(_terminal(where, t.get("id"), t.get("lat"), t.get("lon"),
                                       t.get("district"), t.get("address")))
    for i, d in enumerate(data.get("depot", []), 1):
        where = f"{name} depot #{i}"
        if not isinstance(d, dict) or set(d) - {"district", "name", "lat", "lon"}:
            raise ValueError(f"{where}: keys are district, name, lat, lon")
        district = _district(where, d.get("district"))
        if not district:
            raise ValueError(f"{where}: a depot needs its district")
        lat, lon = _point(where, d.get("lat"), d.get("lon"))
        out.depots.append({"district": district, "name": str(d.get("name") or "")[:200],
                           "lat": lat, "lon": lon})
    return out


def read_file(path: str | Path) -> LocationFile:
    """Read and check a CSV, TOML or JSON location file (ValueError with the reason)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            parsed = parse_document(tomllib.loads(text), path.name)
        elif suffix == ".json":
            parsed = parse_document(json.loads(text), path.name)
        else:
            parsed = parse_csv(text, path.name)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    seen: set[str] = set()
    for t in parsed.terminals:
        if t["id"] in seen:
            raise ValueError(f"{path.name}: terminal {t['id']} is listed twice")
        seen.add(t["id"])
    districts = [d["district"] for d in parsed.depots]
    if len(districts) != len(set(districts)):
        raise ValueError(f"{path.name}: a district has two depots")
    return parsed


def store(engine: Engine, parsed: LocationFile) -> ImportResult:
    """Write a checked file in one transaction (locations and depots replaced by id)."""
    moved = not_enrolled = 0
    with engine.begin() as conn:
        enrolled = {r.id: r for r in conn.execute(
            select(terminals.c.id, terminals.c.district, terminals.c.address))}
        for t in parsed.terminals:
            conn.execute(terminal_locations.delete().where(
                terminal_locations.c.terminal_id == t["id"]))
            conn.execute(terminal_locations.insert().values(
                terminal_id=t["id"], lat=t["lat"], lon=t["lon"]))
            row = enrolled.get(t["id"])
            if row is None:
                not_enrolled += 1
                continue
            changes = {k: t[k] for k in ("district", "address")
                       if t[k] and t[k] != getattr(row, k)}
            if changes:
                conn.execute(update(terminals).where(terminals.c.id == t["id"]).values(**changes))
                moved += 1
        for d in parsed.depots:
            conn.execute(depots.delete().where(depots.c.district == d["district"]))
            conn.execute(depots.insert().values(**d))
    return ImportResult(len(parsed.terminals), len(parsed.depots), moved, not_enrolled)


def list_locations(engine: Engine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Stored terminal locations (with district) and depots."""
    with engine.connect() as conn:
        locs = [dict(r._mapping) for r in conn.execute(
            select(terminal_locations, terminals.c.district).select_from(
                terminal_locations.outerjoin(
                    terminals, terminals.c.id == terminal_locations.c.terminal_id))
            .order_by(terminal_locations.c.terminal_id))]
        homes = [dict(r._mapping) for r in conn.execute(select(depots).order_by(
            depots.c.district))]
    return locs, homes
