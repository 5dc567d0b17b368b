"""``GET /v1/items/{code}/form``: an item's application form as JSON Schema, its materials
(容缺 marked), and the commitment text the citizen accepts (``forms.py``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from simulator.platform import forms, lifeevents
from simulator.platform.schemas import FormResponse
from simulator.platform.state import ApiError, PlatformState, get_state

router = APIRouter()
State = Annotated[PlatformState, Depends(get_state)]


@router.get("/items/{code}/form", response_model=FormResponse, response_model_by_alias=True,
            tags=["applications"])
def item_form(code: str, state: State) -> Any:
    """The item's application form (JSON Schema draft 2020-12, Chinese titles, x-kind)."""
    item = state.catalog.get(code)
    if item is None:
        raise ApiError(404, "item_not_found", "no item with this code")
    if item["flow"] != "application":
        raise ApiError(400, "not_an_application", "this item takes no application form")
    if item.get("bundle"):                  # 一件事一次办: the members' forms, each field once
        members = [m for c in item["bundle"] if (m := state.catalog.get(c)) is not None]
        return forms.form_document(item, lifeevents.bundle_schema(members, item))
    return forms.form_document(item)
