"""Ranking models from blind-comparison votes: Bradley-Terry with a weak Gaussian prior.

Each vote names two models and an outcome: ``a`` (the first answer was better), ``b``, ``tie``
or ``both_bad``. The model is Bradley-Terry, P(i beats j) = 1 / (1 + e^(θj − θi)); a tie and
"both bad" count as half a win for each side, as Chatbot Arena counts them. Unlike Elo updates,
the result does not depend on the order the votes came in.

θ is the maximum a posteriori estimate under a N(0, σ²) prior on each model. Without a prior a
model that has only ever won has θ = ∞ (no maximum likelihood estimate exists); the prior keeps
it finite and still ranks it first. The prior also fixes the scale's zero: at the optimum
Σθ = 0, so the average model scores ``BASE_SCORE``.

Scores are on the Elo scale, ``BASE_SCORE + θ · 400 / ln 10``: a gap of 400 points means 10:1
odds. The uncertainty is the half-width of a 95 % interval from the Fisher information of the
model's own θ (the others held at their estimates), 1.96 / √(Σ p(1 − p) + 1/σ²) over its votes,
on the same scale: it shrinks like 1/√votes. Qt-free, standard library only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

__all__ = ["BASE_SCORE", "OUTCOMES", "PRIOR_SD", "Standing", "Vote", "leaderboard"]

Outcome = Literal["a", "b", "tie", "both_bad"]
OUTCOMES: tuple[str, ...] = ("a", "b", "tie", "both_bad")

BASE_SCORE = 1000.0
#: Elo points per unit of θ: 400 points is a factor of 10 in the odds.
SCALE = 400 / math.log(10)
#: The prior's standard deviation in score points: weak enough that a handful of votes move a
#: model far, strong enough that a model that has only won stays finite.
PRIOR_SD = 400.0
Z_95 = 1.959963984540054
_TOLERANCE = 1e-10  # θ units (a score point is 0.0058): far below anything shown
_MAX_SWEEPS = 100_000
_SAME_SCORE = 1e-6  # score points: closer than this is a shared rank


class Vote(NamedTuple):
    """One judgement between the answers of ``model_a`` and ``model_b``."""

    model_a: str
    model_b: str
    outcome: Outcome


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard."""

    rank: int  # 1 for the best; models with equal scores share a rank
    model: str
    score: float
    uncertainty: float  # ± half-width of the 95 % interval, in score points
    votes: int
    wins: int
    losses: int
    ties: int
    both_bad: int


class _Tally:
    """Votes per model and wins per ordered pair: all the fit needs, whatever the vote order."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(
            lambda: {"votes": 0, "wins": 0, "losses": 0, "ties": 0, "both_bad": 0}
        )
        self.games: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.won: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, vote: Vote) -> None:
        a, b, outcome = vote
        if outcome not in OUTCOMES:
            raise ValueError(f"Unknown vote outcome {outcome!r}: use one of {', '.join(OUTCOMES)}.")
        if not a or not b:
            raise ValueError("A vote needs the names of both models.")
        if a == b:
            return  # a model against itself says nothing about its rank
        score_a = {"a": 1.0, "b": 0.0}.get(outcome, 0.5)
        for me, other, mine in ((a, b, score_a), (b, a, 1.0 - score_a)):
            self.games[me][other] += 1
            self.won[me][other] += mine
            counts = self.counts[me]
            counts["votes"] += 1
            if outcome == "both_bad":
                counts["both_bad"] += 1
            elif outcome == "tie":
                counts["ties"] += 1
            else:
                counts["wins" if mine else "losses"] += 1


def _log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


class _Fit:
    """The log posterior of θ and its maximisation one model at a time."""

    def __init__(self, tally: _Tally, prior_sd: float) -> None:
        self.tally = tally
        self.precision = (SCALE / prior_sd) ** 2  # 1/σ² in θ units
        self.theta: dict[str, float] = dict.fromkeys(sorted(tally.counts), 0.0)

    def _opponents(self, model: str) -> list[tuple[float, float, float]]:
        """(θ of the opponent, games, wins) for each opponent, in name order."""
        games, won = self.tally.games[model], self.tally.won[model]
        return [(self.theta[other], games[other], won[other]) for other in sorted(games)]

    def _objective(self, value: float, opponents: list[tuple[float, float, float]]) -> float:
        total = -0.5 * self.precision * value * value
        for other, games, wins in opponents:
            total += wins * _log_sigmoid(value - other) + (games - wins) * _log_sigmoid(
                other - value
            )
        return total

    def information(self, model: str) -> float:
        """Minus the second derivative of the log posterior in this model's θ."""
        value = self.theta[model]
        total = self.precision
        for other, games, _wins in self._opponents(model):
            p = _sigmoid(value - other)
            total += games * p * (1 - p)
        return total

    def _update(self, model: str) -> float:
        """Maximise over one θ (safeguarded Newton); how far it moved."""
        opponents = self._opponents(model)
        start = value = self.theta[model]
        for _ in range(100):
            gradient, curvature = -self.precision * value, self.precision
            for other, games, wins in opponents:
                p = _sigmoid(value - other)
                gradient += wins - games * p
                curvature += games * p * (1 - p)
            step = gradient / curvature
            current = self._objective(value, opponents)
            while step and self._objective(value + step, opponents) < current:
                step /= 2  # the full Newton step overshot: halve it until it climbs
                if abs(step) < _TOLERANCE:
                    step = 0.0
            value += step
            if abs(step) < _TOLERANCE:
                break
        self.theta[model] = value
        return abs(value - start)

    def _components(self) -> list[list[str]]:
        """Groups of models linked by votes, each in name order."""
        seen: set[str] = set()
        groups = []
        for model in self.theta:
            if model in seen:
                continue
            group, pending = [], [model]
            seen.add(model)
            while pending:
                current = pending.pop()
                group.append(current)
                for other in self.tally.games[current]:
                    if other not in seen:
                        seen.add(other)
                        pending.append(other)
            groups.append(sorted(group))
        return groups

    def run(self) -> None:
        groups = self._components()
        for _ in range(_MAX_SWEEPS):
            moved = max((self._update(model) for model in self.theta), default=0.0)
            # The votes say nothing about a group's common level, only the prior does, and its
            # best level is mean 0: setting it at once spares the sweeps that would creep there.
            for group in groups:
                mean = math.fsum(self.theta[model] for model in group) / len(group)
                for model in group:
                    self.theta[model] -= mean
            if moved < _TOLERANCE:
                return


def leaderboard(
    votes: Iterable[Vote | tuple[str, str, str]], *, prior_sd: float = PRIOR_SD
) -> list[Standing]:
    """Every model that has a vote, best first.

    ``votes`` are ``Vote``s or plain ``(model_a, model_b, outcome)`` tuples. A vote with an
    unknown outcome or an empty model name raises ``ValueError``; a model compared with itself is
    left out (it says nothing about its rank). ``prior_sd`` is in score points.
    """
    if not prior_sd > 0:
        raise ValueError("prior_sd must be positive.")
    tally = _Tally()
    for vote in votes:
        tally.add(Vote(*vote))  # type: ignore[arg-type]
    fit = _Fit(tally, prior_sd)
    fit.run()
    scores = {model: BASE_SCORE + SCALE * theta for model, theta in fit.theta.items()}
    ranked = sorted(scores, key=lambda model: (-scores[model], model))
    return [
        Standing(
            rank=1 + sum(1 for other in ranked if scores[other] > scores[model] + _SAME_SCORE),
            model=model,
            score=scores[model],
            uncertainty=Z_95 * SCALE / math.sqrt(fit.information(model)),
            **tally.counts[model],
        )
        for model in ranked
    ]
