"""QR decoders on generated frames: each backend, a GBK payload, frames with no code."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.decoders import DECODERS, Pipeline, make_decoder
from drivers.errors import ConfigError
from drivers.scanner.event import decode_payload
from simulator.camera.corpus import generate
from simulator.camera.render import Scene, render

CASE = b"EBT1:CASE:53010020261121000123"


@pytest.fixture(scope="module")
def clean_frame() -> np.ndarray:
    return render(Scene(payload=CASE, code_frac=0.4), (1280, 720), seed=3)


@pytest.mark.parametrize("name", DECODERS)
def test_every_backend_decodes_a_clean_frame(name: str, clean_frame: np.ndarray) -> None:
    assert [r.raw for r in make_decoder(name).decode(clean_frame)] == [CASE]


@pytest.mark.parametrize("name", DECODERS)
def test_no_code_frames_give_nothing(name: str) -> None:
    decoder = make_decoder(name)
    for face in (False, True):
        frame = render(Scene(payload=None, face=face), (640, 480), seed=5)
        assert decoder.decode(frame) == []


def test_zxing_returns_the_exact_gbk_bytes() -> None:
    raw = "昆明市五华区政务服务中心|编号53010020261121000123".encode("gbk")
    frame = render(Scene(payload=raw, tilt_deg=20, glare=0.4), (1280, 720), seed=7)
    results = make_decoder("zxing").decode(frame)
    assert [r.raw for r in results] == [raw]
    assert decode_payload(results[0].raw) == ("昆明市五华区政务服务中心|编号53010020261121000123",
                                              "gb18030")


def test_default_decoder_on_a_small_corpus() -> None:
    decoder = make_decoder()
    samples = list(generate(18, (1280, 720), seed=11))
    hits = [bool(decoder.decode(s.frame)) == (s.expected is not None) for s in samples]
    wrong = [s.condition for s, hit in zip(samples, hits, strict=True) if not hit]
    assert len(wrong) <= 1, wrong
    for sample in samples:
        if sample.expected is not None and sample.condition != "blur":
            assert sample.expected in [r.raw for r in decoder.decode(sample.frame)]


def test_pipeline_downscales_and_crops() -> None:
    frame = np.zeros((720, 1280, 3), np.uint8)
    pipeline = Pipeline(make_decoder("zxing").decoder, max_side=640, roi=(0.25, 0.0, 0.5, 1.0))
    prepared = pipeline.prepare(frame)
    assert prepared.ndim == 2
    # the ROI keeps 640 x 720 of the frame; the longer side is then scaled to 640
    assert prepared.shape[0] == 640
    assert abs(prepared.shape[1] - 640 * 640 / 720) <= 1


def test_roi_centre_crop_still_decodes(clean_frame: np.ndarray) -> None:
    decoder = make_decoder("zxing", roi=(0.2, 0.1, 0.6, 0.8))
    assert [r.raw for r in decoder.decode(clean_frame)] == [CASE]


def test_bad_config_is_loud() -> None:
    with pytest.raises(ConfigError):
        make_decoder("tesseract")
    with pytest.raises(ConfigError):
        make_decoder("zxing", roi=(0.5, 0.5, 2.0, 1.0))
