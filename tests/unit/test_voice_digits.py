"""Digit-by-digit speech for case numbers and ID fragments."""

from kiosk.voice.digits import digits_for_speech, spell_numbers


def test_id_number_is_spelled_with_x_as_cha() -> None:
    assert digits_for_speech("53010219800101123X") == (
        "5 3 0 1 0 2 1 9 8 0 0 1 0 1 1 2 3 叉"
    )


def test_english_keeps_x_and_masked_part_is_a_pause() -> None:
    assert digits_for_speech("5301**********123x", "en") == "5 3 0 1, 1 2 3 X"


def test_separators_are_not_spoken_and_letters_are_spelled() -> None:
    assert digits_for_speech("km-2026-0042") == "K M 2 0 2 6 0 0 4 2"


def test_spell_numbers_only_touches_long_runs() -> None:
    said = spell_numbers("您的办件编号是 KM20261121-0042，费用120元。")
    assert "K M 2 0 2 6 1 1 2 1 0 0 4 2" in said
    assert "120元" in said
    assert said.startswith("您的办件编号是")


def test_sentence_without_numbers_is_unchanged() -> None:
    assert spell_numbers("请取回身份证。") == "请取回身份证。"
