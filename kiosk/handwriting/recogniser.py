"""Offline recognition of one handwritten Chinese character.

:class:`HandwritingRecogniser` turns the strokes of a writing pad into ranked candidate
characters with Zinnia and the Tegaki simplified-Chinese model (6,763 characters of
GB 2312). It never touches the network and holds no Kivy object, so the pad calls it from a
worker thread. ``allowed`` keeps only characters that can lead somewhere (e.g. those that
occur in the catalog's item names), asking Zinnia for a longer list first so five useful
candidates remain.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.handwriting.strokes import BOX, MARGIN, Stroke, normalise
from kiosk.handwriting.zinnia import ZinniaModel

DEFAULT_MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
WIDE_NBEST = 100    # how many Zinnia returns before ``allowed`` filters


@dataclass(frozen=True)
class Candidate:
    """One recognised character and Zinnia's score for it (higher is likelier)."""

    char: str
    score: float


class HandwritingRecogniser:
    """Strokes in, top-N characters out. Thread-safe; open once, keep for the process."""

    def __init__(self, model_path: str | Path = DEFAULT_MODEL,
                 model: ZinniaModel | None = None, box: int = BOX,
                 margin: float = MARGIN) -> None:
        self._model = model or ZinniaModel(model_path)
        self._box = box
        self._margin = margin

    @property
    def known_characters(self) -> int:
        """How many characters the model can return."""
        return self._model.size

    def recognise(self, strokes: Sequence[Stroke], width: float, height: float,
                  top_n: int = 10, allowed: Collection[str] | None = None
                  ) -> list[Candidate]:
        """The ``top_n`` likeliest characters, best first, for strokes drawn on a
        ``width`` × ``height`` canvas (origin top left, y down). No strokes → []."""
        if width <= 0 or height <= 0:
            raise ValueError(f"canvas size must be positive, got {width} × {height}")
        if top_n <= 0:
            return []
        points = normalise(strokes, self._box, self._margin)
        if not points:
            return []
        nbest = max(top_n, WIDE_NBEST) if allowed is not None else top_n
        ranked = self._model.classify(points, self._box, self._box, nbest)
        if allowed is not None:
            ranked = [(c, s) for c, s in ranked if c in allowed]
        return [Candidate(c, s) for c, s in ranked[:top_n]]

    def close(self) -> None:
        """Free the model."""
        self._model.close()

    def __enter__(self) -> HandwritingRecogniser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
