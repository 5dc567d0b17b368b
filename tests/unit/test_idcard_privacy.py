"""Masking helpers for ID numbers, names, addresses, and buffer wiping."""

from __future__ import annotations

import pytest

from common.privacy import mask_address, mask_id_number, mask_name, wipe_buffer


def test_mask_id_number() -> None:
    assert mask_id_number("53010219900101123X") == "530102********123X"
    assert mask_id_number("530102900101123") == "530102*****1123"
    assert mask_id_number("1234") == "****"


@pytest.mark.parametrize(("name", "masked"), [
    ("张晓明", "张*明"), ("张明", "张*"), ("欧阳晓明", "欧**明"), ("岩", "*"), ("", ""),
])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("address", "masked"), [
    ("云南省昆明市五华区华山南路100号", "云南省昆明市五华区******"),
    ("云南省红河哈尼族彝族自治州绿春县大兴镇东仰村", "云南省红河哈尼族彝族自治州绿春县******"),
    ("云南省西双版纳傣族自治州景洪市嘎洒镇曼景罕村", "云南省西双版纳傣族自治州景洪市******"),
    ("云南省昆明市石林彝族自治县鹿阜街道", "云南省昆明市石林彝族自治县******"),
    ("北京市朝阳区建国路1号", "北京市朝阳区******"),
])
def test_mask_address_keeps_the_administrative_prefix(address: str, masked: str) -> None:
    assert mask_address(address) == masked


def test_mask_address_hides_the_street_even_without_a_prefix() -> None:
    masked = mask_address("华山南路100号附3号")
    assert "100" not in masked and masked.endswith("*")


def test_wipe_buffer_zeroes_in_place() -> None:
    photo = bytearray(b"WLT-photo-bytes")
    view = memoryview(photo)
    wipe_buffer(photo)
    assert photo == bytearray(len(b"WLT-photo-bytes"))
    assert view.tobytes() == bytes(15)
