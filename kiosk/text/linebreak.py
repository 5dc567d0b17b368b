"""Breaking Chinese text into lines the way Chinese typesetting does (Kivy-free).

Kivy wraps at spaces and otherwise anywhere, so a commitment text broke after "2." and
split 责/任 across lines. :func:`break_lines` fills lines greedily from unbreakable
clusters built by these rules:

* a line never starts with closing punctuation (，。、；：？！）」』》… and their ASCII
  forms) and never ends with opening punctuation (（「『《“…): the character is kept with
  its neighbour (the previous character moves down, as 推出 typesetting does);
* hint words (``words``, or characters joined in the text by U+2060 WORD JOINER) are never
  split, nor are runs of Latin letters and digits (2026, ID12, 0871-12345);
* a no-break space (U+00A0, U+202F) binds both sides: :func:`bind_enumerators` puts one
  after enumerators like "2." "(3)" "一、" so the number stays with its first word;
* an ordinary space is a break opportunity and disappears at a line end; a newline always
  breaks.

A cluster wider than a whole line (a very long number) is cut character by character as
the last resort. Widths come from ``measure`` (default: em units, 1 for a full-width
character and 0.5 otherwise); a Kivy screen passes its font's measured width instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection

# 行首禁则: may not begin a line.
NO_START = frozenset("，。、；：？！）」』》〉】〕〗〙〛”’…‥—～·％‰℃°,.;:?!)]}%"
                     "﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞！），．：；？］｝｡､")
# 行尾禁则: may not end a line.
NO_END = frozenset("（「『《〈【〔〖〘〚“‘([{￥$＄＃#﹙﹛﹝（［｛")
NO_BREAK_SPACES = frozenset("\u00a0\u202f")
WORD_JOINER = "\u2060"
_SPACES = (" ", "\t")
_ALNUM = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ][0-9A-Za-z０-９Ａ-Ｚａ-ｚ.\-_/@:+]*")
_ENUMERATOR = re.compile(r"(?m)((?:^|(?<=[\s。；：]))(?:\d{1,3}[.、．)]|[(（]\d{1,3}[)）]"
                         r"|[一二三四五六七八九十]{1,3}、|[①-⑳]))[ \t]+")

Measure = Callable[[str], float]


def em_width(text: str) -> float:
    """Width in em: 1 for wide and full-width characters, 0.5 for the rest."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5
               for c in text if c != WORD_JOINER)


def bind_enumerators(text: str) -> str:
    """Replace the spaces after enumerators ("2. ", "(3) ", "一、 ", "① ") with one no-break
    space, so a number never ends a line alone."""
    return _ENUMERATOR.sub(lambda m: m.group(1) + "\u00a0", text)


def _atoms(paragraph: str, words: Collection[str]) -> list[str]:
    """Smallest pieces: a hint word, a Latin/digit run, a space, or one character."""
    longest = max((len(w) for w in words), default=0)
    atoms: list[str] = []
    i = 0
    while i < len(paragraph):
        piece = ""
        for size in range(min(longest, len(paragraph) - i), 1, -1):
            if paragraph[i:i + size] in words:
                piece = paragraph[i:i + size]
                break
        if not piece:
            match = _ALNUM.match(paragraph, i)
            piece = match.group(0) if match else paragraph[i]
        atoms.append(piece)
        i += len(piece)
    return atoms


def _clusters(atoms: list[str]) -> list[str]:
    """Atoms glued where no break may fall between them."""
    out: list[str] = []
    glue_next = False
    for atom in atoms:
        space = atom in _SPACES
        glue_back = bool(out) and (atom[0] in NO_START or atom[0] in NO_BREAK_SPACES
                                   or atom[0] == WORD_JOINER or out[-1][-1] == WORD_JOINER)
        if space and glue_next and out:
            out[-1] += atom             # a space after an opening mark does not break
            continue
        if not space and glue_back and len(out) >= 2 and out[-1] in _SPACES:
            spaced = out.pop()          # nor does one before a closing mark
            out[-1] += spaced
        if (glue_next or (glue_back and not space)) and out and out[-1] not in _SPACES:
            out[-1] += atom
        else:
            out.append(atom)
        glue_next = atom[-1] in NO_END or atom[-1] in NO_BREAK_SPACES
    return out


def _cut(cluster: str, width: float, measure: Measure) -> list[str]:
    """Last resort for a cluster wider than a line: character by character."""
    pieces, current = [], ""
    for char in cluster:
        if current and measure(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def break_lines(text: str, width: float, measure: Measure = em_width,
                words: Collection[str] = ()) -> list[str]:
    """``text`` as lines no wider than ``width`` (in ``measure``'s units), broken only
    where Chinese typesetting allows. Word joiners are removed from the output."""
    if width <= 0:
        raise ValueError("width must be positive")
    hints = frozenset(w for w in words if len(w) > 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for cluster in _clusters(_atoms(paragraph, hints)):
            if cluster in _SPACES:
                if line:
                    line += cluster
                continue
            if line and measure(line + cluster) > width:
                lines.append(line.rstrip(" \t"))
                line = ""
            if not line and measure(cluster) > width:
                *full, line = _cut(cluster, width, measure)
                lines.extend(full)
            else:
                line += cluster
        lines.append(line.rstrip(" \t"))
    return [ln.replace(WORD_JOINER, "") for ln in lines]


def wrap(text: str, width: float, measure: Measure = em_width,
         words: Collection[str] = ()) -> str:
    """:func:`break_lines` joined with newlines (ready for a Label without text_size)."""
    return "\n".join(break_lines(text, width, measure, words))
