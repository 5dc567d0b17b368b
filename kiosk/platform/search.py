"""Search the cached catalog from one box: hanzi substring (typed or handwritten), full
pinyin, pinyin initials, any mix of them (公积j, gongjj — :mod:`kiosk.platform.spelling`),
English words, department and life event; ranked by match quality, then by popularity.

Quality tiers (higher wins): exact name 100, name prefix 90, initials exact 88, initials
prefix 85, pinyin prefix 80, name substring 70, pinyin from a syllable start 65, initials
substring 60, pinyin substring 55, English word prefix 50, department or life event 30;
a mixed query (hanzi and letters, or pinyin with initials) that matches none of these
scores 75 from the name's start and 58 inside it.
Popularity adds up to 12 points (log scale), so it orders items within a tier and lets a
very popular item pass a rare one of the next tier. Common abbreviations (社保, 医保, 驾照
…, and their pinyin) are expanded. A character / bigram index narrows each keystroke to the
items that can match, so a 5,000-item catalog answers in well under the 2 ms budget.

Handwriting feeds the same search: :meth:`CatalogSearch.search_candidates` ranks the items
reached by the text so far plus each candidate character of the pad, and
:meth:`CatalogSearch.characters` is the set a recogniser can be told to keep.

The syllables come from a ``transcribe`` callable (:mod:`kiosk.platform.pinyin`); the
terminal passes its cached, out-of-process store so pypinyin is never loaded in the UI's
process. Without one, pypinyin runs in this process.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.platform.models import CatalogItem
from kiosk.platform.pinyin import Syllables, Transcribe, syllables_in_process
from kiosk.platform.spelling import compile_query, encode, is_hanzi, narrowing_keys, units

ALIASES = {"社保": ("社会保险", "社会保障"), "医保": ("医疗保险", "医保"), "驾照": ("驾驶证",),
           "违章": ("违法",), "房产": ("不动产",), "退休金": ("养老金",), "个税": ("个人所得税",),
           "户口本": ("户口",), "港澳通行证": ("往来港澳通行证",),
           "身份证": ("居民身份证", "身份证")}


PRECOMPUTE_POSTING = 300
CANDIDATE_DECAY = 0.04      # each later handwriting candidate weighs 4 % less
SCAN_ALL = 200              # more candidates than this: one regex scan over every name


@dataclass(frozen=True)
class SearchResult:
    """One ranked hit."""

    code: str
    name: str
    department: str
    score: float
    match: str


def _letters(syllables: Syllables) -> tuple[str, list[int], str]:
    """Joined pinyin, the offset where each syllable starts, and the initials."""
    starts, pos = [], 0
    for s in syllables:
        starts.append(pos)
        pos += len(s)
    return "".join(syllables), starts, "".join(s[0] for s in syllables)


@dataclass
class _Entry:
    item: CatalogItem
    name: str
    pinyin: str
    starts: frozenset[int]
    initials: str
    words: tuple[str, ...]
    english: str
    context: str
    pop: float
    spelled: str            # encoded units (kiosk.platform.spelling), "" if unaligned


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} | set(text)


class CatalogSearch:
    """An in-memory index over catalog items; build once per catalog version."""

    def __init__(self, items: Iterable[CatalogItem],
                 transcribe: Transcribe = syllables_in_process) -> None:
        self._entries: list[_Entry] = []
        self._grams: dict[str, set[int]] = {}
        self._departments: set[str] = set()
        self._events: set[str] = set()
        items = list(items)
        alias_texts = {t for key, targets in ALIASES.items() for t in (key, *targets)}
        table = transcribe({i.name for i in items} | alias_texts) if items else {}
        top = max((i.popularity for i in items), default=1)
        for index, item in enumerate(items):
            pinyin, starts, initials = _letters(table[item.name])
            if item.pinyin and item.pinyin != pinyin:
                starts = [0]
                pinyin = item.pinyin
            initials = item.pinyin_initials or initials
            english = item.name_en.lower()
            context = " ".join((item.department, *item.life_event_names, *item.life_events))
            entry = _Entry(item, item.name, pinyin, frozenset(starts), initials,
                           tuple(english.replace("/", " ").replace("(", " ").split()), english,
                           context, math.log1p(item.popularity) / math.log1p(max(top, 1)),
                           encode(units(item.name, table[item.name]) or ()))
            self._entries.append(entry)
            self._departments.add(item.department)
            self._events.update(item.life_events)
            for text in (entry.name, pinyin, initials, english, context):
                for gram in _grams(text):
                    self._grams.setdefault(gram, set()).add(index)
        # First keystrokes match much of the catalog: rank every single character and every
        # common bigram up front.
        self._single: dict[str, list[tuple[float, int, str]]] = {}
        for gram, posting in self._grams.items():
            if len(gram) == 1 or len(posting) > PRECOMPUTE_POSTING:
                ranked = []
                for index in posting:
                    e = self._entries[index]
                    quality, how = self._quality(e, gram)
                    if quality:
                        ranked.append((quality + 12 * e.pop, index, how))
                ranked.sort(key=lambda t: (-t[0], t[1]))
                self._single[gram] = ranked
        self._chars = frozenset(c for text in (*(i.name for i in items), *alias_texts)
                                for c in text if is_hanzi(c))
        self._spelled = "\n".join(e.spelled for e in self._entries)
        self._line_starts = [0]
        for e in self._entries[:-1]:
            self._line_starts.append(self._line_starts[-1] + len(e.spelled) + 1)
        self._aliases = dict(ALIASES)
        for key, targets in ALIASES.items() if table else ():
            self._aliases[_letters(table[key])[0]] = tuple(_letters(table[t])[0]
                                                           for t in targets)

    def __len__(self) -> int:
        return len(self._entries)

    def _candidates(self, q: str) -> set[int] | range:
        if len(q) == 1:
            return self._grams.get(q, set())
        postings = sorted((self._grams.get(q[i:i + 2], set()) for i in range(len(q) - 1)),
                          key=len)
        result = postings[0]
        for posting in postings[1:]:
            if len(result) < 32:
                break
            result = result & posting
        return result

    @staticmethod
    def _quality(e: _Entry, q: str) -> tuple[int, str]:
        if q in e.name:
            return (100, "name") if q == e.name else (90, "name") if e.name.startswith(q) \
                else (70, "name")
        if q in e.initials:
            return (88, "initials") if q == e.initials else (85, "initials") \
                if e.initials.startswith(q) else (60, "initials")
        pos = e.pinyin.find(q)
        if pos >= 0:
            if pos == 0:
                return 80, "pinyin"
            while pos >= 0:
                if pos in e.starts:
                    return 65, "pinyin"
                pos = e.pinyin.find(q, pos + 1)
            return 55, "pinyin"
        if len(q) >= 2 and q in e.english and any(w.startswith(q) for w in e.words):
            return 50, "english"
        if q in e.context:
            return 30, "context"
        return 0, ""

    def search(self, query: str, limit: int = 20, department: str | None = None,
               life_event: str | None = None) -> list[SearchResult]:
        """Ranked results for what the citizen typed (empty query: browse by popularity)."""
        q = "".join(query.lower().split())
        if q in self._single and not any(key in q for key in self._aliases):
            return self._ranked_single(q, limit, department, life_event)
        variants = [(q, 1.0)]
        for key, targets in self._aliases.items():
            if key in q:
                variants += [(q.replace(key, t), 0.97) for t in targets]
        best: dict[int, tuple[float, str]] = {}
        for text, weight in variants:
            candidates = self._candidates(text) if text else range(len(self._entries))
            for index in candidates:
                e = self._entries[index]
                if department and e.item.department != department:
                    continue
                if life_event and life_event not in e.item.life_events:
                    continue
                quality, how = self._quality(e, text) if text else (1, "browse")
                if quality:
                    score = quality * weight + 12 * e.pop
                    if score > best.get(index, (0.0, ""))[0]:
                        best[index] = (score, how)
        if q and any("a" <= c <= "z" for c in q) and (not best
                                                        or any(is_hanzi(c) for c in q)):
            for text, weight in variants:
                self._mixed(text, weight, best, department, life_event)
        top = heapq.nlargest(limit, best.items(),
                             key=lambda kv: (kv[1][0], -kv[0]))
        return [self._result(i, score, how) for i, (score, how) in top]

    def _mixed(self, q: str, weight: float, best: dict[int, tuple[float, str]],
               department: str | None, life_event: str | None) -> None:
        """Add the items a mixed query reaches (公积j, gongjj) that no tier found."""
        postings = sorted((self._grams.get(k, set()) for k in narrowing_keys(q)), key=len)
        candidates = set.intersection(*postings) if postings else set()
        if not candidates:
            return
        pattern = compile_query(q)
        found: dict[int, bool] = {}             # entry → matched from the name's start
        if len(candidates) > SCAN_ALL:
            for m in pattern.finditer(self._spelled):
                index = bisect.bisect_right(self._line_starts, m.start()) - 1
                if index in candidates and index not in found:
                    found[index] = m.start() == self._line_starts[index]
        else:
            for index in candidates:
                hit = pattern.search(self._entries[index].spelled)
                if hit is not None:
                    found[index] = hit.start() == 0
        for index, at_start in found.items():
            e = self._entries[index]
            if index in best or (department and e.item.department != department) or \
                    (life_event and life_event not in e.item.life_events):
                continue
            best[index] = ((75 if at_start else 58) * weight + 12 * e.pop, "mixed")

    def characters(self) -> frozenset[str]:
        """Every hanzi of the item names and abbreviations (what handwriting can lead to)."""
        return self._chars

    def search_candidates(self, text: str, candidates: Sequence[str], limit: int = 20,
                          department: str | None = None, life_event: str | None = None
                          ) -> list[SearchResult]:
        """Items reached by ``text`` + each candidate character of the handwriting pad (best
        candidate first), before the citizen picks one: a later candidate's hits weigh a
        little less, and an item reached twice keeps its best score."""
        best: dict[str, SearchResult] = {}
        for rank, char in enumerate(candidates):
            weight = 1.0 - CANDIDATE_DECAY * rank
            for hit in self.search(text + char, limit, department, life_event):
                scored = SearchResult(hit.code, hit.name, hit.department,
                                      round(hit.score * weight, 3), hit.match)
                if hit.code not in best or scored.score > best[hit.code].score:
                    best[hit.code] = scored
        return sorted(best.values(), key=lambda h: (-h.score, h.code))[:limit]

    def leads_somewhere(self, text: str, char: str) -> bool:
        """True when ``text + char`` finds at least one item (to order pad candidates)."""
        return bool(self.search(text + char, 1))

    def _result(self, index: int, score: float, how: str) -> SearchResult:
        item = self._entries[index].item
        return SearchResult(item.code, item.name, item.department, round(score, 3), how)

    def _ranked_single(self, q: str, limit: int, department: str | None,
                       life_event: str | None) -> list[SearchResult]:
        out: list[SearchResult] = []
        for score, index, how in self._single.get(q, ()):
            item = self._entries[index].item
            if department and item.department != department:
                continue
            if life_event and life_event not in item.life_events:
                continue
            out.append(self._result(index, score, how))
            if len(out) >= limit:
                break
        return out
