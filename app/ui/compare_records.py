"""What the comparison window keeps: the comparison in the history, exports, presets, and the
columns remembered for next time (a part of ``CompareWindow``, kept apart to stay small).

Saved as a whole snapshot (``compare_store.CompareStore.save``) when a prompt is sent, when a
column ends, on a vote and on closing; reopened with all its columns and turns; a column can be
continued alone as an ordinary conversation (``chatRequested``: the window that opened the
comparison shows it).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from app.core import compare_export, compare_presets
from app.core.compare_store import SavedColumn, SavedComparison

if TYPE_CHECKING:
    from .compare_view import CompareWindow

log = logging.getLogger(__name__)

MIN_COLUMNS = 2
MAX_COLUMNS = 8
#: [{"provider", "model", "params", "system_prompt"}, ...] in settings.json
COLUMNS_KEY = "compare_columns"


class ComparisonRecords:
    """Saving, reopening, exporting, presets and remembered columns of a ``CompareWindow``."""

    #: Columns are being added or removed in a row: lay them out and remember them once, at the
    #: end (each layout of 8 columns costs ~30 ms, each settings write an fsync).
    _batching = False

    @contextmanager
    def _columns_batch(self: CompareWindow) -> Iterator[None]:
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._columns_changed()

    # ----- the saved comparison -------------------------------------------------------------------
    def snapshot(self: CompareWindow) -> SavedComparison:
        """The comparison as it is now (columns left to right, with their turns)."""
        columns = []
        for widget in self._order:
            column = self.run.column(widget.key)
            spec = column.spec
            saved = SavedColumn(
                spec.provider_id, spec.model_name, dict(spec.params), column.system_prompt,
                list(column.session.turns),
            )  # fmt: skip
            columns.append(saved)
        return SavedComparison(
            columns, self.system_prompt.toPlainText(), blind=self.blind_box.isChecked(),
            revealed=self.revealed, id=self.comparison_id,
        )  # fmt: skip

    def save(self: CompareWindow) -> int | None:
        """Write the comparison to the history (once it has turns); its conversation id."""
        if self.store is None or not self.has_turns():
            return None
        try:
            self.comparison_id = self.store.save(self.snapshot())
        except sqlite3.Error as error:
            log.warning("could not save the comparison: %s", error)
            self.hint.setText(self.tr("Not saved: {error}").format(error=error))
            return None
        self.saved.emit(self.comparison_id)
        return self.comparison_id

    def open_comparison(self: CompareWindow, conversation_id: int) -> bool:
        """Show a saved comparison with all its columns and turns, to go on with it."""
        if self.store is None or self.run.busy:
            return False
        try:
            stored = self.store.load(conversation_id)
        except (KeyError, sqlite3.Error) as error:
            log.warning("could not open comparison %s: %s", conversation_id, error)
            return False
        installed = [c for c in stored.columns if c.provider in self.providers]
        if len(installed) < MIN_COLUMNS:
            return False
        self.run.close()
        self._replace_columns(installed[:MAX_COLUMNS])
        self.system_prompt.setPlainText(stored.system_prompt)
        self.comparison_id, self.revealed = stored.id, stored.revealed
        self.blind_box.blockSignals(True)
        self.blind_box.setChecked(stored.blind)
        self.blind_box.blockSignals(False)
        self.blind_box.setEnabled(False)
        self._apply_blind()
        for widget, saved in zip(self._order, installed, strict=False):
            column = self.run.column(widget.key)
            column.session.load_turns(saved.turns)
            prompts = [t.content for t in saved.turns if t.role == "user"]
            if prompts:
                self.run.prompt = prompts[-1]
            widget.redraw(column.session.turns, column)
            widget.stats.setText(self.tr("Reopened from the history"))
        self.run.system_prompt = stored.system_prompt
        self.area.set_titles(self._tab_titles())
        self._offer_vote()
        return True

    def _replace_columns(self: CompareWindow, columns: list[SavedColumn]) -> None:
        with self._columns_batch():
            self._put_columns(columns)

    def _put_columns(self: CompareWindow, columns: list[SavedColumn]) -> None:
        for widget in list(self._order):
            self.run.remove_column(widget.key)
            del self.column_widgets[widget.key]
            self._order.remove(widget)
            widget.shutdown()
            widget.setParent(None)
            widget.deleteLater()
        for saved in columns:
            self.add_column(saved.provider, saved.model, saved.params, saved.system_prompt)

    def continue_as_chat(self: CompareWindow, key: int) -> int | None:
        """Go on with one column alone: its turns become a conversation of their own, which
        ``chatRequested`` hands to the window that opened this one."""
        widget = self.column_widgets.get(key)
        if widget is None or self.run.column(key).busy:
            return None
        if self.store is None:
            self.hint.setText(self.tr("The history is off: a column cannot go on as a chat."))
            return None
        column = self.run.column(key)
        spec = column.spec
        own = column.system_prompt
        system = self.system_prompt.toPlainText() if own is None else own
        try:
            conversation_id = self.store.save_as_chat(
                spec.provider_id, spec.model_name, system, column.session.turns
            )
        except sqlite3.Error as error:
            log.warning("could not copy the column to a chat: %s", error)
            return None
        self.chatRequested.emit(conversation_id)
        return conversation_id

    def export(self: CompareWindow, path: str) -> bool:
        """Write the comparison as Markdown (``.md``) or JSON (any other suffix)."""
        comparison = self.snapshot()
        target = Path(path)
        if target.suffix.lower() in (".md", ".markdown"):
            text = compare_export.markdown(comparison)
        else:
            text = json.dumps(compare_export.as_json(comparison), ensure_ascii=False, indent=2)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as error:
            self.hint.setText(self.tr("Could not export: {error}").format(error=error))
            return False
        return True

    def _ask_export(self: CompareWindow) -> None:
        if self.export_path_hook is not None:
            path = self.export_path_hook("comparison.md")
        else:
            path, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Export comparison"), "comparison.md",
                self.tr("Markdown (*.md);;JSON (*.json)"),
            )  # fmt: skip
        if path:
            self.export(path)

    # ----- presets and remembered columns ---------------------------------------------------------
    def save_preset(self: CompareWindow, name: str) -> None:
        for widget in self._order:
            self._update_spec(widget)
        try:
            compare_presets.save_preset(self.settings, name, self.snapshot().columns)
        except (ValueError, OSError) as error:
            self.hint.setText(self.tr("Preset not saved: {error}").format(error=error))
        self.presets.rebuild()

    def apply_preset(self: CompareWindow, name: str) -> bool:
        """Use the preset's columns (only between answers: a running comparison keeps its own)."""
        try:
            columns = compare_presets.preset(self.settings, name)
        except KeyError:
            return False
        columns = [c for c in columns if c.provider in self.providers][:MAX_COLUMNS]
        if self.run.busy or len(columns) < MIN_COLUMNS:
            return False
        self.new_comparison()
        self._replace_columns(columns)
        return True

    def _restore_columns(self: CompareWindow) -> None:
        with self._columns_batch():
            self._add_saved_columns()

    def _add_saved_columns(self: CompareWindow) -> None:
        saved = self.settings.get(COLUMNS_KEY)
        entries = (
            [entry for entry in saved if isinstance(entry, dict)] if isinstance(saved, list) else []
        )
        for entry in entries[:MAX_COLUMNS]:
            provider_id, model = entry.get("provider"), entry.get("model")
            params, own = entry.get("params"), entry.get("system_prompt")
            if isinstance(provider_id, str) and provider_id in self.providers:
                self.add_column(
                    provider_id, model if isinstance(model, str) else None,
                    params if isinstance(params, dict) else None,
                    own if isinstance(own, str) else None,
                )  # fmt: skip
        while len(self._order) < MIN_COLUMNS:
            self.add_column()

    def _save_columns(self: CompareWindow) -> None:
        if not self._order:
            return
        entries: list[dict[str, Any]] = []
        for widget in self._order:
            provider_id, model = widget.choice()
            entry: dict[str, Any] = {"provider": provider_id, "model": model}
            params, own = widget.params(), widget.own_system_prompt()
            if params:
                entry["params"] = params
            if own is not None:
                entry["system_prompt"] = own
            entries.append(entry)
        if self.settings.get(COLUMNS_KEY) != entries:
            try:
                self.settings.set(COLUMNS_KEY, entries)
            except (OSError, ValueError) as error:
                log.info("could not save the comparison's columns: %s", error)
