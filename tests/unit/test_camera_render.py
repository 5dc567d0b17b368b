"""The synthetic camera: frames of the right size, a real face, a readable QR module grid."""

from __future__ import annotations

import numpy as np

from simulator.camera.corpus import CONDITIONS, generate
from simulator.camera.render import Scene, qr_matrix, render
from simulator.camera.source import SyntheticCameraSource


def test_qr_matrix_has_quiet_zone_and_finder() -> None:
    matrix = qr_matrix(b"EBT1:CASE:53010020261121000123")
    assert matrix.shape[0] == matrix.shape[1]
    assert not matrix[:4].any() and not matrix[:, :4].any()  # 4-module quiet zone
    assert matrix[4, 4:11].all()  # top row of the top-left finder pattern


def test_render_size_and_type() -> None:
    frame = render(Scene(payload=b"X", blur=1.0, glare=0.5, noise=5, contrast=0.4), (640, 480))
    assert frame.shape == (480, 640, 3)
    assert frame.dtype == np.uint8


def test_low_contrast_really_narrows_the_range() -> None:
    sharp = render(Scene(payload=b"ABC", noise=0), (640, 480), seed=1)
    washed = render(Scene(payload=b"ABC", noise=0, contrast=0.3), (640, 480), seed=1)
    assert np.ptp(washed) < 0.5 * np.ptp(sharp)


def test_face_frame_contains_the_portrait_colours() -> None:
    face = render(Scene(face=True, noise=0), (640, 480))
    empty = render(Scene(noise=0), (640, 480))
    saturation = lambda img: float(np.mean(img.max(axis=2).astype(int) - img.min(axis=2)))  # noqa: E731
    assert saturation(face) > 2 * saturation(empty)


def test_corpus_is_seeded_and_covers_every_condition() -> None:
    first = list(generate(len(CONDITIONS), (320, 240), seed=4))
    again = list(generate(len(CONDITIONS), (320, 240), seed=4))
    assert [s.condition for s in first] == list(CONDITIONS)
    assert all(np.array_equal(a.frame, b.frame) for a, b in zip(first, again, strict=True))
    no_code = [s for s in first if s.condition == "no_code"]
    assert no_code[0].expected is None
    gbk = next(s for s in first if s.condition == "gbk").expected
    assert gbk is not None
    gbk.decode("gbk")


def test_source_scene_switches() -> None:
    source = SyntheticCameraSource(seed=2, size=(320, 240))
    source.show_qr("EBT1:CASE:53010020261121000123")
    assert source.showing == "qr"
    first, second = source.frame(), source.frame()
    assert first.shape == (240, 320, 3)
    assert not np.array_equal(first, second)  # fresh sensor noise per frame
    source.show_face()
    assert source.showing == "face"
    source.show_nothing()
    assert source.showing == "nothing"
