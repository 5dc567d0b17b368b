"""Notice-and-commitment (告知承诺): the citizen confirms before filling the form."""

from __future__ import annotations

from typing import Any

from kiosk.flows.commitment import COMMITMENT, KEEP_TOGETHER
from screens.text_measure import fit_text
from screens.widgets import KioskScreen


class CommitmentScreen(KioskScreen):
    """Shows the commitment text; 我承诺 moves on, 返回 goes back to the guide."""

    prompt = "form"

    def on_kv_post(self, base_widget: Any) -> None:
        """Re-break the clauses when the label's width changes (rotation, mode)."""
        self.ids.clauses.bind(width=lambda *_a: self.refresh())

    def refresh(self) -> None:
        """The item's name and the commitment clauses, broken by the Chinese rules (no line
        starts with closing punctuation, 责任 is never split, "2." keeps its clause)."""
        app = self.app
        journey = app.journey
        self.ids.item.text = journey.item.name if journey else ""
        label = self.ids.clauses
        width = label.width - 2 * float(label.padding[0] if label.padding else 0)
        if width <= 0:
            return
        self.ids.clauses.text = "\n\n".join(
            fit_text(f"{n}. {app.tr(c)}", width, app.theme.body, words=KEEP_TOGETHER)
            for n, c in enumerate(COMMITMENT, 1))

    def accept(self) -> None:
        """我已阅读并承诺."""
        journey = self.app.journey
        if journey is not None:
            journey.accept_commitment()
            self.app.show_step()

    def demo(self, **state: Any) -> None:
        """The commitment of an application item."""
        self.app.open_demo_journey(str(state.get("code", "KM-HPF-005")))
        self.refresh()
