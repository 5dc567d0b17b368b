"""Notice-and-commitment (告知承诺): the citizen confirms before filling the form."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_
from screens.widgets import KioskScreen

COMMITMENT = (
    N_("本人已阅读并知晓本事项的受理条件和所需材料。"),
    N_("本人承诺所填写的信息和提交的材料真实、准确、完整，并愿意承担不实承诺的法律责任。"),
    N_("本人同意有关部门依法核验所提交的信息；核验不通过的，同意撤销办理结果。"),
)


class CommitmentScreen(KioskScreen):
    """Shows the commitment text; 我承诺 moves on, 返回 goes back to the guide."""

    prompt = "form"

    def refresh(self) -> None:
        """The item's name and the commitment clauses."""
        app = self.app
        journey = app.journey
        self.ids.item.text = journey.item.name if journey else ""
        self.ids.clauses.text = "\n\n".join(
            f"{n}. {app.tr(c)}" for n, c in enumerate(COMMITMENT, 1))

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
