"""The Monte Carlo truth: where the exact truth is out of reach, a seeded estimate with its standard error,
used by `heurcheck estimate --truth` and labelled as such."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from heurcheck.arguments import Arguments
from heurcheck.cli import main
from heurcheck.domains.mlp import MLP_DOMAIN, closed_form, monte_carlo, research_mlp, truth
from heurcheck.domains.mlp.jsonform import mlp_to_json
from heurcheck.domains.reference import DEFAULT_TRUTH_SEED, reference_truth

DEEP = research_mlp(depth=3, width=4, seed=1)  # three relu layers: no exact truth
SHALLOW = research_mlp(depth=1, width=4, seed=1)  # one relu layer: the closed form


def test_the_exact_truth_is_used_where_it_is_in_reach_and_says_so() -> None:
    ref = reference_truth(SHALLOW, Arguments())
    assert ref.exact and ref.stderr == 0 and ref.samples is None
    assert ref.value == truth(SHALLOW)


def test_a_deep_network_gets_a_seeded_monte_carlo_truth_with_its_standard_error() -> None:
    ref = reference_truth(DEEP, Arguments())
    assert not ref.exact
    assert ref.samples == MLP_DOMAIN.truth_samples and ref.seed == DEFAULT_TRUTH_SEED
    assert 0 < ref.stderr < 0.05 * abs(ref.value)
    assert "relu" in ref.why  # why the exact truth was out of reach
    assert reference_truth(DEEP, Arguments()) == ref  # the same seed gives the same draws
    assert reference_truth(DEEP, Arguments(), seed=1).value != ref.value


def test_the_monte_carlo_truth_agrees_with_the_closed_form_within_its_standard_error() -> None:
    exact = closed_form(SHALLOW)
    assert exact is not None
    for seed in range(3):
        mc = monte_carlo(SHALLOW, 20_000, seed)
        assert abs(mc.mean - exact) < 4 * mc.stderr, (seed, mc, exact)


def test_chunks_do_not_change_the_estimate_beyond_rounding() -> None:
    # the running sums over chunks equal one pass over the same draws
    from heurcheck.domains.mlp import sampling

    whole = monte_carlo(DEEP, 3000, 5)
    old = sampling.MAX_CHUNK
    try:
        sampling.MAX_CHUNK = 1000
        chunked = monte_carlo(DEEP, 3000, 5)
    finally:
        sampling.MAX_CHUNK = old
    assert abs(whole.mean - chunked.mean) < 1e-9 * max(1.0, abs(whole.mean))
    assert abs(whole.stderr - chunked.stderr) < 1e-9 * whole.stderr


def test_estimate_with_truth_falls_back_to_monte_carlo_and_shows_the_standard_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(mlp_to_json(DEEP)))
    shown = CliRunner().invoke(main, ["estimate", "covariance", str(path), "--truth", "--truth-samples", "4000"])
    assert shown.exit_code == 0, shown.output
    assert "± " in shown.output and "Monte Carlo truth: 4000 samples" in shown.output, shown.output
    assert "no exact value" in shown.output
    as_json = CliRunner().invoke(main, ["estimate", "covariance", str(path), "--truth", "--truth-samples", "4000",
                                        "--json"])
    doc = json.loads(as_json.output)
    assert doc["truth_method"] == "monte-carlo" and doc["truth_samples"] == 4000 and doc["truth_stderr"] > 0
    expected = reference_truth(DEEP, Arguments(), samples=4000)
    assert doc["truth"] == expected.value and doc["truth_stderr"] == expected.stderr


def test_an_exact_truth_is_shown_without_an_error_bar(tmp_path: Path) -> None:
    path = tmp_path / "shallow.json"
    path.write_text(json.dumps(mlp_to_json(SHALLOW)))
    shown = CliRunner().invoke(main, ["estimate", "covariance", str(path), "--truth", "--json"])
    doc = json.loads(shown.output)
    assert "truth_stderr" not in doc and abs(doc["error"]) < 1e-9 * max(1.0, abs(doc["truth"]))


def test_the_exact_estimator_declares_a_deep_network_outside_its_domain(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(mlp_to_json(DEEP)))
    shown = CliRunner().invoke(main, ["estimate", "exact", str(path)])
    assert shown.exit_code == 2 and "no exact value" in shown.output and "Traceback" not in shown.output


def test_a_domain_that_does_not_opt_in_keeps_refusing_an_out_of_reach_truth() -> None:
    import pytest

    from heurcheck.domains.permanent import Matrix
    from heurcheck.errors import TruthTooExpensive

    big = Matrix(tuple(tuple(1 for _ in range(26)) for _ in range(26)))  # past the exact permanent's order limit
    with pytest.raises(TruthTooExpensive):
        reference_truth(big, Arguments())
