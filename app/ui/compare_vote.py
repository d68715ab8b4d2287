"""Blind comparison's voting: the bar that asks for a vote, and the leaderboard dialog.

While a comparison is blind, its columns are ``Model A``, ``Model B``, …; once every column has
answered, this bar asks which is better (each column's own "This one is better" button, or "Tie"
/ "Both are bad" here). The vote reveals the names; the window stores it
(``compare_store.CompareStore.add_votes``). The leaderboard ranks every model from every vote
stored (``app.core.leaderboard``: Bradley-Terry on the Elo scale, with a 95 % interval).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.leaderboard import Standing

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class VoteBar(QFrame):
    """ "Which answer is better?" with Tie and Both are bad; ``voted`` carries the outcome
    (``"tie"`` or ``"both_bad"``; a column's own button votes for it)."""

    voted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voteBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        row.setSpacing(8)
        self.label = QLabel(
            self.tr("Which answer is better? Pick one with “This one is better”, or:")
        )
        self.label.setObjectName("voteHint")
        self.label.setWordWrap(True)
        self.tie_button = QPushButton(self.tr("Tie"))
        self.tie_button.setObjectName("voteTie")
        self.both_bad_button = QPushButton(self.tr("Both are bad"))
        self.both_bad_button.setObjectName("voteBothBad")
        row.addWidget(self.label, 1)
        row.addWidget(self.tie_button)
        row.addWidget(self.both_bad_button)
        self.tie_button.clicked.connect(lambda: self.voted.emit("tie"))
        self.both_bad_button.clicked.connect(lambda: self.voted.emit("both_bad"))


class LeaderboardDialog(QDialog):
    """Every model that has a vote, best first: rank, score ± interval, votes, results."""

    def __init__(self, standings: Sequence[Standing], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leaderboard")
        self.setWindowTitle(self.tr("Leaderboard — Roundtable"))
        self.resize(760, 420)
        headers = [
            self.tr("Rank"), self.tr("Model"), self.tr("Score"), self.tr("± 95 %"),
            self.tr("Votes"), self.tr("Wins"), self.tr("Losses"), self.tr("Ties"),
            self.tr("Both bad"),
        ]  # fmt: skip
        self.table = QTableWidget(len(standings), len(headers))
        self.table.setObjectName("leaderboardTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, standing in enumerate(standings):
            cells = [
                str(standing.rank), standing.model, f"{standing.score:.0f}",
                f"±{standing.uncertainty:.0f}", str(standing.votes), str(standing.wins),
                str(standing.losses), str(standing.ties), str(standing.both_bad),
            ]  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        note = QLabel(
            self.tr(
                "Bradley-Terry scores on the Elo scale (1000 is the average model; 400 points "
                "is 10:1 odds), from every blind vote. ± is a 95 % interval: it shrinks as "
                "votes add up."
            )
        )
        note.setWordWrap(True)
        self.empty = QLabel(self.tr("No votes yet: vote in a blind comparison to rank models."))
        self.empty.setVisible(not standings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def rows(self) -> list[list[str]]:
        """The table's text, row by row (what tests and screen readers see)."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
