"""ScanEvent: raw bytes kept, text decoded UTF-8 then GB18030, content kept out of repr."""

from __future__ import annotations

from drivers.scanner.event import ScanEvent, decode_payload


def test_utf8_first() -> None:
    assert decode_payload("昆明".encode()) == ("昆明", "utf-8")


def test_gbk_falls_back_to_gb18030() -> None:
    assert decode_payload("五华区政务服务中心".encode("gbk")) == ("五华区政务服务中心", "gb18030")


def test_utf8_bom_is_dropped() -> None:
    assert decode_payload(b"\xef\xbb\xbfABC") == ("ABC", "utf-8")


def test_undecodable_bytes_are_binary_with_replacement() -> None:
    text, encoding = decode_payload(b"\x80\xff\x81")
    assert encoding == "binary"
    assert "\ufffd" in text


def test_event_keeps_raw_and_hides_content_in_repr() -> None:
    raw = "张三 530102199001011234".encode("gbk")
    event = ScanEvent.from_raw(raw, "scanner", timestamp=5.0)
    assert event.raw == raw
    assert event.text == "张三 530102199001011234"
    assert "530102" not in repr(event)
    assert "张三" not in repr(event)
    data = event.as_dict()
    assert set(data) >= {"text", "raw_hex", "source", "timestamp"}
    assert bytes.fromhex(data["raw_hex"]) == raw
