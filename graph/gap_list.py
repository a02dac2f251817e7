"""The answer of :func:`graph.gaps.find_gaps`: a ranked list whose pair gaps are written out when read.

Finding and ranking every gap of a region is a matter of arrays (:mod:`graph.peer_table`);
writing 669,650 explanations is not, and most readers look at the first page. So the
``unlinked_peers`` gaps stay rows of a :class:`~graph.peer_table.PeerTable` until an
item is read, and every other gap (a few thousand at most) is a dict from the start.
The two are merged by the rule of :func:`graph.gaps.sort_key`: higher score first,
and at the same score ``unlinked_peers`` (the first kind) before the others.

A :class:`Gaps` behaves as a read-only list of SPEC §5 dicts: ``len``, indexing,
slicing (a plain list), iteration, ``==`` with a list, and ``repr`` as a list.
Items once read are kept, so a page that filters the same answer twice pays once;
:meth:`Gaps.json_parts` writes every gap without keeping them.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from .landscape import paused_gc
from .peer_table import PeerTable

Gap = dict[str, Any]
#: Gaps written out at a time while iterating (with the garbage collector paused for each piece).
CHUNK = 10_000


def _score(gap: Gap | Pending) -> float:
    return gap.score if isinstance(gap, Pending) else float(gap["score"])


class Pending:
    """A gap whose place in the ranking is known and whose dict is written when it is first read.

    ``key`` is its :func:`graph.gaps.sort_key`, or any tuple that orders the same way
    against the other gaps of the answer; ``build()`` writes the dict.
    """

    __slots__ = ("build", "key", "kind", "score")

    def __init__(self, kind: str, score: float, key: tuple[Any, ...], build: Callable[[], Gap]) -> None:
        self.kind, self.score, self.key, self.build = kind, score, key, build


class Gaps(Sequence[Gap]):
    """Ranked gaps: ``others`` (dicts or :class:`Pending`, best first) merged with the rows of ``peers``.

    ``make_peer(i, j, score)`` writes out one pair of ``peers`` as a gap dict.
    """

    def __init__(self, others: list[Gap | Pending], peers: PeerTable | None = None,
                 make_peer: Callable[[int, int, float], Gap] | None = None) -> None:
        self._others, self._make_peer = others, make_peer
        self._peers = peers if peers is not None and len(peers) else None
        self._kept: dict[int, Gap] = {}
        self._at: list[int] = []
        self._n_peers = 0
        if self._peers is None:
            return
        self._n_peers = len(self._peers)
        # Peers are sorted by score descending; an other gap of score s comes after every
        # peer scoring s or more. Its place in the merged list is that count plus its own rank.
        self._at = [self._peers.scoring_at_least(_score(g)) + k for k, g in enumerate(others)]

    def __len__(self) -> int:
        return self._n_peers + len(self._others)

    @overload
    def __getitem__(self, index: int) -> Gap: ...

    @overload
    def __getitem__(self, index: slice) -> list[Gap]: ...

    def __getitem__(self, index: int | slice) -> Gap | list[Gap]:
        if isinstance(index, slice):
            return self._items(range(*index.indices(len(self))), keep=True)
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("gap index out of range")
        return self._item(index)

    def __iter__(self) -> Iterator[Gap]:
        for start in range(0, len(self), CHUNK):
            yield from self[start:start + CHUNK]

    def _items(self, indexes: range, keep: bool) -> list[Gap]:
        with paused_gc():  # hundreds of thousands of small dicts, no cycles (see paused_gc)
            return [self._item(k, keep) for k in indexes]

    def _item(self, index: int, keep: bool = True) -> Gap:
        if self._peers is None:
            return self._other(index)
        gap = self._kept.get(index)
        if gap is not None:
            return gap
        k = bisect_left(self._at, index)
        if k < len(self._at) and self._at[k] == index:
            return self._other(k)
        assert self._make_peer is not None
        gap = self._make_peer(*self._peers.pair(index - k))
        if keep:
            self._kept[index] = gap
        return gap

    def _other(self, k: int) -> Gap:
        gap = self._others[k]
        if isinstance(gap, Pending):
            gap = self._others[k] = gap.build()
        return gap

    def where(self, kind: str | None = None, actor: str | None = None, goal: str | None = None,
              goals: Iterable[str] | None = None, peers_within: Iterable[str] | None = None) -> Gaps:
        """The gaps of ``kind``, involving ``actor``, about ``goal`` or about one of ``goals``; same order.

        ``peers_within`` keeps only the ``unlinked_peers`` pairs with both actors in it (a map
        of part of the network) and leaves the other kinds alone. Pairs are chosen on their
        arrays (:meth:`graph.peer_table.PeerTable.where`), the other kinds one by one; nothing
        of what is left out is written out.
        """
        chosen = set(goals) if goals is not None else None
        inside = set(peers_within) if peers_within is not None else None
        written = [self._other(k) for k in range(len(self._others))]
        others: list[Gap | Pending] = [g for g in written
                                       if self._matches(g, kind, actor, goal, chosen, inside)]
        if self._peers is None or kind not in (None, "unlinked_peers"):
            return Gaps(others)
        return Gaps(others, self._peers.where(actor, goal, chosen, inside), self._make_peer)

    @staticmethod
    def _matches(gap: Gap, kind: str | None, actor: str | None, goal: str | None,
                 goals: set[str] | None, inside: set[str] | None) -> bool:
        return ((kind is None or gap["kind"] == kind) and (actor is None or actor in gap["actors"])
                and (goal is None or goal in gap["goals"])
                and (goals is None or not goals.isdisjoint(gap["goals"]))
                and (inside is None or gap["kind"] != "unlinked_peers" or inside.issuperset(gap["actors"])))

    def counts(self) -> dict[str, int]:
        """How many gaps of each kind (without writing any out)."""
        counts: dict[str, int] = {}
        if self._peers is not None:
            counts["unlinked_peers"] = self._n_peers
        for g in self._others:
            kind = g.kind if isinstance(g, Pending) else g["kind"]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def json_parts(self) -> Iterator[str]:
        """The answer as a JSON array with one gap per line, piece by piece.

        Written out :data:`CHUNK` gaps at a time and not kept, so printing every gap of a region
        never holds them all (nor their text) at once. One compact line per gap lets the C
        encoder do the work (``indent`` takes json's Python path: 34 s instead of 6 s for the
        674,616 gaps of 3,000 actors) and keeps the output greppable.
        """
        if not len(self):
            yield "[]"
            return
        for start in range(0, len(self), CHUNK):
            items = self._items(range(start, min(start + CHUNK, len(self))), keep=False)
            text = ",\n".join(json.dumps(g, ensure_ascii=False) for g in items)
            yield ("[\n" if start == 0 else ",\n") + text
        yield "\n]"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))
