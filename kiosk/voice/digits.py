"""Turn case numbers, ID fragments and codes into digit-by-digit speech.

A TTS engine reads "530102" as "five hundred thirty thousand …"; a citizen copying a case
number needs "5 3 0 1 0 2". :func:`digits_for_speech` spells one string; :func:`spell_numbers`
finds the long digit runs inside a sentence and spells only those. The check letter X of an
ID number is read "叉" in Chinese; masked parts ("****") become a short pause.
"""

from __future__ import annotations

import re

#: runs that are read digit by digit: at least 4 digits, possibly with a trailing X, or
#: codes mixing capital letters and digits (e.g. KM2026-0042)
_RUN = re.compile(r"[A-Z]*\d[\dA-Z*\-]{2,}[\dXx*]")


def digits_for_speech(code: str, language: str = "zh_CN") -> str:
    """Spell ``code`` one symbol at a time, separated by spaces.

    Digits are separated by spaces ("5 3 0 1"), which both the Mandarin and the English
    voice read one by one; X is "叉" in Chinese; other letters are spelled as themselves;
    "*" runs become a pause (","), separators such as "-" are dropped.
    """
    chinese = language.startswith("zh")
    out: list[str] = []
    for ch in code.strip():
        if ch.isdigit():
            out.append(ch)
        elif ch in "Xx":
            out.append("叉" if chinese else "X")
        elif ch == "*":
            if out and out[-1] != ",":
                out.append(",")
        elif ch.isascii() and ch.isalpha():
            out.append(ch.upper())
        # separators and spaces are not spoken
    while out and out[-1] == ",":
        out.pop()
    return " ".join(out).replace(" ,", ",")


def spell_numbers(sentence: str, language: str = "zh_CN") -> str:
    """``sentence`` with every case number / ID fragment replaced by its spelled form."""

    def repl(match: re.Match[str]) -> str:
        return " " + digits_for_speech(match.group(0), language) + " "

    return re.sub(r"\s{2,}", " ", _RUN.sub(repl, sentence)).strip()
