"""The notice-and-commitment (告知承诺) a citizen accepts before an application: its clauses
and the words a line break must not split when they are shown."""

from __future__ import annotations

from kiosk.i18n import N_

COMMITMENT = (
    N_("本人已阅读并知晓本事项的受理条件和所需材料。"),
    N_("本人承诺所填写的信息和提交的材料真实、准确、完整，并愿意承担不实承诺的法律责任。"),
    N_("本人同意有关部门依法核验所提交的信息；核验不通过的，同意撤销办理结果。"),
)
#: words a line must not split (the review found 责/任 on two lines)
KEEP_TOGETHER = ("责任", "承诺", "材料", "信息", "办理", "核验", "撤销")
