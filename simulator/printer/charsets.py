"""Character tables of an ESC/POS printer outside Chinese mode: ESC t and ESC R.

``ESC t n`` selects the code table for bytes 0x80–0xFF (0 = PC437, the power-on default;
2 = PC850, 16 = WPC1252 …, numbered as in Epson's table). ``ESC R n`` selects an
international character set that replaces twelve ASCII positions (# $ @ [ \\ ] ^ ` { | } ~),
e.g. n = 3 (UK) prints 0x23 as £. Tables the simulator does not know print as the garbage
block, as a head prints an unmapped code.
"""

from __future__ import annotations

GARBAGE = "\ufffd"

#: ESC t n -> Python codec (None: the half-width katakana table, mapped by hand)
CODE_TABLES: dict[int, str | None] = {
    0: "cp437", 1: None, 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857",
    14: "cp737", 15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858",
    32: "cp720", 33: "cp775", 34: "cp855", 35: "cp861", 36: "cp862", 37: "cp864",
    38: "cp869", 39: "iso8859_2", 40: "iso8859_15", 44: "cp1125", 45: "cp1250",
    46: "cp1251", 47: "cp1253", 48: "cp1254", 49: "cp1255", 50: "cp1256", 51: "cp1257",
    52: "cp1258", 53: "kz1048",
}

#: the ASCII positions an international character set replaces
_POSITIONS = (0x23, 0x24, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x60, 0x7B, 0x7C, 0x7D, 0x7E)
#: ESC R n -> the twelve characters at those positions
_INTERNATIONAL = {
    0: "#$@[\\]^`{|}~",  # USA
    1: "#$à°ç§^`éùè¨",  # France
    2: "#$§ÄÖÜ^`äöüß",  # Germany
    3: "£$@[\\]^`{|}~",  # UK
    4: "#$@ÆØÅ^`æøå~",  # Denmark I
    5: "#¤ÉÄÖÅÜéäöåü",  # Sweden
    6: "#$@°\\é^ùàòèì",  # Italy
    7: "₧$@¡Ñ¿^`¨ñ}~",  # Spain I
    8: "#$@[¥]^`{|}~",  # Japan
    9: "#¤ÉÆØÅÜéæøåü",  # Norway
    10: "#$ÉÆØÅÜéæøåü",  # Denmark II
    11: "#$á¡Ñ¿é`íñóú",  # Spain II
    12: "#$á¡Ñ¿éüíñóú",  # Latin America
    13: "#$@[₩]^`{|}~",  # Korea
    14: "#$ŽŠĐĆČžšđćč",  # Slovenia / Croatia
    15: "#¥@[\\]^`{|}~",  # China
}


def international(n: int) -> dict[int, str]:
    """The replacements of ``ESC R n`` (unknown n: none, as USA)."""
    chars = _INTERNATIONAL.get(n, _INTERNATIONAL[0])
    return {pos: char for pos, char in zip(_POSITIONS, chars, strict=True) if chr(pos) != char}


def decode_high(byte: int, table: int) -> str:
    """The character ``byte`` (0x80–0xFF) prints in code table ``table``."""
    if table not in CODE_TABLES:
        return GARBAGE
    codec = CODE_TABLES[table]
    if codec is None:  # Katakana: JIS X 0201 half-width katakana at 0xA1–0xDF
        return chr(0xFF61 + byte - 0xA1) if 0xA1 <= byte <= 0xDF else GARBAGE
    try:
        return bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return GARBAGE
