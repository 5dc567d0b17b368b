"""Prometheus as operators already use it: the rule files under deploy/prometheus/ pass
``promtool check rules`` and ``promtool test rules``; the rules and the Grafana dashboard
name only metrics the server exports; per-terminal and per-device gauges have bounded labels.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from fleet.testing import FleetHarness, heartbeat
from kiosk.agent.client import FleetClient, enrol

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "fleet-dashboard.json"
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan"}


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: scripts/bootstrap installs Debian's prometheus package"
    return path


def metric_names(expr: str) -> set[str]:
    """Metric (and recorded) names a PromQL expression reads."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\$\w+", "", expr)
    names = {m.group(0) for m in re.finditer(r"(?<![\w.])[a-zA-Z_:][\w:]*", expr)
             if not expr[m.end():].lstrip().startswith("(")}  # a function, not a metric
    return {n for n in names if n.lower() not in KEYWORDS}


def rule_files() -> list[dict[str, Any]]:
    return [yaml.safe_load((RULES / name).read_text(encoding="utf-8"))
            for name in ("fleet-recording.yml", "fleet-alerts.yml")]


def dashboard_exprs() -> list[str]:
    dash = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
    for var in dash["templating"]["list"]:
        if var["type"] == "query":
            exprs.append(re.sub(r"label_values\((\w+),\s*\w+\)", r"\1",
                                var["query"]["query"]))
    return exprs


def exported_names(tmp_path: Path) -> set[str]:
    """Sample names on a live /metrics with one terminal that reported."""
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        cred = enrol(h.url, h.token, "KM-WH-001", district="五华区")
        FleetClient(h.url, cred).heartbeat({"heartbeats": [heartbeat(0)]})
        getter = getattr(h, "metrics", None)
        text = getter() if getter else requests.get(h.url + "/metrics", timeout=10).text
    names = set()
    for fam in text_string_to_metric_families(text):  # declared families count even while
        names |= {s.name for s in fam.samples}         # they have no sample (no rejections)
        names.add(fam.name + "_total" if fam.type == "counter" else fam.name)
    return names


def test_promtool_accepts_the_rules() -> None:
    files = [str(RULES / "fleet-recording.yml"), str(RULES / "fleet-alerts.yml")]
    check = subprocess.run([promtool(), "check", "rules", *files], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    unit = subprocess.run([promtool(), "test", "rules", "fleet-rules-test.yml"], cwd=RULES,
                          capture_output=True, text=True, timeout=60)
    assert unit.returncode == 0 and "SUCCESS" in unit.stdout, unit.stdout + unit.stderr


def test_rules_and_grafana_name_only_exported_metrics(tmp_path: Path) -> None:
    exported = exported_names(tmp_path)
    recorded = {r["record"] for f in rule_files() for g in f["groups"] for r in g["rules"]
                if "record" in r}
    rule_exprs = [r["expr"] for f in rule_files() for g in f["groups"] for r in g["rules"]]
    known = exported | recorded | {"up"}  # ``up`` is Prometheus's own per target
    for expr in [*rule_exprs, *dashboard_exprs()]:
        unknown = metric_names(expr) - known
        assert not unknown, f"{expr!r} names metrics the server does not export: {unknown}"
    used = set().union(*(metric_names(e) for e in dashboard_exprs()))
    assert {"fleet_terminal_up", "fleet_device_fault", "fleet_terminals_refused",
            "fleet:paper_hours_left"} <= used
    assert metric_names('sum by (district) (rate(a_total{x="y"}[5m])) / b offset 5m') == {
        "a_total", "b"}


def test_per_terminal_and_per_device_gauges_have_bounded_labels(tmp_path: Path) -> None:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        cred = enrol(h.url, h.token, "KM-GD-002", district="官渡区")
        devices = {"printer": {"state": "hardware_error", "status": {}},
                   "idcard": {"state": "online", "status": {}},
                   "weird-device-name-9": {"state": "online", "status": {}}}
        FleetClient(h.url, cred).heartbeat({"heartbeats": [heartbeat(
            0, devices=devices, paper={"state": "low", "level": 12})]})
        getter = getattr(h, "metrics", None)
        text = getter() if getter else requests.get(h.url + "/metrics", timeout=10).text
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(text) for s in fam.samples}
    key = (("district", "官渡区"), ("terminal", "KM-GD-002"))
    assert samples[("fleet_terminal_up", key)] == 1
    assert samples[("fleet_terminal_paper_percent", key)] == 12
    assert samples[("fleet_terminal_health", (*key[:1], ("state", "fault"), key[1]))] == 1
    assert samples[("fleet_device_fault", (("device", "printer"), ("terminal", "KM-GD-002")))]
    devices_seen = {dict(k[1])["device"] for k in samples if k[0] == "fleet_device_up"}
    assert devices_seen == {"printer", "idcard", "other"}  # never the terminal's own names
    states = {dict(k[1])["state"] for k in samples if k[0] == "fleet_terminal_health"}
    assert states == {"ok", "warning", "fault", "maintenance", "offline", "unknown"}
