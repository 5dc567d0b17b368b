"""A minimal IPP/1.1 client (RFC 8010 encoding, RFC 8011 operations) over HTTP.

Why IPP from Python rather than pycups or the ``lp``/``lpstat``/``ipptool`` commands:

* pycups is a C extension built against libcups (a compiler and ``libcups2-dev`` in every
  set-up); its server and user are process-wide globals (``cups.setServer``), against our
  no-global-state rule, and its blocking calls take no per-call timeout.
* ``lp`` returns a job id but cannot follow a job; ``lpstat`` prints text for people,
  without ``job-state-reasons`` or the printer's ``printer-state-reasons``; ``ipptool``
  needs a test file per operation and its output is again text to scrape. Every poll
  would fork a process.
* IPP itself is a small binary format over HTTP POST. Five operations cover what the
  terminal needs — Print-Job, Get-Job-Attributes, Get-Jobs, Cancel-Job and
  Get-Printer-Attributes — with typed answers, ``requests`` timeouts, no fork per poll and
  the same code against any IPP printer or server, not only CUPS.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

OP_PRINT_JOB, OP_CANCEL_JOB, OP_GET_JOB, OP_GET_JOBS, OP_GET_PRINTER = 2, 8, 9, 10, 11
GROUP_OPERATION, GROUP_JOB, GROUP_END, GROUP_PRINTER = 0x01, 0x02, 0x03, 0x04
T_INTEGER, T_BOOLEAN, T_ENUM = 0x21, 0x22, 0x23
T_TEXT, T_NAME, T_KEYWORD, T_URI = 0x41, 0x42, 0x44, 0x45
T_CHARSET, T_LANGUAGE, T_MIME = 0x47, 0x48, 0x49
Attribute = tuple[int, str, Any]          # (value tag, name, value or list of values)
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
              7: "canceled", 8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}


class IppError(Exception):
    """The IPP server could not be reached or refused the operation."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class IppResponse:
    """A decoded answer: status code and attribute groups (name → values)."""

    status: int
    request_id: int
    groups: list[tuple[int, dict[str, list[Any]]]] = field(default_factory=list)

    def group(self, tag: int) -> list[dict[str, list[Any]]]:
        """Every group with this delimiter tag (e.g. one per job)."""
        return [attrs for t, attrs in self.groups if t == tag]


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands."""

    job_id: int
    state: str
    reasons: tuple[str, ...]
    name: str = ""

    @property
    def final(self) -> bool:
        """Completed, canceled or aborted."""
        return self.state in ("completed", "canceled", "aborted")


@dataclass(frozen=True)
class PrinterStatus:
    """The queue's state: ``idle``/``processing``/``stopped``, reasons, accepting jobs."""

    state: str
    reasons: tuple[str, ...]
    accepting: bool

    @property
    def ready(self) -> bool:
        """Will a job submitted now print."""
        return self.accepting and self.state != "stopped"


def _attr(tag: int, name: str, value: Any) -> bytes:
    if tag in (T_INTEGER, T_ENUM):
        raw = struct.pack(">i", value)
    elif tag == T_BOOLEAN:
        raw = bytes([1 if value else 0])
    else:
        raw = str(value).encode()
    encoded = name.encode()
    return struct.pack(">BH", tag, len(encoded)) + encoded + struct.pack(">H", len(raw)) + raw


def encode(operation: int, request_id: int, attributes: Sequence[Attribute],
           job_attributes: Sequence[Attribute] = ()) -> bytes:
    """An IPP/1.1 request (operation group first, then an optional job group)."""
    out = bytearray(struct.pack(">BBHI", 1, 1, operation, request_id))
    out.append(GROUP_OPERATION)
    out += _attr(T_CHARSET, "attributes-charset", "utf-8")
    out += _attr(T_LANGUAGE, "attributes-natural-language", "zh-cn")
    for tag, name, value in attributes:
        values = value if isinstance(value, list | tuple) else [value]
        for index, item in enumerate(values):
            out += _attr(tag, name if index == 0 else "", item)
    if job_attributes:
        out.append(GROUP_JOB)
        for tag, name, value in job_attributes:
            out += _attr(tag, name, value)
    out.append(GROUP_END)
    return bytes(out)


def decode(data: bytes) -> IppResponse:
    """Decode an IPP answer (collections are read flat; unknown tags kept as bytes)."""
    if len(data) < 9:
        raise IppError("IPP answer too short")
    _, _, status, request_id = struct.unpack(">BBHI", data[:8])
    pos = 8
    groups: list[tuple[int, dict[str, list[Any]]]] = []
    current: dict[str, list[Any]] | None = None
    last = ""
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == GROUP_END:
            break
        if tag < 0x10:
            current = {}
            groups.append((tag, current))
            continue
        name_len = struct.unpack(">H", data[pos:pos + 2])[0]
        name = data[pos + 2:pos + 2 + name_len].decode("utf-8", "replace")
        pos += 2 + name_len
        value_len = struct.unpack(">H", data[pos:pos + 2])[0]
        raw = data[pos + 2:pos + 2 + value_len]
        pos += 2 + value_len
        if tag in (T_INTEGER, T_ENUM) and value_len == 4:
            value: Any = struct.unpack(">i", raw)[0]
        elif tag == T_BOOLEAN and value_len == 1:
            value = bool(raw[0])
        elif 0x40 <= tag <= 0x4F:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        if name:
            last = name
        if current is None:
            raise IppError("IPP attribute outside a group")
        current.setdefault(last, []).append(value)
    return IppResponse(status, request_id, groups)


class IppClient:
    """One print queue on an IPP server (``ipp://host:port/printers/NAME``)."""

    def __init__(self, printer_uri: str, user: str = "ebt-kiosk",
                 timeout: tuple[float, float] = (2.0, 10.0),
                 session: requests.Session | None = None) -> None:
        self.printer_uri = printer_uri
        self.http_url = printer_uri.replace("ipps://", "https://").replace("ipp://", "http://")
        self.user = user
        self.timeout = timeout
        self._http = session or requests.Session()
        self._lock = threading.Lock()
        self._next_id = 0

    def _call(self, operation: int, attributes: Sequence[Attribute], document: bytes = b"",
              job_attributes: Sequence[Attribute] = ()) -> IppResponse:
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
        body = encode(operation, request_id, [(T_URI, "printer-uri", self.printer_uri),
                                              (T_NAME, "requesting-user-name", self.user),
                                              *attributes], job_attributes) + document
        try:
            answer = self._http.post(self.http_url, data=body, timeout=self.timeout,
                                     headers={"Content-Type": "application/ipp"})
        except requests.RequestException as exc:
            raise IppError(f"IPP server unreachable ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise IppError(f"IPP HTTP {answer.status_code}", answer.status_code)
        response = decode(answer.content)
        if response.status >= 0x0100:
            raise IppError(f"IPP status 0x{response.status:04x}", response.status)
        return response

    def printer_status(self) -> PrinterStatus:
        """printer-state, printer-state-reasons, printer-is-accepting-jobs."""
        response = self._call(OP_GET_PRINTER, [(T_KEYWORD, "requested-attributes", [
            "printer-state", "printer-state-reasons", "printer-is-accepting-jobs"])])
        attrs = (response.group(GROUP_PRINTER) or [{}])[0]
        return PrinterStatus(PRINTER_STATES.get(attrs.get("printer-state", [0])[0], "unknown"),
                             tuple(attrs.get("printer-state-reasons", ["none"])),
                             bool(attrs.get("printer-is-accepting-jobs", [False])[0]))

    def print_job(self, document: bytes, job_name: str,
                  mime: str = "application/pdf") -> int:
        """Submit one document; the job id."""
        response = self._call(OP_PRINT_JOB, [(T_NAME, "job-name", job_name),
                                             (T_MIME, "document-format", mime)], document,
                              [(T_KEYWORD, "media", "iso_a4_210x297mm"),
                               (T_INTEGER, "copies", 1)])
        attrs = (response.group(GROUP_JOB) or [{}])[0]
        if "job-id" not in attrs:
            raise IppError("Print-Job answered without a job id")
        return int(attrs["job-id"][0])

    @staticmethod
    def _job(attrs: dict[str, list[Any]]) -> JobStatus:
        return JobStatus(int(attrs.get("job-id", [0])[0]),
                         JOB_STATES.get(attrs.get("job-state", [0])[0], "unknown"),
                         tuple(attrs.get("job-state-reasons", ["none"])),
                         str(attrs.get("job-name", [""])[0]))

    def job(self, job_id: int) -> JobStatus:
        """One job's state and reasons."""
        response = self._call(OP_GET_JOB, [(T_INTEGER, "job-id", job_id), (
            T_KEYWORD, "requested-attributes",
            ["job-id", "job-state", "job-state-reasons", "job-name"])])
        attrs = (response.group(GROUP_JOB) or [{}])[0]
        return self._job(dict(attrs, **{"job-id": [job_id]}))

    def jobs(self, which: str = "all") -> list[JobStatus]:
        """This user's jobs on the queue (``not-completed``, ``completed`` or ``all``)."""
        response = self._call(OP_GET_JOBS, [
            (T_KEYWORD, "which-jobs", which), (0x22, "my-jobs", True),
            (T_KEYWORD, "requested-attributes",
             ["job-id", "job-state", "job-state-reasons", "job-name"])])
        return [self._job(a) for a in response.group(GROUP_JOB)]

    def cancel(self, job_id: int) -> None:
        """Cancel a job that has not finished (an already finished one is left alone)."""
        try:
            self._call(OP_CANCEL_JOB, [(T_INTEGER, "job-id", job_id)])
        except IppError as exc:
            if exc.status not in (0x0404, 0x0406, 0x0407):   # not possible, not found, gone
                raise
