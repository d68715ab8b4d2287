"""A conversation as a tree of messages: answer versions and edit branches.

Regenerating an answer adds a sibling of it under the same user message; editing a message adds
a sibling of that message under the same parent. Each node remembers which child is shown (the
"active" one), so the conversation on screen, in a request and in an export is one path: from
the root, always the active child. Qt-free; ``ChatSession`` keeps one per conversation and
``History`` stores the same shape (``parent_id`` + ``active_child_id`` per message).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class Node(Generic[T]):
    """One message (``item``) with its children; ``active`` is the child on the shown path."""

    item: T | None
    parent: Node[T] | None = None
    children: list[Node[T]] = field(default_factory=list)
    active: Node[T] | None = None

    def chosen(self) -> Node[T] | None:
        """The active child, or else the newest one (a removed active child leaves a gap)."""
        if self.active is not None and self.active in self.children:
            return self.active
        return self.children[-1] if self.children else None


class MessageTree(Generic[T]):
    """Messages under an invisible root; ``path()`` is the conversation being shown."""

    def __init__(self) -> None:
        self.root: Node[T] = Node(None)

    def path(self) -> list[Node[T]]:
        nodes: list[Node[T]] = []
        node = self.root.chosen()
        while node is not None:
            nodes.append(node)
            node = node.chosen()
        return nodes

    def add(self, parent: Node[T] | None, item: T) -> Node[T]:
        """A new child of ``parent`` (None: the root), shown from now on."""
        parent = parent or self.root
        node = Node(item, parent)
        parent.children.append(node)
        parent.active = node
        return node

    def remove(self, node: Node[T]) -> None:
        """Drop ``node`` and everything under it; its parent shows its newest other child."""
        parent = node.parent or self.root
        parent.children.remove(node)
        if parent.active is node:
            parent.active = parent.children[-1] if parent.children else None

    def select(self, node: Node[T]) -> None:
        """Show ``node`` instead of its siblings (and, below it, what it showed last time)."""
        (node.parent or self.root).active = node

    @staticmethod
    def version(node: Node[T]) -> tuple[int, int]:
        """``node``'s place among its siblings: (number from 1, how many)."""
        siblings = (node.parent.children) if node.parent is not None else [node]
        return siblings.index(node) + 1, len(siblings)

    @staticmethod
    def sibling(node: Node[T], step: int) -> Node[T] | None:
        """The sibling ``step`` places away (None past either end)."""
        if node.parent is None:
            return None
        siblings = node.parent.children
        place = siblings.index(node) + step
        return siblings[place] if 0 <= place < len(siblings) else None

    @classmethod
    def build(
        cls,
        rows: Iterable[tuple[int, int | None, T]],
        active: dict[int | None, int | None],
    ) -> tuple[MessageTree[T], dict[int, Node[T]]]:
        """A tree from stored rows ``(id, parent id, item)`` in creation order, ``active``
        mapping a parent id (None: the root) to its shown child's id. Rows whose parent is
        missing hang from the root, so nothing stored is ever lost."""
        tree: MessageTree[T] = cls()
        by_id: dict[int, Node[T]] = {}
        for row_id, parent_id, item in rows:
            parent = by_id.get(parent_id) if parent_id is not None else None
            node = Node(item, parent or tree.root)
            (parent or tree.root).children.append(node)
            by_id[row_id] = node
        for parent_id, child_id in active.items():
            parent = tree.root if parent_id is None else by_id.get(parent_id)
            child = by_id.get(child_id) if child_id is not None else None
            if parent is not None and child is not None and child.parent is parent:
                parent.active = child
        return tree, by_id
