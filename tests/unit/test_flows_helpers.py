"""The flow engine's Kivy-free helpers: face guidance, map geometry, the printable guide,
the certificate's output (A4 through ``lp`` or a slip with the verification QR)."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from drivers.base import Completion
from kiosk.flows.face import FaceGuide, FaceState, encode_jpeg
from kiosk.flows.geo import KUNMING_BOUNDS, bounds_for, distance_km, nearest, project
from kiosk.flows.guide import guide_sections, guide_slip
from kiosk.flows.items import PROGRESS_CODE, progress_item
from kiosk.flows.output import CertificateOutput, certificate_slip
from kiosk.platform.models import CatalogItem
from simulator.platform.catalog import build_items


def _portrait() -> np.ndarray:
    from skimage import data

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


# -- face guidance --------------------------------------------------------------------------
def test_a_real_portrait_is_ready_and_an_empty_frame_has_no_face() -> None:
    guide = FaceGuide()
    ready = guide.check(_portrait())
    assert ready.state is FaceState.READY and ready.box is not None
    empty = guide.check(np.full((480, 640, 3), 200, np.uint8))
    assert empty.state is FaceState.NO_FACE and empty.box is None


def test_a_small_face_in_a_large_frame_asks_to_come_closer() -> None:
    small = cv2.resize(_portrait(), (256, 256))
    frame = np.full((960, 1280, 3), 235, np.uint8)
    frame[300:556, 500:756] = small
    hint = FaceGuide().check(frame)
    assert hint.state is FaceState.TOO_FAR
    assert hint.message == "请靠近一些"


def test_encoded_jpeg_decodes_back_to_the_frame_size() -> None:
    image = _portrait()
    jpeg = encode_jpeg(image)
    assert jpeg[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape == image.shape


# -- map geometry ---------------------------------------------------------------------------
def test_distances_and_the_nearest_points() -> None:
    assert distance_km(25.0, 102.7, 25.0, 102.7) == 0
    one_degree = distance_km(25.0, 102.7, 26.0, 102.7)
    assert 110.5 < one_degree < 111.8                     # a degree of latitude
    points = [SimpleNamespace(name=n, lat=lat, lon=102.7) for n, lat in
              (("far", 25.3), ("near", 25.01), ("mid", 25.1))]
    ranked = nearest(points, 25.0, 102.7, limit=2)
    assert [p.name for _km, p in ranked] == ["near", "mid"]
    assert ranked[0][0] < ranked[1][0]


def test_projection_maps_the_frame_onto_the_unit_square_north_up() -> None:
    bounds = KUNMING_BOUNDS
    assert project(bounds[1], bounds[0], bounds) == pytest.approx((0.0, 0.0))
    assert project(bounds[3], bounds[2], bounds) == pytest.approx((1.0, 1.0))
    outside = SimpleNamespace(lat=26.0, lon=103.5)
    grown = bounds_for([outside])
    assert grown[2] > 103.5 and grown[3] > 26.0
    x, y = project(outside.lat, outside.lon, grown)
    assert 0 < x < 1 and 0 < y < 1


# -- the guide ------------------------------------------------------------------------------
def _item(code: str) -> CatalogItem:
    data = next(i for i in build_items() if i["code"] == code)
    return CatalogItem.from_json(data)


def test_every_guide_element_is_shown_and_printed() -> None:
    item = _item("KM-PSB-001")
    sections = dict(guide_sections(item))
    for title in ("设定依据", "适用范围", "办理时限", "受理条件", "申请材料", "申请表格",
                  "办理流程", "收费标准", "办理结果", "身份核验"):
        assert sections[title].strip() not in ("", "—"), title
    assert "居民户口簿" in sections["申请材料"] and "可用电子证照" in sections["申请材料"]
    doc = guide_slip(item, "KM-DEMO-0001", datetime(2026, 11, 21, 9, 30))
    printed = "\n".join(doc.texts())
    for title, text in guide_sections(item):
        assert title in printed
        assert text.splitlines()[0] in printed
    assert doc.ends_with_cut


def test_the_general_progress_item_needs_no_identity() -> None:
    item = progress_item()
    assert item.code == PROGRESS_CODE and item.flow == "progress"
    assert item.identity_level == "none"


# -- certificate output ---------------------------------------------------------------------
CERT = SimpleNamespace(title="社会保险个人参保证明", verification_code="AB12CD34EF56GH78",
                       qr_payload="EBT1:CERT:AB12CD34EF56GH78", issued_at="2026-11-21 09:30")


def test_without_a4_the_certificate_is_a_slip_with_its_verification_qr() -> None:
    output = CertificateOutput()
    assert output.a4 is False
    doc = certificate_slip(CERT, "社会保险个人参保证明打印", "KM-DEMO-0001", datetime.now())
    assert doc.qr_payloads() == ["EBT1:CERT:AB12CD34EF56GH78"]
    assert any("AB12CD34EF56GH78" in t for t in doc.texts())


def _fake_lp(tmp_path: Path, exit_code: int) -> Path:
    script = tmp_path / "lp"
    log = tmp_path / "lp.log"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\ncp "$3" {tmp_path}/job.pdf\n'
                      f"exit {exit_code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a4_goes_to_the_configured_queue_and_the_temp_file_is_removed(tmp_path: Path) -> None:
    output = CertificateOutput(lp_queue="a4-office", lp_command=str(_fake_lp(tmp_path, 0)))
    result = output.print_a4(b"%PDF-1.4 demo")
    assert result.ok
    args = (tmp_path / "lp.log").read_text().split()
    assert args[:2] == ["-d", "a4-office"]
    assert (tmp_path / "job.pdf").read_bytes() == b"%PDF-1.4 demo"
    assert not os.path.exists(args[2])


def test_a4_refused_or_missing_is_a_result_not_an_exception(tmp_path: Path) -> None:
    refused = CertificateOutput("a4", str(_fake_lp(tmp_path, 1))).print_a4(b"%PDF")
    assert not refused.ok and refused.completion is Completion.HARDWARE_ERROR
    missing = CertificateOutput("a4", str(tmp_path / "no-such-lp")).print_a4(b"%PDF")
    assert not missing.ok and missing.completion is Completion.DEVICE_NOT_READY
