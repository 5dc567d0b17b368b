"""The ID-card simulator's control surface and card files (no lines opened)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli_idcard import HELP, execute
from simulator.idcard.cards import load_cards
from simulator.idcard.server import IdCardSimulator


def test_prompt_commands_drive_the_simulator() -> None:
    sim = IdCardSimulator()
    assert execute(sim, "cards").split() == sim.card_names()
    assert execute(sim, "insert yi") == "ok" and sim.current_card == "yi"
    assert execute(sim, "fault garbage nbytes=12 only=true") == "ok"
    assert sim.faults() == {"garbage": {"nbytes": 12, "only": True}}
    assert execute(sim, "clear") == "ok" and sim.faults() == {}
    assert execute(sim, "remove") == "ok" and sim.current_card is None
    assert execute(sim, "dance") == HELP
    with pytest.raises(KeyError):
        execute(sim, "insert nobody")
    with pytest.raises(ValueError, match="unknown fault"):
        execute(sim, "fault melt")


def test_card_files_must_fit_the_fields(tmp_path: Path) -> None:
    (tmp_path / "long.json").write_text('{"name": "' + "很" * 16 + '"}', encoding="utf-8")
    with pytest.raises(ValueError, match="name"):
        load_cards(tmp_path)
    with pytest.raises(ValueError, match="no sample cards"):
        load_cards(tmp_path / "empty")


def test_sample_text_blocks_are_256_bytes_and_photos_deterministic() -> None:
    cards = load_cards()
    for card in cards.values():
        assert len(card.text_block()) == 256
        assert len(card.photo()) == 1024 and card.photo() == card.photo()
    assert cards["han"].photo() != cards["yi"].photo()
