"""Synthetic population: deterministic per ID, consistent across topics, any valid ID."""

from __future__ import annotations

import datetime as dt

from simulator.platform import idnumber, population

TODAY = dt.date(2026, 11, 21)


def _value(record: dict, label: str) -> str:
    return next(s["value"] for s in record["summary"] if s["label"] == label)


def test_same_id_same_answers_and_other_ids_differ() -> None:
    a, b = idnumber.SAMPLE_IDS[1], idnumber.SAMPLE_IDS[2]
    for topic in ("ss", "hpf", "med", "re", "tax", "trf", "crim", "res"):
        assert population.records(topic, a, 0, TODAY) == population.records(topic, a, 0, TODAY)
    answers_a = [population.records(t, a, 0, TODAY) for t in ("hpf", "re", "med")]
    answers_b = [population.records(t, b, 0, TODAY) for t in ("hpf", "re", "med")]
    assert answers_a != answers_b


def test_topics_agree_about_one_person() -> None:
    number = idnumber.SAMPLE_IDS[1]
    social = population.records("ss", number, 0, TODAY)
    fund = population.records("hpf", number, 0, TODAY)
    assert _value(social, "参保单位") == _value(fund, "缴存单位")
    assert social["rows"][0]["base"] == population.person(number, 0, TODAY).wage


def test_retired_people_have_pensions_and_no_contributions() -> None:
    retired = idnumber.SAMPLE_IDS[0]  # born 1956
    record = population.records("pen", retired, 0, TODAY)
    assert _value(record, "参保状态") == "退休" and record["rows"] == []
    assert float(_value(record, "养老金月领取额（元）")) > 0


def test_any_valid_id_number_is_answered() -> None:
    number = idnumber.make("530181", dt.date(2001, 2, 28), 17)
    for topic in ("ss", "pen", "hpf", "hpfloan", "med", "re", "tax", "trf", "pts", "biz", "zz"):
        record = population.records(topic, number, 5, TODAY)
        assert record["title"] and record["summary"]
        assert number not in str(record)  # never the clear ID number


def test_traffic_records_are_newest_first_and_the_count_matches_them() -> None:
    """The review saw "未处理违法：2" over three unsorted records: the count is of the
    unhandled ones, and the records now come newest first with their status."""
    seen_many = False
    for seed in range(40):
        for number in idnumber.SAMPLE_IDS:
            record = population.records("trf", number, seed, TODAY)
            rows = record["rows"]
            seen_many = seen_many or len(rows) >= 2
            assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
            assert int(_value(record, "未处理违法")) == sum(r["handled"] == "未处理"
                                                         for r in rows)
    assert seen_many
