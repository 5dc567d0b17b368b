"""Sample cards of the ID-card simulator, and their encoding into the reader's reply.

A card is a JSON file in ``cards/`` (fictional people, valid check characters): name, sex
code, nation code, dates as YYYYMMDD (``valid_to`` may be 长期), address (≤ 35 characters)
and an optional ``appended_address``. The encoding here is written independently of the
driver's parser, from the field table of the protocol notes, so the two check each other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

CARDS_DIR = Path(__file__).resolve().parent / "cards"
#: (field, width in bytes) of the 256-byte UTF-16LE text block
LAYOUT = (("name", 30), ("sex", 2), ("nation", 4), ("birth_date", 16), ("address", 70),
          ("id_number", 36), ("issuer", 30), ("valid_from", 16), ("valid_to", 16),
          ("reserved", 36))
PHOTO_LEN = 1024


@dataclass(frozen=True)
class SampleCard:
    """One card the simulator can put on its reader."""

    key: str
    fields: dict[str, str]

    @property
    def appended_address(self) -> str | None:
        """The appended (new) address, if the card has one."""
        return self.fields.get("appended_address") or None

    def text_block(self) -> bytes:
        """The 256-byte text block: each field UTF-16LE, padded with spaces."""
        out = bytearray()
        for name, width in LAYOUT:
            raw = self.fields.get(name, "").encode("utf-16-le")
            if len(raw) > width:
                raise ValueError(f"card {self.key}: field {name} longer than {width // 2} chars")
            out += raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)
        return bytes(out)

    def photo(self) -> bytes:
        """1024 deterministic bytes standing in for the WLT photo."""
        return hashlib.shake_256(f"wlt-photo:{self.key}".encode()).digest(PHOTO_LEN)

    def address_block(self) -> bytes:
        """The appended address as the 30 03 reply carries it (70 bytes, space padded)."""
        raw = (self.appended_address or "").encode("utf-16-le")
        return raw + " ".encode("utf-16-le") * ((70 - len(raw)) // 2)


def load_cards(directory: Path | None = None) -> dict[str, SampleCard]:
    """Every ``*.json`` card in ``directory`` (default: the bundled samples), by file stem."""
    folder = Path(directory) if directory is not None else CARDS_DIR
    cards: dict[str, SampleCard] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        card = SampleCard(path.stem, {k: str(v) for k, v in data.items()})
        card.text_block()  # fail early on a field that does not fit
        cards[path.stem] = card
    if not cards:
        raise ValueError(f"no sample cards (*.json) in {folder}")
    return cards
