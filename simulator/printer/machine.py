"""The simulated printer's behaviour: text style, line buffer, paper roll, faults, status.

:class:`PrinterMachine` takes the bytes a driver wrote and returns the bytes the printer
answers. Real-time commands are found as the bytes arrive (:mod:`.realtime`): DLE EOT n
(n = 1–4) is answered at once — even in the middle of another command or inside graphics
data, and while printing is stopped; DLE DC4 8 clears the buffers (answer 37 25 00).
Everything else goes through the ESC/POS parser and is printed in order; GS r is answered
when the printer reaches it. ESC @ returns the printer to its power-on state and drops the
unprinted line. Printing consumes paper (8 dots per mm); when the roll runs out mid-job,
printing stops there, the partial job is written out marked as failed and the rest of the
data is discarded until paper is loaded again. Cover open, offline and error faults stop
printing and show in the status bytes; "mute" makes the printer answer nothing at all and
"garbage" makes it answer status bytes without the DLE EOT pattern. Barcodes, 2D symbols and
graphics are drawn by :mod:`.graphics`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.printer.graphics import Graphics
from simulator.printer.page import (
    DOTS_PER_MM,
    LINE_PITCH,
    Band,
    Blank,
    Glyph,
    JobPage,
    Note,
    Picture,
    TextLine,
    write_job,
)
from simulator.printer.parser import EscPosParser, Op
from simulator.printer.realtime import Realtime, RealtimeScanner

FAULTS = ("cover_open", "offline", "error", "mute", "garbage")
#: DLE DC4 8 (clear buffers) answer
CLEARED = b"\x37\x25\x00"
#: the fixed parameters of DLE DC4 8 after fn
CLEAR_PARAMS = b"\x01\x03\x14\x01\x06\x02\x08"


@dataclass
class Style:
    """Current character style (power-on values)."""

    bold: bool = False
    ank_w: int = 1
    ank_h: int = 1
    kanji_w: int = 1
    kanji_h: int = 1
    align: int = 0
    underline: int = 0
    kanji_underline: int = 0
    reverse: bool = False
    font_b: bool = False
    pitch: int = LINE_PITCH


def _underline(n: int) -> int:
    return {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(n, 0)


class PrinterMachine:
    """A thermal receipt printer's state machine (thread-safe).

    ``chinese_default`` is the power-on Chinese mode of the model (on for Chinese
    printers); ``gs_r`` False models a printer that does not implement GS r.
    """

    def __init__(
        self,
        out_dir: Path,
        dots: int,
        width_mm: int,
        paper_mm: float,
        near_end_mm: float,
        on_job: Callable[[Path, Path], None] | None = None,
        chinese_default: bool = True,
        gs_r: bool = True,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.dots = dots
        self.width_mm = width_mm
        self.paper_mm = paper_mm
        self.near_end_mm = near_end_mm
        self.gs_r = gs_r
        self.faults: set[str] = set()
        self.discarded = 0
        self.job_count = 0
        self._on_job = on_job
        self._lock = threading.RLock()
        self._parser = EscPosParser(chinese_default)
        self._realtime = RealtimeScanner()
        self._style = Style()
        self._line: list[Glyph | Band] = []
        self._page = JobPage(dots)
        self.graphics = Graphics(dots)

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
        """The DLE EOT n reply (empty when muted or for n outside 1–4, which is ignored)."""
        if "mute" in self.faults or not 1 <= n <= 4:
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

    def _asb(self) -> bytes:
        """DLE DC4 7 1: the four automatic status back bytes."""
        first = 0x10 | (0x08 if not self.can_print() else 0)
        first |= 0x20 if "cover_open" in self.faults else 0
        second = 0x20 if "error" in self.faults else 0
        third = (0x0C if self.paper_out else 0) | (0x03 if self.near_end else 0)
        return bytes([first, second, third, 0x0F])

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
        """Clear every fault and the receive buffer (paper stays as it is)."""
        with self._lock:
            self.faults.clear()
            self.clear_input()

    def clear_input(self) -> None:
        """Drop a half-received command (power cycle, cable pulled, DLE DC4 8)."""
        with self._lock:
            self._parser.reset()
            self._realtime.reset()

    # -- input ---------------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Process bytes from the driver; return the printer's answer."""
        replies = bytearray()
        with self._lock:
            for command in self._realtime.scan(data):
                replies += self._answer_realtime(command)
                if command.kind == "dc4" and command.n == 8 and command.data[3:] == CLEAR_PARAMS:
                    data = data[max(0, command.end):]  # the receive buffer is cleared
            for op in self._parser.feed(data):
                if op.name in ("status", "realtime"):
                    continue  # answered on arrival
                if not self.can_print():
                    self.discarded += 1
                else:
                    replies += self._apply(op)
        return bytes(replies)

    def _answer_realtime(self, command: Realtime) -> bytes:
        if command.kind == "status":
            return self.status_byte(command.n)
        if "mute" in self.faults:
            return b""
        if command.kind == "dc4" and command.n == 7 and command.data[3:4] == b"\x01":
            return self._asb()
        if command.kind == "dc4" and command.n == 8 and command.data[3:] == CLEAR_PARAMS:
            self._parser.reset()
            self._line = []
            return CLEARED
        if command.kind == "request" and command.n == 2:  # DLE ENQ 2: recover, clear buffers
            self._parser.reset()
            self._line = []
        return b""

    def _apply(self, op: Op) -> bytes:
        name, args, s = op.name, op.args, self._style
        if name == "text":
            self._text(op.text, bool(args[0]))
        elif name == "newline":
            self._commit_line(force=True)
        elif name == "ESC @":
            self._style, self._line = Style(), []
            self.graphics = Graphics(self.dots)
        elif name == "ESC !":
            s.font_b, s.bold = bool(args[0] & 0x01), bool(args[0] & 0x08)
            s.ank_h, s.ank_w = (2 if args[0] & 0x10 else 1), (2 if args[0] & 0x20 else 1)
            s.underline = 1 if args[0] & 0x80 else 0
        elif name == "FS !":
            s.kanji_w, s.kanji_h = (2 if args[0] & 0x04 else 1), (2 if args[0] & 0x08 else 1)
            s.kanji_underline = 1 if args[0] & 0x80 else 0
        elif name == "GS !":
            s.ank_w = s.kanji_w = ((args[0] >> 4) & 7) + 1
            s.ank_h = s.kanji_h = (args[0] & 7) + 1
        elif name in ("ESC E", "ESC G"):
            s.bold = bool(args[0] & 1)
        elif name == "ESC -":
            s.underline = _underline(args[0])
        elif name == "FS -":
            s.kanji_underline = _underline(args[0])
        elif name == "GS B":
            s.reverse = bool(args[0] & 1)
        elif name == "ESC M" and args[0] in (0, 1, 48, 49):
            s.font_b = args[0] in (1, 49)
        elif name == "ESC a":
            s.align = args[0] % 48 if args[0] >= 48 else min(args[0], 2)
        elif name == "ESC 2":
            s.pitch = LINE_PITCH
        elif name == "ESC 3":
            s.pitch = args[0]
        elif name == "ESC d":
            self._feed_lines(args[0] * s.pitch)
        elif name == "ESC J":
            self._feed_lines(args[0])
        elif name == "bitimage":
            self._band(args[0], args[1], op.data)
        elif name in ("cut", "ESC i", "ESC m"):
            self._cut(args if name == "cut" else (1,))
        elif name == "GS r":
            if not self.gs_r or "mute" in self.faults:
                return b""
            return self._paper_sensor() if args[0] in (1, 49) else b"\x00"
        else:
            return self._graphic(op)
        return b""

    def _graphic(self, op: Op) -> bytes:
        """Symbols and images: drawn by :class:`Graphics`, which may also answer."""
        printed, reply = self.graphics.apply(op, self._style.align)
        if printed is not None:
            self._commit_line(force=False)
            self._print(printed)
        return b"" if "mute" in self.faults else reply

    # -- printing ------------------------------------------------------------------------
    def _text(self, text: str, chinese: bool) -> None:
        s = self._style
        for char in text:
            wide = chinese and ord(char) >= 0x80
            w, h = (s.kanji_w, s.kanji_h) if wide else (s.ank_w, s.ank_h)
            line = s.kanji_underline if wide else s.underline
            glyph = Glyph(char, wide, s.bold, w, h, line, s.reverse, s.font_b and not wide)
            if sum(g.dots for g in self._line) + glyph.dots > self.dots:
                self._commit_line(force=True)  # the printer wraps at the paper edge
            self._line.append(glyph)

    def _band(self, m: int, columns: int, data: bytes) -> None:
        from simulator.printer.symbols import bit_image_band

        image = bit_image_band(m, columns, data)
        room = self.dots - sum(g.dots for g in self._line)
        if image is not None and room > 0:  # what does not fit on the line is not printed
            self._line.append(Band(image.crop((0, 0, min(image.width, room), image.height))))

    def _commit_line(self, force: bool, pitch: int | None = None) -> None:
        feed = self._style.pitch if pitch is None else pitch
        if self._line:
            self._print(TextLine(self._line, self._style.align, feed))
            self._line = []
        elif force:
            self._print(Blank(feed))

    def _feed_lines(self, dots: int) -> None:
        """ESC d / ESC J: print the buffered line, feeding ``dots`` for it."""
        if self._line:
            self._commit_line(force=False, pitch=dots)
        elif dots:
            self._print(Blank(dots))

    def _print(self, item: TextLine | Picture | Note | Blank) -> None:
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
            self._feed_lines(80 + (args[1] if len(args) > 1 else 0))
        self._finish("complete")

    def _finish(self, note: str) -> None:
        if self._page.empty and note == "complete":
            return
        self.job_count += 1
        png, txt = write_job(self._page, self.out_dir, self.job_count, self.width_mm, note)
        self._page = JobPage(self.dots)
        if self._on_job is not None:
            self._on_job(png, txt)
