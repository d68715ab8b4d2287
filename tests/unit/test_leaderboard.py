"""The leaderboard's arithmetic, checked by hand.

Bradley-Terry: P(i beats j) = 1 / (1 + e^(θj − θi)); score = 1000 + θ · 400 / ln 10, so a model
that wins 2 of 3 against another is 400 · log10(2) = 120.41 points above it when the data decide
alone (a very wide prior). Ties and "both bad" are half a win for each side.
"""

from __future__ import annotations

import math
import random

import pytest

from app.core.leaderboard import BASE_SCORE, PRIOR_SD, Standing, Vote, leaderboard

NO_PRIOR = 1e9  # score points: the prior then has no say and the result is the plain MLE
TWO_TO_ONE = 400 * math.log10(2)  # 120.412 points: the gap for 2:1 odds
Z_95 = 1.959963984540054
SCALE = 400 / math.log(10)


def by_model(rows: list[Standing]) -> dict[str, Standing]:
    return {row.model: row for row in rows}


def test_no_votes_no_rows() -> None:
    assert leaderboard([]) == []


def test_symmetric_results_give_equal_scores_and_a_shared_rank() -> None:
    rows = leaderboard([("A", "B", "a"), ("A", "B", "b")])
    assert [row.score for row in rows] == pytest.approx([BASE_SCORE, BASE_SCORE], abs=1e-9)
    assert [row.rank for row in rows] == [1, 1]
    cycle = leaderboard([("A", "B", "a"), ("B", "C", "a"), ("C", "A", "a")])
    assert [row.score for row in cycle] == pytest.approx([BASE_SCORE] * 3, abs=1e-9)
    assert {row.rank for row in cycle} == {1}


def test_scores_match_odds_that_fit_bradley_terry_exactly() -> None:
    # A:B 2:1, B:C 2:1, A:C 4:1 are exactly BT odds with A − B = B − C = ln 2: that θ is the MLE.
    votes = (
        [("A", "B", "a")] * 2 + [("A", "B", "b")]
        + [("B", "C", "a")] * 2 + [("C", "B", "a")]
        + [("C", "A", "b")] * 4 + [("C", "A", "a")]
    )  # fmt: skip
    rows = leaderboard(votes, prior_sd=NO_PRIOR)
    assert [row.model for row in rows] == ["A", "B", "C"]
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.score for row in rows] == pytest.approx(
        [BASE_SCORE + TWO_TO_ONE, BASE_SCORE, BASE_SCORE - TWO_TO_ONE], abs=1e-6
    )
    a = by_model(rows)["A"]
    assert (a.votes, a.wins, a.losses, a.ties, a.both_bad) == (8, 6, 2, 0, 0)


@pytest.mark.parametrize("draw", ["tie", "both_bad"])
def test_a_tie_is_half_a_win_for_each_side(draw: str) -> None:
    # One win and two draws: A has 2 of 3, the 2:1 gap, centred on 1000.
    rows = by_model(
        leaderboard([("A", "B", "a"), ("A", "B", draw), ("B", "A", draw)], prior_sd=NO_PRIOR)
    )
    assert rows["A"].score == pytest.approx(BASE_SCORE + TWO_TO_ONE / 2, abs=1e-6)
    assert rows["B"].score == pytest.approx(BASE_SCORE - TWO_TO_ONE / 2, abs=1e-6)
    counts = (rows["B"].votes, rows["B"].wins, rows["B"].losses, rows["B"].ties, rows["B"].both_bad)
    assert counts == ((3, 0, 1, 2, 0) if draw == "tie" else (3, 0, 1, 0, 2))


def test_a_model_that_always_wins_ranks_first_with_a_finite_score() -> None:
    rows = leaderboard([("A", "B", "a")] * 5 + [("B", "C", "a")] * 5 + [("A", "C", "a")] * 5)
    assert [row.model for row in rows] == ["A", "B", "C"]
    assert all(math.isfinite(row.score) for row in rows)
    # By symmetry B sits at 1000 and A at 1000 + t; with the prior σ = PRIOR_SD/SCALE in θ units,
    # A's MAP equation is 10 wins − 5 σ(t) − 5 σ(2t) − t/σ² = 0 (θ in natural units).
    theta = (rows[0].score - BASE_SCORE) / SCALE
    precision = (SCALE / PRIOR_SD) ** 2

    def sig(x: float) -> float:
        return 1 / (1 + math.exp(-x))

    assert rows[1].score == pytest.approx(BASE_SCORE, abs=1e-6)
    assert 10 - 5 * sig(theta) - 5 * sig(2 * theta) - precision * theta == pytest.approx(
        0, abs=1e-8
    )


def test_uncertainty_is_the_fisher_interval_by_hand() -> None:
    # Four ties: θ = 0, p = 1/2, information = 4 · 1/4 + 1/σ² with σ = ln 10 (400 points).
    rows = leaderboard([("A", "B", "tie")] * 4)
    expected = Z_95 * SCALE / math.sqrt(1 + (1 / math.log(10)) ** 2)
    assert [row.uncertainty for row in rows] == pytest.approx([expected, expected], rel=1e-12)
    assert expected == pytest.approx(312.3, abs=0.1)  # 1.96 · 173.72 / 1.0902


def test_uncertainty_shrinks_with_more_votes() -> None:
    few = leaderboard([("A", "B", "a"), ("A", "B", "b")] * 5)[0].uncertainty
    many = leaderboard([("A", "B", "a"), ("A", "B", "b")] * 50)[0].uncertainty
    lots = leaderboard([("A", "B", "a"), ("A", "B", "b")] * 500)[0].uncertainty
    assert few > many > lots
    # Like 1/√votes once the votes outweigh the prior: ten times the votes, about √10 narrower.
    assert many / lots == pytest.approx(math.sqrt(10), rel=0.01)


def _random_votes(seed: int, count: int) -> list[Vote]:
    rng = random.Random(seed)
    models = ["alpha", "beta", "gamma", "delta", "epsilon"]
    votes = []
    for _ in range(count):
        a, b = rng.sample(models, 2)
        votes.append(Vote(a, b, rng.choice(["a", "a", "b", "tie", "both_bad"])))
    return votes


def test_order_of_votes_and_sides_does_not_matter() -> None:
    votes = _random_votes(7, 120)
    reference = leaderboard(votes)
    rng = random.Random(3)
    for _ in range(10):
        shuffled = votes[:]
        rng.shuffle(shuffled)
        assert leaderboard(shuffled) == reference
    swap = {"a": "b", "b": "a", "tie": "tie", "both_bad": "both_bad"}
    mirrored = [Vote(v.model_b, v.model_a, swap[v.outcome]) for v in votes]  # type: ignore[arg-type]
    assert leaderboard(mirrored) == reference


def test_the_result_is_the_posterior_maximum() -> None:
    """Independent of how the fit gets there: every model's score equation holds."""
    votes = _random_votes(11, 300)
    rows = by_model(leaderboard(votes))
    theta = {model: (row.score - BASE_SCORE) / SCALE for model, row in rows.items()}
    precision = (SCALE / PRIOR_SD) ** 2
    gradient = {model: -precision * value for model, value in theta.items()}
    for a, b, outcome in votes:
        won = {"a": 1.0, "b": 0.0}.get(outcome, 0.5)
        p = 1 / (1 + math.exp(theta[b] - theta[a]))
        gradient[a] += won - p
        gradient[b] -= won - p
    assert max(abs(value) for value in gradient.values()) < 1e-8
    assert math.fsum(theta.values()) == pytest.approx(0, abs=1e-9)  # the average model is 1000


def test_groups_without_common_votes_are_each_centred() -> None:
    rows = by_model(leaderboard([("A", "B", "a"), ("C", "D", "a"), ("C", "D", "a")]))
    assert rows["A"].score + rows["B"].score == pytest.approx(2 * BASE_SCORE, abs=1e-6)
    assert rows["C"].score + rows["D"].score == pytest.approx(2 * BASE_SCORE, abs=1e-6)
    assert rows["C"].score > rows["A"].score > BASE_SCORE  # two wins say more than one


def test_a_model_against_itself_is_left_out() -> None:
    rows = leaderboard([("A", "A", "a"), ("A", "B", "a")])
    assert [(row.model, row.votes) for row in rows] == [("A", 1), ("B", 1)]
    assert leaderboard([("A", "A", "tie")]) == []


@pytest.mark.parametrize(
    ("vote", "message"),
    [(("A", "B", "draw"), "Unknown vote outcome 'draw'"), (("", "B", "a"), "both models")],
)
def test_bad_votes_are_refused(vote: tuple[str, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        leaderboard([("A", "B", "a"), vote])
