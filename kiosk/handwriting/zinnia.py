"""ctypes binding of the Zinnia handwriting recogniser (Debian ``libzinnia0``).

Only the calls the terminal needs: open a model, build a character from strokes, classify,
read the n-best list. No Python binding is packaged by Debian and none is maintained on
PyPI (the SWIG binding of Zinnia's own source tree needs a C++ toolchain and the headers at
install time), so ctypes over ``libzinnia.so.0`` keeps the install to two Debian packages.

Zinnia's recogniser is read-only after ``open`` but its thread safety is not documented;
:class:`ZinniaModel` serialises ``classify`` calls with a lock (one classification takes a
few milliseconds, so a lock costs nothing at a kiosk's pace).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Sequence
from pathlib import Path

SONAME = "libzinnia.so.0"

_P = ctypes.c_void_p
_SIZE = ctypes.c_size_t
# (name, restype, argtypes)
_PROTOTYPES: list[tuple[str, object, list[object]]] = [
    ("zinnia_recognizer_new", _P, []),
    ("zinnia_recognizer_destroy", None, [_P]),
    ("zinnia_recognizer_open", ctypes.c_int, [_P, ctypes.c_char_p]),
    ("zinnia_recognizer_close", ctypes.c_int, [_P]),
    ("zinnia_recognizer_size", _SIZE, [_P]),
    ("zinnia_recognizer_strerror", ctypes.c_char_p, [_P]),
    ("zinnia_recognizer_classify", _P, [_P, _P, _SIZE]),
    ("zinnia_character_new", _P, []),
    ("zinnia_character_destroy", None, [_P]),
    ("zinnia_character_set_width", None, [_P, _SIZE]),
    ("zinnia_character_set_height", None, [_P, _SIZE]),
    ("zinnia_character_add", ctypes.c_int, [_P, _SIZE, ctypes.c_int, ctypes.c_int]),
    ("zinnia_result_value", ctypes.c_char_p, [_P, _SIZE]),
    ("zinnia_result_score", ctypes.c_float, [_P, _SIZE]),
    ("zinnia_result_size", _SIZE, [_P]),
    ("zinnia_result_destroy", None, [_P]),
]


class ZinniaError(RuntimeError):
    """The library or the model cannot be loaded, or a call failed."""


def load_library(name: str | None = None) -> ctypes.CDLL:
    """``libzinnia`` with the prototypes declared; ZinniaError when it is not installed."""
    candidates = [name] if name else [SONAME, ctypes.util.find_library("zinnia")]
    errors = []
    for candidate in candidates:
        if not candidate:
            continue
        try:
            lib = ctypes.CDLL(candidate)
        except OSError as exc:
            errors.append(str(exc))
            continue
        for fn_name, restype, argtypes in _PROTOTYPES:
            fn = getattr(lib, fn_name)
            fn.restype = restype
            fn.argtypes = argtypes
        return lib
    raise ZinniaError("Zinnia library not found (install the Debian package libzinnia0): "
                      + "; ".join(errors or ["no candidate name"]))


class ZinniaModel:
    """One opened recognition model; ``classify`` is safe to call from any thread."""

    def __init__(self, model_path: str | Path, library: ctypes.CDLL | None = None) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise ZinniaError(f"handwriting model missing: {path} "
                              "(install the Debian package tegaki-zinnia-simplified-chinese)")
        self._lib = library or load_library()
        self._lock = threading.Lock()
        self._handle: int | None = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._handle, str(path).encode()):
            message = self._lib.zinnia_recognizer_strerror(self._handle) or b"unknown error"
            self._lib.zinnia_recognizer_destroy(self._handle)
            self._handle = None
            raise ZinniaError(f"cannot open handwriting model {path}: "
                              f"{message.decode(errors='replace')}")
        self.path = path

    @property
    def size(self) -> int:
        """How many characters the model knows."""
        with self._lock:
            return int(self._lib.zinnia_recognizer_size(self._require()))

    def _require(self) -> int:
        if self._handle is None:
            raise ZinniaError("the handwriting model is closed")
        return self._handle

    def classify(self, strokes: Sequence[Sequence[tuple[int, int]]], width: int, height: int,
                 nbest: int) -> list[tuple[str, float]]:
        """The ``nbest`` best characters for integer strokes on a ``width`` × ``height``
        canvas (origin top left, y down), best first, with Zinnia's scores."""
        lib = self._lib
        character = lib.zinnia_character_new()
        try:
            lib.zinnia_character_set_width(character, max(1, width))
            lib.zinnia_character_set_height(character, max(1, height))
            for index, stroke in enumerate(strokes):
                for x, y in stroke:
                    lib.zinnia_character_add(character, index, x, y)
            with self._lock:
                result = lib.zinnia_recognizer_classify(self._require(), character, nbest)
            if not result:
                return []
            try:
                return [(lib.zinnia_result_value(result, i).decode("utf-8"),
                         float(lib.zinnia_result_score(result, i)))
                        for i in range(lib.zinnia_result_size(result))]
            finally:
                lib.zinnia_result_destroy(result)
        finally:
            lib.zinnia_character_destroy(character)

    def close(self) -> None:
        """Free the model (idempotent)."""
        with self._lock:
            if self._handle is not None:
                self._lib.zinnia_recognizer_close(self._handle)
                self._lib.zinnia_recognizer_destroy(self._handle)
                self._handle = None
