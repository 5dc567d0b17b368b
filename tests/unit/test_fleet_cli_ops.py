"""``python -m fleet serve --alerting FILE`` and ``python -m fleet location import FILE``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fleet import __main__ as cli
from fleet.db import make_engine, terminals
from fleet.db_ops import depots, terminal_locations
from fleet.paper_rounds import plan
from fleet.terminals import create_enrol_token, enrol

ALERTING_TOML = """
dashboard_url = "https://fleet.example.gov.cn/"
[grouping]
group_wait_s = 5
ack_critical_s = 600
[roles]
first = "duty"
second = "manager"
[[route]]
role = "duty"
webhook = ["http://127.0.0.1:9/hook"]
[[route]]
role = "manager"
email = "manager@example.gov.cn"
"""


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Apps ``serve`` would have run (the server itself is not started)."""
    apps: list[Any] = []
    monkeypatch.setattr("fleet.server.serve_forever", lambda app, host, port: apps.append(app))
    return apps


def test_serve_alerting_toml_and_json(tmp_path: Path, served: list[Any],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path}/fleet.db"
    toml_file = tmp_path / "alerting.toml"
    toml_file.write_text(ALERTING_TOML, encoding="utf-8")
    assert cli.main(["--db", db, "serve", "--alerting", str(toml_file)]) == 0
    cfg = served[-1].state.fleet.config.alerting
    assert (cfg.group_wait_s, cfg.ack_critical_s, cfg.first_role, cfg.second_role) == (
        5.0, 600.0, "duty", "manager")
    assert cfg.targets("duty") == [("webhook", "http://127.0.0.1:9/hook")]
    assert cfg.targets("manager") == [("email", "manager@example.gov.cn")]
    assert cfg.dashboard_url == "https://fleet.example.gov.cn/"
    assert served[-1].state.ops is not None
    err = capsys.readouterr().err  # what was loaded, without the addresses
    assert ("alerting: groups wait 5 s, acknowledge within 600 s (critical) / 3600 s "
            "(warning), duty then manager; 1 email and 1 webhook targets") in err
    assert "example.gov.cn" not in err and "127.0.0.1:9" not in err

    json_file = tmp_path / "alerting.json"
    json_file.write_text(json.dumps({"grouping": {"ack_warning_s": 120},
                                     "route": [{"role": "operator", "email": ["a@b.cn"]}]}),
                         encoding="utf-8")
    assert cli.main(["--db", db, "serve", "--alerting", str(json_file)]) == 0
    cfg = served[-1].state.fleet.config.alerting
    assert cfg.ack_warning_s == 120.0 and cfg.targets("operator") == [("email", "a@b.cn")]


@pytest.mark.parametrize("text, says", [
    ("[grouping]\nack_critcal_s = 60\n", "unknown key [grouping] 'ack_critcal_s'"),
    ("[[route]]\nrole = \"nobody\"\nemail = \"x@y.cn\"\n", "route role 'nobody'"),
    ("[grouping\n", "alerting config"),
])
def test_serve_refuses_a_bad_alerting_file(tmp_path: Path, served: list[Any], text: str,
                                           says: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    path = tmp_path / "alerting.toml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["--db", f"sqlite:///{tmp_path}/f.db", "serve", "--alerting",
                     str(path)]) == 1
    assert says in capsys.readouterr().err and served == []


def _enrolled(db: str) -> None:
    engine = make_engine(db)
    token = create_enrol_token(engine, uses=None)
    enrol(engine, token, "KM-WH-0001", name="五华一", district="盘龙区")  # enrolled wrongly
    enrol(engine, token, "KM-WH-0002", name="五华二", district="五华区")
    engine.dispose()


def test_location_import_toml_corrects_districts_and_sets_depots(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path}/fleet.db"
    _enrolled(db)
    path = tmp_path / "locations.toml"
    path.write_text("""
[[depot]]
district = "五华区"
name = "五华区政务服务中心"
lat = 25.0431
lon = 102.7069

[[terminal]]
id = "KM-WH-0001"
lat = 25.0502
lon = 102.7050
district = "五华区"
address = "五华区人民中路 1 号"

[[terminal]]
id = "KM-WH-0002"
lat = 25.0605
lon = 102.6950

[[terminal]]
id = "KM-WH-0099"
lat = 25.07
lon = 102.69
""", encoding="utf-8")
    assert cli.main(["--db", db, "location", "import", str(path)]) == 0
    err = capsys.readouterr().err
    assert "3 terminal locations (1 districts/addresses corrected, 1 not enrolled yet), " \
           "1 depots stored" in err
    engine = make_engine(db)
    with engine.begin() as conn:
        row = conn.execute(select(terminals.c.district, terminals.c.address).where(
            terminals.c.id == "KM-WH-0001")).one()
        assert tuple(row) == ("五华区", "五华区人民中路 1 号")
        assert conn.execute(select(depots.c.name)).scalar() == "五华区政务服务中心"
        conn.execute(terminals.update().values(paper_level=0))  # both out: on the round
        rounds = plan(conn, 8)
    engine.dispose()
    assert [r["district"] for r in rounds] == ["五华区"]
    assert rounds[0]["depot"]["name"] == "五华区政务服务中心"
    assert [s["terminal_id"] for s in rounds[0]["stops"]] == ["KM-WH-0001", "KM-WH-0002"]
    assert {s["position"] for s in rounds[0]["stops"]} == {"surveyed"}
    assert cli.main(["--db", db, "location", "list"]) == 0
    out = capsys.readouterr().out
    assert "depot\t五华区\t五华区政务服务中心" in out and "KM-WH-0099\t(not enrolled)" in out


def test_location_import_csv_check_and_refusals(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path}/fleet.db"
    _enrolled(db)
    good = tmp_path / "locations.csv"
    good.write_text("\ufeffterminal_id,lat,lon,district\nKM-WH-0001,25.05,102.70,五华区\n"
                    "KM-WH-0002,25.06,102.69,\n", encoding="utf-8")
    assert cli.main(["--db", db, "location", "import", str(good), "--check"]) == 0
    assert "2 terminals, 0 depots, all valid (nothing written)" in capsys.readouterr().err
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.execute(select(terminal_locations)).all() == []
    for text, says in [
        ("terminal_id,lat,lon,district\nKM-WH-0001,25.05,102.70,五华\n", "unknown district"),
        ("terminal_id,lat,lon\nKM-WH-0001,102.70,25.05\n", "lat and lon swapped"),
        ("terminal_id,lat\nKM-WH-0001,25.05\n", "header lacks lon"),
        ("terminal_id,lat,lon\nKM-WH-0001,25.05,102.7\nKM-WH-0001,25.06,102.7\n", "twice"),
        # a bad row late in the file: nothing of the file is written
        ("terminal_id,lat,lon\nKM-WH-0002,25.05,102.7\nKM-WH-0001,x,102.7\n", "line 3"),
    ]:
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        assert cli.main(["--db", db, "location", "import", str(bad)]) == 1
        assert says in capsys.readouterr().err
    with engine.connect() as conn:
        assert conn.execute(select(terminal_locations)).all() == []
    assert cli.main(["--db", db, "location", "import", str(good)]) == 0
    with engine.connect() as conn:
        assert len(conn.execute(select(terminal_locations)).all()) == 2
        assert conn.execute(select(terminals.c.district).where(
            terminals.c.id == "KM-WH-0001")).scalar() == "五华区"
    engine.dispose()
