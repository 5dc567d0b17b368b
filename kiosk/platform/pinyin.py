"""Pinyin syllables of catalog texts, worked out in a short-lived child process and cached.

Search needs the toneless syllables of every item name (住房公积金 → zhu fang gong ji jin)
to match full pinyin, initials and syllable starts. Reading polyphones right (银行 → hang,
行驶 → xing) takes pypinyin's phrase dictionary, which costs the process that loads it about
55 MB and 190,000 objects that every full garbage collection then walks. The terminal runs
for months and needs the dictionary only when the catalog changes, so:

* :func:`syllables_in_process` is the one place that calls pypinyin;
* :func:`syllables_in_child` runs it in ``python -m kiosk.platform.pinyin`` (JSON in on
  stdin, JSON out on stdout), so the dictionary's memory goes back when the child exits;
* :class:`PinyinStore` keeps text → syllables in SQLite, so a restart with an unchanged
  catalog starts no child at all, and a sync starts one for the new names only. Its file is
  opened through :func:`kiosk.storage.open_sqlite`; a damaged one raises
  :class:`kiosk.storage.DamagedState` and is rebuilt by the composition root.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from kiosk.storage import open_sqlite

log = logging.getLogger(__name__)

Syllables = tuple[str, ...]
Transcribe = Callable[[Iterable[str]], Mapping[str, Syllables]]

CHILD_TIMEOUT_S = 120.0


class PinyinError(RuntimeError):
    """The child process could not transcribe (missing package, crash, bad output)."""


def syllables_in_process(texts: Iterable[str]) -> dict[str, Syllables]:
    """Lower-case toneless syllables of each text (characters without pinyin are dropped)."""
    from pypinyin import Style, lazy_pinyin

    out: dict[str, Syllables] = {}
    for text in texts:
        raw = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
        cleaned = ("".join(c for c in s.lower() if c.isalnum()) for s in raw)
        out[text] = tuple(s for s in cleaned if s)
    return out


def syllables_in_child(texts: Iterable[str], timeout: float = CHILD_TIMEOUT_S
                       ) -> dict[str, Syllables]:
    """:func:`syllables_in_process` run in a child interpreter; raises :class:`PinyinError`."""
    wanted = sorted(set(texts))
    if not wanted:
        return {}
    try:
        done = subprocess.run([sys.executable, "-m", "kiosk.platform.pinyin"],
                              input=json.dumps(wanted, ensure_ascii=False),
                              capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PinyinError(f"pinyin child did not run: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PinyinError(f"pinyin child exited {done.returncode}: {last}")
    try:
        answer = json.loads(done.stdout)
        result = {text: tuple(str(s) for s in answer[text]) for text in wanted}
    except (ValueError, KeyError, TypeError) as exc:
        raise PinyinError(f"pinyin child answered nonsense: {exc}") from exc
    return result


class PinyinStore:
    """text → syllables in SQLite at ``db_path``; misses go to ``compute`` in one batch.

    If the child cannot run, the store falls back to computing in this process (logged), so
    search keeps working at the cost of the memory the child would have spared.
    """

    def __init__(self, db_path: str | Path, compute: Transcribe = syllables_in_child) -> None:
        self._db = open_sqlite(Path(db_path))
        self._db.execute("CREATE TABLE IF NOT EXISTS syllables "
                         "(text TEXT PRIMARY KEY, pinyin TEXT NOT NULL)")
        self._db.commit()
        self._compute = compute
        self._lock = threading.Lock()
        self.computed = 0          # texts sent to ``compute`` so far (for diagnostics)

    def __call__(self, texts: Iterable[str]) -> dict[str, Syllables]:
        """Syllables of every text, computing only those not stored yet."""
        wanted = set(texts)
        found: dict[str, Syllables] = {}
        with self._lock:
            for text in wanted:
                row = self._db.execute("SELECT pinyin FROM syllables WHERE text = ?",
                                       (text,)).fetchone()
                if row is not None:
                    found[text] = tuple(row[0].split()) if row[0] else ()
            missing = sorted(wanted - found.keys())
            if not missing:
                return found
            try:
                fresh = dict(self._compute(missing))
            except PinyinError as exc:
                log.warning("%s; transcribing in this process instead", exc)
                fresh = syllables_in_process(missing)
            self.computed += len(missing)
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO syllables VALUES (?, ?)",
                                     [(t, " ".join(fresh[t])) for t in missing])
            found.update((t, fresh[t]) for t in missing)
        return found

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def main() -> int:
    """Child entry point: a JSON list of texts on stdin → a JSON object on stdout."""
    texts = json.loads(sys.stdin.read() or "[]")
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        print("expected a JSON list of strings on stdin", file=sys.stderr)
        return 2
    json.dump({t: list(s) for t, s in syllables_in_process(texts).items()}, sys.stdout,
              ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
