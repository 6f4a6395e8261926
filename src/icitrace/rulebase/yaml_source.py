"""Safe YAML reading that remembers where everything was written.

Rule files are data typed by hand, so every problem must point at a file and line. PyYAML's node
tree keeps those marks; we build plain data from it and keep the tree to look lines up later.
Anchors and aliases are refused outright, before anything is constructed: rule files never need
them, and refusing them rules out alias-expansion bombs.

Where YAML 1.1's typing would change what a person wrote (``Yes``, ``on`` and ``NO`` are booleans, keys
too, ``0x10`` is 16), a reader takes the scalar's text from the node tree (``node_at``, ``text_of``) and
constructs only the parts meant to be typed (``construct``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from icitrace.errors import YamlProblem  # noqa: F401 - defined with the family

# libyaml's parser when PyYAML was built with it (5x faster start-up), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check(node: yaml.Node, seen: set[int], where: int, what: str = "rule files") -> None:
    """Refuse aliases (a node reached twice: the composer shares the anchored node) and duplicate keys."""
    if id(node) in seen:
        raise YamlProblem(where, f"anchors and aliases (*name) are not allowed in {what}")
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in keys:
                    raise YamlProblem(key.start_mark.line + 1, f"duplicate key `{key.value}`")
                keys.add(key.value)
            _check(value, seen, key.start_mark.line + 1, what)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check(item, seen, item.start_mark.line + 1, what)


class YamlDoc:
    """Plain data from one YAML file plus the node tree, to answer 'which line was that?'."""

    def __init__(self, path: Path, text: str | None = None, what: str = "rule files"):
        """``what`` names the kind of file in messages ("rule files", "maps")."""
        self.path = path
        text = path.read_text(encoding="utf-8") if text is None else text
        loader = _Loader(text)
        try:
            try:
                self.node = loader.get_single_node()
                if self.node is not None:
                    _check(self.node, set(), 1, what)
                self.data = loader.construct_document(self.node) if self.node is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise YamlProblem(mark.line + 1 if mark else 1, f"YAML syntax: {error.problem or error}") from None

    def node_at(self, loc: tuple[object, ...] = ()) -> yaml.Node | None:
        """The node at ``loc`` (keys as written, and indices), or None when there is none."""
        node = self.node
        for step in loc:
            if node is None:
                return None
            node = _child(node, step)
        return node

    def line(self, loc: tuple[object, ...] = ()) -> int:
        """The 1-based line of the item at ``loc`` (keys and indices), or of its nearest parent."""
        node = self.node
        if node is None:
            return 1
        for step in loc:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1


def _child(node: yaml.Node, step: object) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == step:
                return value
            if isinstance(step, str) and key.value == step.rstrip("_"):
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def text_of(node: yaml.Node) -> str | None:
    """A scalar's text as written (quotes and escapes undone, never typed: ``Yes`` stays "Yes" and
    ``0x10`` "0x10"); None for a mapping or a list."""
    return node.value if isinstance(node, yaml.ScalarNode) else None


def is_null(node: yaml.Node) -> bool:
    """Whether a node is YAML's null as written: ``~``, ``null`` or nothing, unquoted."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def construct(node: yaml.Node) -> object:
    """The plain data of one node, typed as YAML types it (the safe constructor: no Python objects)."""
    return yaml.constructor.SafeConstructor().construct_document(node)
