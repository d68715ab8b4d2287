"""MessageTree (app/core/message_tree.py): versions are siblings, the shown path follows each
node's active child, and a stored tree is rebuilt without losing a message."""

from __future__ import annotations

from app.core.message_tree import MessageTree


def test_versions_paths_and_removal() -> None:
    tree: MessageTree[str] = MessageTree()
    question = tree.add(None, "q")
    first = tree.add(question, "a1")
    tree.add(first, "q2")
    second = tree.add(question, "a2")
    assert [node.item for node in tree.path()] == ["q", "a2"]
    assert tree.version(second) == (2, 2) and tree.version(first) == (1, 2)
    assert tree.sibling(second, -1) is first and tree.sibling(second, 1) is None
    tree.select(first)
    assert [node.item for node in tree.path()] == ["q", "a1", "q2"]  # what followed it returns
    tree.remove(first)
    assert [node.item for node in tree.path()] == ["q", "a2"] and tree.version(second) == (1, 1)


def test_build_keeps_orphans_and_ignores_a_stale_choice() -> None:
    rows = [(1, None, "q"), (2, 1, "a1"), (3, 1, "a2"), (4, 99, "orphan")]
    tree, by_id = MessageTree.build(rows, {None: 1, 1: 2, 2: 3})  # 2 → 3 is no child of 2
    assert [node.item for node in tree.path()] == ["q", "a1"]
    assert by_id[4].parent is tree.root and len(tree.root.children) == 2
    tree, _ = MessageTree.build(rows[:3], {})
    assert [node.item for node in tree.path()] == ["q", "a2"]  # no choice stored: the newest
