"""Load a module's kv rules so they come after every rule loaded so far.

Kivy applies the rules matching a widget in load order, so a subclass rule loaded at import
time (before the app loads widgets.kv in ``build``) loses to the base ``<EbtButton>`` rule
it means to override (the candidate glyphs came out at body size). Widgets that override a
themed property call :func:`load_rules_last` when they are built.
"""

from __future__ import annotations

from kivy.lang import Builder


def load_rules_last(name: str, text: str) -> None:
    """(Re)load ``text`` under ``name`` unless its rules are already the last ones."""
    rules = Builder.rules
    if rules and rules[-1][1].ctx.filename == name:
        return
    Builder.unload_file(name)
    Builder.load_string(text, filename=name)
