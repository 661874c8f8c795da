"""A finding's JSON form: what a check costs is recorded, and a finding read with the standard json module
(decimals as floats) reads back like one read by heurcheck (decimals as exact rationals)."""

from __future__ import annotations

import json

from heurcheck.findings import Finding, Verdict, finding_from_json


def _finding() -> Finding:
    return Finding("linearity", {}, "sampling", {}, "circuit", Verdict.STATISTICALLY_CONSISTENT, "random", 0, 150,
                   p_value=0.4375, seconds=12.5)


def test_a_findings_seconds_and_p_value_survive_the_standard_json_module() -> None:
    text = json.dumps(_finding().to_json())
    back = finding_from_json(json.loads(text))
    assert back.seconds == 12.5 and back.p_value == 0.4375 and back == _finding()


def test_a_finding_without_seconds_reads_back_with_none() -> None:
    document = _finding().to_json()
    del document["seconds"]
    assert finding_from_json(document).seconds is None


def test_seconds_never_change_a_findings_key() -> None:
    from dataclasses import replace
    assert replace(_finding(), seconds=99.0).key() == _finding().key()
