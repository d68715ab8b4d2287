"""Blind mode of the comparison window: names hidden until the vote, the vote stored and the
leaderboard (a part of ``CompareWindow``, kept apart to stay small).

While blind, the columns are ``Model A``, ``Model B``, … in an order shuffled on the first
prompt; once every column has answered, each offers "This one is better" and the vote bar "Tie"
and "Both are bad". The vote is stored as pairwise results (``compare_store.votes_for``) for the
leaderboard, and the names are revealed.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from app.core.compare_store import contender_name, votes_for
from app.core.leaderboard import leaderboard

from .compare_column import CompareColumn
from .compare_vote import LeaderboardDialog

if TYPE_CHECKING:
    from .compare_view import CompareWindow

log = logging.getLogger(__name__)


class BlindVoting:
    """Blind mode, voting and the leaderboard of a ``CompareWindow``."""

    # ----- blind mode -----------------------------------------------------------------------------
    def is_blind(self: CompareWindow) -> bool:
        """Names are hidden now (blind and not voted yet)."""
        return self.blind_box.isChecked() and not self.revealed

    def _blind_toggled(self: CompareWindow, _on: bool) -> None:
        self._apply_blind()
        self.area.set_titles(self._tab_titles())

    def _apply_blind(self: CompareWindow) -> None:
        blind = self.is_blind()
        for position, widget in enumerate(self._order):
            widget.set_blind(position if blind else None)

    def _offer_vote(self: CompareWindow) -> None:
        ready = self.is_blind() and not self.run.busy and self.has_turns()
        self.vote_bar.setVisible(ready)
        for widget in self._order:
            widget.vote_button.setVisible(ready)

    def vote(self: CompareWindow, choice: int | str) -> bool:
        """Vote (a column key, ``"tie"`` or ``"both_bad"``), store it, reveal the names."""
        if not self.is_blind() or self.run.busy or not self.has_turns():
            return False
        contenders = [self._contender(widget) for widget in self._order]
        if isinstance(choice, int):
            position = self._order.index(self.column_widgets[choice])
            votes = votes_for(contenders, position)
        else:
            votes = votes_for(contenders, choice)
        self.revealed = True
        self.save()
        if self.store is not None:
            try:
                self.store.add_votes(self.comparison_id, votes)
            except sqlite3.Error as error:
                log.warning("could not store the vote: %s", error)
        self._apply_blind()
        self._offer_vote()
        for widget in self._order:
            column = self.run.column(widget.key)
            widget.redraw(column.session.turns, column)
            widget.show_stats(column)  # now with its cost
        self.area.set_titles(self._tab_titles())
        self.hint.setText(self._vote_summary(choice))
        self.voted.emit(choice)
        return True

    def _vote_summary(self: CompareWindow, choice: int | str) -> str:
        """What the vote was, now that the names can be said."""
        if choice == "tie":
            return self.tr("Voted: a tie.")
        if choice == "both_bad":
            return self.tr("Voted: both are bad.")
        assert isinstance(choice, int)
        widget = self.column_widgets[choice]
        letter = chr(ord("A") + self._order.index(widget))
        title = self.run.column(choice).spec.title
        return self.tr("Voted: Model {letter} ({title}) is better.").format(
            letter=letter, title=title
        )

    def _contender(self: CompareWindow, widget: CompareColumn) -> str:
        spec = self.run.column(widget.key).spec
        return contender_name(spec.provider_id, spec.model_name, spec.params)

    def show_leaderboard(self: CompareWindow) -> LeaderboardDialog:
        votes = self.store.votes() if self.store is not None else []
        dialog = LeaderboardDialog(leaderboard(votes), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
