"""The order in which the audit visits views: every appearance reached by every switch.

A switch re-runs the kv rules bound to the tokens that changed, so what a screen shows can
depend on where the citizen came from (issue 13: 身份证 turned yellow on a white card only
after high_contrast_dark → yellow_on_black). :func:`switch_walk` gives a walk over the
(mode, scheme) states that takes every one-step switch — another scheme in the same mode,
the other mode in the same scheme — at least once: an Eulerian circuit of that switch graph
(every state has as many switches in as out, so one exists). The audit shows every screen
after every step of the walk.
"""

from __future__ import annotations

from collections.abc import Sequence

State = tuple[str, str]          # (mode, scheme)


def switch_edges(modes: Sequence[str], schemes: Sequence[str]) -> list[tuple[State, State]]:
    """Every one-step switch between (mode, scheme) states."""
    edges: list[tuple[State, State]] = []
    for mode in modes:
        edges += [((mode, a), (mode, b)) for a in schemes for b in schemes if a != b]
    for scheme in schemes:
        edges += [((a, scheme), (b, scheme)) for a in modes for b in modes if a != b]
    return edges


def switch_walk(modes: Sequence[str], schemes: Sequence[str]) -> list[State]:
    """States from ``(modes[0], schemes[0])`` such that every one-step switch between two
    of them is taken exactly once (Hierholzer's algorithm; deterministic order)."""
    start = (modes[0], schemes[0])
    pending: dict[State, list[State]] = {}
    for a, b in switch_edges(modes, schemes):
        pending.setdefault(a, []).append(b)
    for targets in pending.values():
        targets.reverse()            # pop() takes them in the order listed
    stack, walk = [start], []
    while stack:
        here = stack[-1]
        if pending.get(here):
            stack.append(pending[here].pop())
        else:
            walk.append(stack.pop())
    walk.reverse()
    return walk


def view_plan(modes: Sequence[str], schemes: Sequence[str], languages: Sequence[str],
              sequences: bool = True) -> list[tuple[str, str, str, str]]:
    """(mode, scheme, language, reached_from) in visiting order. With ``sequences`` the
    first language follows :func:`switch_walk` (``reached_from`` names the state before
    the switch, "start" for the first); the other languages, and all of them without
    ``sequences``, visit each (mode, scheme) once."""
    plan: list[tuple[str, str, str, str]] = []
    previous = "start"
    for index, language in enumerate(languages):
        states = (switch_walk(modes, schemes) if sequences and index == 0
                  else [(m, s) for m in modes for s in schemes])
        for mode, scheme in states:
            plan.append((mode, scheme, language, previous))
            previous = f"{mode}/{scheme}/{language}"
    return plan
