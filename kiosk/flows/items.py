"""Items the terminal offers beyond the catalog: the general 办件进度查询 (progress by case
number for any item), built as a catalog item so it runs as an ordinary journey."""

from __future__ import annotations

from kiosk.platform.models import CatalogItem

PROGRESS_CODE = "EBT-PROGRESS"


def progress_item() -> CatalogItem:
    """The general progress lookup: no identity needed, case number typed or scanned."""
    return CatalogItem(
        code=PROGRESS_CODE, name="办件进度查询", name_en="Application progress",
        department="e办通", department_en="e-Bantong", type="公共服务", flow="progress",
        identity_level="none", outputs=("screen", "receipt"), life_events=(),
        life_event_names=(), popularity=0, pinyin="banjianjinduchaxun",
        pinyin_initials="bjjdcx", version=1, raw={})
