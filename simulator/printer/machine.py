"""The simulated printer's behaviour: text style, line buffer, paper roll, faults, status.

:class:`PrinterMachine` takes the bytes a driver wrote, runs them through the ESC/POS
parser and returns the bytes the printer answers (DLE EOT status, GS r after the job's
data). Printing consumes paper (8 dots per mm); when the roll runs out mid-job, printing
stops there, the partial job is written out marked as failed and the rest of the data is
discarded until paper is loaded again. Cover open, offline and error faults stop printing
and show in the status bytes; "mute" makes the printer answer nothing and "garbage" makes
it answer bytes without the DLE EOT pattern.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.exceptions
from PIL import Image

from simulator.printer.page import DOTS_PER_MM, Blank, Glyph, JobPage, Picture, TextLine, write_job
from simulator.printer.parser import EscPosParser, Op

FAULTS = ("cover_open", "offline", "error", "mute", "garbage")
_EC = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
       50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}


@dataclass
class Style:
    """Current character style."""

    bold: bool = False
    ank_w: int = 1
    ank_h: int = 1
    kanji_w: int = 1
    kanji_h: int = 1
    align: int = 0


class PrinterMachine:
    """A thermal receipt printer's state machine (thread-safe)."""

    def __init__(
        self,
        out_dir: Path,
        dots: int,
        width_mm: int,
        paper_mm: float,
        near_end_mm: float,
        on_job: Callable[[Path, Path], None] | None = None,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.dots = dots
        self.width_mm = width_mm
        self.paper_mm = paper_mm
        self.near_end_mm = near_end_mm
        self.faults: set[str] = set()
        self.discarded = 0
        self.job_count = 0
        self._on_job = on_job
        self._lock = threading.RLock()
        self._parser = EscPosParser()
        self._style = Style()
        self._line: list[Glyph] = []
        self._page = JobPage(dots)
        self._qr_module = 3
        self._qr_ec = 48
        self._qr_data = b""

    # -- status --------------------------------------------------------------------------
    @property
    def paper_out(self) -> bool:
        """True when no paper is left."""
        return self.paper_mm <= 0

    @property
    def near_end(self) -> bool:
        """True when the roll is at or below the near-end threshold."""
        return self.paper_mm <= self.near_end_mm

    def can_print(self) -> bool:
        """True when the head would print what arrives."""
        return not (self.paper_out or self.faults & {"cover_open", "offline", "error"})

    def status_byte(self, n: int) -> bytes:
        """The DLE EOT n reply (empty when muted)."""
        if "mute" in self.faults:
            return b""
        if "garbage" in self.faults:
            return b"\xff"
        value = 0x12
        if n == 1 and not self.can_print():
            value |= 0x08
        elif n == 2:
            value |= 0x04 if "cover_open" in self.faults else 0
            value |= 0x20 if self.paper_out else 0
            value |= 0x40 if "error" in self.faults else 0
        elif n == 3:
            value |= 0x20 if "error" in self.faults else 0
        elif n == 4:
            value |= 0x60 if self.paper_out else (0x0C if self.near_end else 0)
        return bytes([value])

    # -- control surface -----------------------------------------------------------------
    def set_paper(self, mm: float) -> None:
        """Load a roll with ``mm`` of paper (0 = out)."""
        with self._lock:
            self.paper_mm = max(0.0, float(mm))

    def set_fault(self, name: str) -> None:
        """Raise a fault: cover_open, offline, error, mute, garbage (or paper_out)."""
        with self._lock:
            if name == "paper_out":
                self.paper_mm = 0.0
            elif name in FAULTS:
                self.faults.add(name)
                if not self.can_print() and (self._line or not self._page.empty):
                    self._line = []  # the head stops mid-job: what was printed is the job
                    self._finish(f"FAILED: {name.replace('_', ' ')} during printing")
            else:
                raise ValueError(f"unknown fault {name!r} (known: paper_out, {', '.join(FAULTS)})")

    def clear_faults(self) -> None:
        """Clear every fault (paper stays as it is)."""
        with self._lock:
            self.faults.clear()

    # -- input ---------------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Process bytes from the driver; return the printer's answer."""
        replies = bytearray()
        with self._lock:
            for op in self._parser.feed(data):
                if op.name == "status":
                    replies += self.status_byte(op.args[0])
                elif not self.can_print():
                    self.discarded += 1
                else:
                    replies += self._apply(op)
        return bytes(replies)

    def _apply(self, op: Op) -> bytes:
        name, args = op.name, op.args
        if name == "text":
            self._text(op.text, bool(args[0]))
        elif name == "newline":
            self._commit_line(force=True)
        elif name == "ESC @":
            self._style = Style()
        elif name == "ESC !":
            self._style.bold = bool(args[0] & 0x08)
            self._style.ank_h = 2 if args[0] & 0x10 else 1
            self._style.ank_w = 2 if args[0] & 0x20 else 1
        elif name == "FS !":
            self._style.kanji_w = 2 if args[0] & 0x04 else 1
            self._style.kanji_h = 2 if args[0] & 0x08 else 1
        elif name == "GS !":
            w, h = ((args[0] >> 4) & 7) + 1, (args[0] & 7) + 1
            self._style.ank_w = self._style.kanji_w = w
            self._style.ank_h = self._style.kanji_h = h
        elif name == "ESC E":
            self._style.bold = bool(args[0] & 1)
        elif name == "ESC a":
            self._style.align = args[0] % 48 if args[0] >= 48 else min(args[0], 2)
        elif name == "ESC d":
            self._commit_line(force=False)
            self._feed(args[0] * 30)
        elif name == "ESC J":
            self._commit_line(force=False)
            self._feed(args[0])
        elif name == "2d":
            self._two_d(op.data)
        elif name == "raster":
            self._raster(args[0], args[1], args[2], op.data)
        elif name == "cut":
            self._cut(args)
        elif name == "GS r":
            return self._paper_sensor() if args[0] in (1, 49) else b"\x00"
        return b""

    # -- printing ------------------------------------------------------------------------
    def _text(self, text: str, chinese: bool) -> None:
        s = self._style
        for char in text:
            wide = chinese and ord(char) >= 0x80
            w, h = (s.kanji_w, s.kanji_h) if wide else (s.ank_w, s.ank_h)
            glyph = Glyph(char, wide, s.bold, w, h)
            if sum(g.dots for g in self._line) + glyph.dots > self.dots:
                self._commit_line(force=True)  # the printer wraps at the paper edge
            self._line.append(glyph)

    def _commit_line(self, force: bool) -> None:
        if self._line:
            self._print(TextLine(self._line, self._style.align))
            self._line = []
        elif force:
            self._print(Blank(30))

    def _feed(self, dots: int) -> None:
        if dots:
            self._print(Blank(dots))

    def _two_d(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:  # cn 49 = QR code
            return
        fn, rest = body[1], body[2:]
        if fn == 67 and rest:
            self._qr_module = max(1, min(16, rest[0]))
        elif fn == 69 and rest:
            self._qr_ec = rest[0] if rest[0] in _EC else 48
        elif fn == 80:
            self._qr_data = bytes(rest[1:])  # m = 48, then the data
        elif fn == 81 and self._qr_data:
            self._commit_line(force=False)
            data = self._qr_data
            # the bare symbol, as a printer prints it: the quiet zone is the layout's job
            # (drivers/printer/render.py feeds and centres 4 modules of blank paper)
            code = qrcode.QRCode(
                error_correction=_EC[self._qr_ec], box_size=self._qr_module, border=0
            )
            code.add_data(data)
            try:
                code.make(fit=True)
            except (ValueError, qrcode.exceptions.DataOverflowError):
                return  # a real printer prints nothing for data it cannot encode
            image = code.make_image().get_image().convert("L")
            payload = data.decode("utf-8", "replace")
            self._print(Picture(image, self._style.align, "qr", payload))

    def _raster(self, mode: int, width_bytes: int, height: int, data: bytes) -> None:
        self._commit_line(force=False)
        if not width_bytes or not height:
            return
        bits = Image.frombytes("1", (width_bytes * 8, height), data)
        image = Image.eval(bits.convert("L"), lambda v: 255 - v)  # 1 bits are black dots
        if mode & 1:
            image = image.resize((image.width * 2, image.height))
        if mode & 2:
            image = image.resize((image.width, image.height * 2))
        self._print(Picture(image.crop((0, 0, min(image.width, self.dots), image.height)),
                            self._style.align))

    def _print(self, item: TextLine | Picture | Blank) -> None:
        """Put ``item`` on paper; if the roll runs out, print what fits and end the job."""
        need_mm = item.height / DOTS_PER_MM
        if need_mm <= self.paper_mm:
            self.paper_mm -= need_mm
            self._page.add(item)
            return
        fits = int(self.paper_mm * DOTS_PER_MM)
        if isinstance(item, Picture) and fits > 0:
            self._page.add(Picture(item.image.crop((0, 0, item.image.width, fits)), item.align))
        elif isinstance(item, TextLine) and fits > 0:  # the line is cut off by the paper end
            drawn = JobPage(self.dots, [item]).render()
            self._page.add(Picture(drawn.crop((0, 8, self.dots, 8 + fits)), 0, "纸尽 line cut off"))
        elif fits > 0:
            self._page.add(Blank(fits))
        self.paper_mm = 0.0
        self._line = []
        self._finish("FAILED: paper ran out during printing; data after this point discarded")

    def _paper_sensor(self) -> bytes:
        return bytes([(0x0C if self.paper_out else 0) | (0x03 if self.near_end else 0)])

    def _cut(self, args: tuple[int, ...]) -> None:
        self._commit_line(force=False)
        if args[0] in (65, 66):  # function B: feed to the cutter (about 10 mm) plus n dots
            self._feed(80 + (args[1] if len(args) > 1 else 0))
        self._finish("complete")

    def _finish(self, note: str) -> None:
        if self._page.empty and note == "complete":
            return
        self.job_count += 1
        png, txt = write_job(self._page, self.out_dir, self.job_count, self.width_mm, note)
        self._page = JobPage(self.dots)
        if self._on_job is not None:
            self._on_job(png, txt)
