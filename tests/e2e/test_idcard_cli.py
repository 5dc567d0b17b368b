"""The technician's CLI reads every sample card from the simulator over a pty and TCP, and
fails with one clear line (never a traceback) on no card, a dead line, a corrupt reply or
a wrong baud rate. Also runs the standalone simulator command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.idcard.cards import CARDS_DIR
from simulator.idcard.server import IdCardSimulator

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SEX = {"1": "男", "2": "女"}
NATION = {"01": "汉", "07": "彝", "14": "白", "16": "哈尼", "18": "傣"}
CARD_NAMES = sorted(p.stem for p in CARDS_DIR.glob("*.json"))


def expected(card: str) -> dict[str, object]:
    """The JSON the CLI must print, computed from the card file on its own."""
    f = json.loads((CARDS_DIR / f"{card}.json").read_text(encoding="utf-8"))

    def iso(d: str) -> str | None:
        return None if d == "长期" else f"{d[:4]}-{d[4:6]}-{d[6:]}"

    return {"name": f["name"], "sex": SEX[f["sex"]], "nation": NATION[f["nation"]],
            "birth_date": iso(f["birth_date"]),
            "address": f["address"] + f.get("appended_address", ""),
            "id_number": f["id_number"], "issuer": f["issuer"],
            "valid_from": iso(f["valid_from"]), "valid_to": iso(f["valid_to"]),
            "photo_bytes": 1024}


def cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drivers", "idcard", *args], cwd=ROOT,
                          env=ENV, capture_output=True, text=True, timeout=timeout)


def assert_one_line_failure(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def sim() -> Iterator[tuple[IdCardSimulator, dict[str, str]]]:
    simulator = IdCardSimulator()
    urls = simulator.start(tcp_port=0, pty=True)
    try:
        yield simulator, urls
    finally:
        simulator.stop()


@pytest.fixture(autouse=True)
def _reset(sim: tuple[IdCardSimulator, dict[str, str]]) -> Iterator[None]:
    yield
    sim[0].clear_faults()


def test_every_sample_card_is_complete() -> None:
    assert len(CARD_NAMES) >= 5
    assert {"han", "yi", "bai", "dai", "hani"} <= set(CARD_NAMES)


@pytest.mark.parametrize("transport", ["pty", "tcp"])
@pytest.mark.parametrize("card", CARD_NAMES)
def test_cli_reads_every_card(sim: tuple[IdCardSimulator, dict[str, str]], transport: str,
                              card: str) -> None:
    simulator, urls = sim
    simulator.insert_card(card)
    proc = cli("read", "--url", urls[transport], "--baud", "115200", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected(card)


def test_plain_output_is_masked(sim: tuple[IdCardSimulator, dict[str, str]]) -> None:
    simulator, urls = sim
    simulator.insert_card("han")
    proc = cli("read", "--url", urls["tcp"])
    assert proc.returncode == 0, proc.stderr
    assert "530102********1313" in proc.stdout
    assert "张晓明" not in proc.stdout and "华山南路" not in proc.stdout


def test_status_reports_state_and_sam_id(sim: tuple[IdCardSimulator, dict[str, str]]) -> None:
    proc = cli("status", "--url", sim[1]["pty"], "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["state"] == "online"
    assert report["sam_id"] == "05.01-20240315-0001234567-3141592653"


def test_no_card(sim: tuple[IdCardSimulator, dict[str, str]]) -> None:
    sim[0].remove_card()
    assert_one_line_failure(cli("read", "--url", sim[1]["tcp"], "--timeout", "0.5", "--json"),
                            "no card")


def test_dead_line() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert_one_line_failure(cli("read", "--url", f"socket://127.0.0.1:{port}", "--json"),
                            "cannot open")
    assert_one_line_failure(cli("status", "--url", "/dev/no-such-reader", "--json"),
                            "cannot open")


def test_corrupt_reply(sim: tuple[IdCardSimulator, dict[str, str]]) -> None:
    sim[0].insert_card("han")
    sim[0].set_fault("bad_checksum")
    assert_one_line_failure(cli("read", "--url", sim[1]["tcp"], "--timeout", "1", "--json"),
                            "checksum")


def test_wrong_baud_rate_on_the_pty(sim: tuple[IdCardSimulator, dict[str, str]]) -> None:
    sim[0].insert_card("han")
    proc = cli("read", "--url", sim[1]["pty"], "--baud", "9600", "--timeout", "1", "--json")
    assert_one_line_failure(proc, "baud")
    assert proc.stdout == ""
    status = cli("status", "--url", sim[1]["pty"], "--baud", "9600", "--timeout", "1", "--json")
    assert_one_line_failure(status, "baud")
    assert json.loads(status.stdout)["state"] == "offline"


def test_standalone_simulator_command() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "idcard", "--card", "yi", "--no-prompt"],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        url = None
        for _ in range(10):
            line = proc.stdout.readline()
            if "tcp:" in line:
                url = line.split("tcp:", 1)[1].strip()
                break
        assert url and url.startswith("socket://")
        read = cli("read", "--url", url, "--json")
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout) == expected("yi")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
