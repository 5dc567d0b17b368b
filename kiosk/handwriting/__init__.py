"""Offline handwriting input: Zinnia over ctypes (kiosk/handwriting).

``HandwritingRecogniser(model_path).recognise(strokes, width, height, top_n)`` → a list of
``Candidate(char, score)``. See docs/handwriting.md.
"""

from kiosk.handwriting.recogniser import DEFAULT_MODEL, Candidate, HandwritingRecogniser
from kiosk.handwriting.strokes import Point, Stroke, StrokeSet, normalise
from kiosk.handwriting.zinnia import ZinniaError, ZinniaModel, load_library

__all__ = [
    "DEFAULT_MODEL",
    "Candidate",
    "HandwritingRecogniser",
    "Point",
    "Stroke",
    "StrokeSet",
    "ZinniaError",
    "ZinniaModel",
    "load_library",
    "normalise",
]
