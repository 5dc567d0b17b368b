"""Matching a name against what one search box receives: written or typed characters,
full pinyin, initials, and any mix of them (公积j, 社b, gongjj, zhufanggjj, 交通wf).

A name is a sequence of units (character, toneless syllable); a query matches from unit
``i`` when each query piece, left to right, is the unit's character itself (from the
handwriting pad) or a non-empty prefix of its syllable (from the keyboard: the full
syllable, a part of it, or just its initial, as pinyin IMEs accept). The index in
:mod:`kiosk.platform.search` narrows the items first; this module only decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

Unit = tuple[str, str]          # (character, syllable or "" when it has none)


def is_hanzi(char: str) -> bool:
    """A CJK ideograph (the characters pypinyin gives a syllable)."""
    return unicodedata.category(char) == "Lo" and "CJK" in unicodedata.name(char, "")


def units(name: str, syllables: Sequence[str]) -> tuple[Unit, ...] | None:
    """The name's units, or None when the syllables do not line up with its characters.

    Hanzi take the syllables in order; letters and digits stand for themselves; other
    characters (brackets, dots) are left out, as nobody types them when searching.
    """
    out: list[Unit] = []
    rest = iter(syllables)
    for char in name:
        if is_hanzi(char):
            syllable = next(rest, None)
            if syllable is None:
                return None
            out.append((char, syllable))
        elif char.isalnum():
            out.append((char.lower(), char.lower()))
    if next(rest, None) is not None:
        return None
    return tuple(out)


UNIT = "\x01"       # starts a unit in an encoded name
SYLLABLE = "\x02"   # separates a unit's character from its syllable


def encode(name_units: Sequence[Unit]) -> str:
    """The units as one string the compiled query runs over: ␁公␂gong␁积␂ji…"""
    return "".join(f"{UNIT}{char}{SYLLABLE}{syllable}" for char, syllable in name_units)


def compile_query(query: str) -> re.Pattern[str]:
    """A pattern that finds ``query`` in encoded names (leftmost match = first start).

    A hanzi must be a unit's character; a letter either goes on with the syllable the
    previous letter was in, or starts the syllable of the next unit (the rest of the
    current syllable skipped). The choice is left to the regex engine's backtracking.
    """
    next_unit = f"[a-z0-9]*{UNIT}"
    parts: list[str] = []
    in_syllable = False
    for char in query:
        escaped = re.escape(char)
        if is_hanzi(char) or not char.isalnum():
            lead = next_unit if parts else UNIT
            parts.append(f"{lead}{escaped}{SYLLABLE}")
            in_syllable = False
            continue
        new_unit = f"{next_unit if parts else UNIT}(?:{escaped}{SYLLABLE}|[^{SYLLABLE}]"
        new_unit += f"{SYLLABLE}{escaped})"
        parts.append(f"(?:{escaped}|{new_unit})" if in_syllable else new_unit)
        in_syllable = True
    return re.compile("".join(parts))


def match_at(name_units: Sequence[Unit], query: str) -> int | None:
    """The first unit index from which ``query`` matches, or None."""
    found = compile_query(query).search(encode(name_units))
    return None if found is None else encode(name_units)[:found.start()].count(UNIT)


def narrowing_keys(query: str) -> list[str]:
    """Grams every matching name's index entry must contain: each hanzi, and the first
    two letters of each letter run (a syllable prefix, or two initials in a row)."""
    keys: list[str] = []
    i = 0
    while i < len(query):
        if is_hanzi(query[i]):
            keys.append(query[i])
            i += 1
            continue
        j = i
        while j < len(query) and not is_hanzi(query[j]):
            j += 1
        keys.append(query[i:i + 2] if j - i >= 2 and i + 2 <= j else query[i])
        i = j
    return keys
