"""Every ``unlinked_peers`` pair of a landscape as columns of numbers, ranked.

At region scale the pairs are many (669,650 at 3,000 actors, tens of millions at
30,000), and a Python object per pair cost ~22 µs: 15 s for a region. Here the
candidate pairs come from a sparse product of the actor × goal matrix (scipy),
cooperating pairs are removed with the adjacency matrix, shared districts and
target groups are bit counts of per-actor masks, and every score is looked up in
a table built with the arithmetic of :func:`graph.gaps.peer_score` (so the scores
are the same floats). What the table holds per pair is two actor numbers and
the score's number; turning a pair into the SPEC §5 dict is left to whoever reads
it (:class:`graph.gap_list.Gaps`).

Rows are computed in blocks of about :data:`BLOCK_PAIRS` candidate pairs so that
the product never has to fit in memory at once.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

#: Pairs as columns: first actor numbers, second actor numbers, score codes.
Columns = tuple[np.ndarray, np.ndarray, np.ndarray]
#: Candidate pairs (before removing cooperating ones) computed per block of rows.
BLOCK_PAIRS = 4_000_000


class SharedCounter:
    """Small sets of values per item (districts, target groups), laid out to count what pairs share.

    Two layouts, whichever takes fewer array passes per pair: bit masks (one 64-bit word per
    64 distinct values; a pair is an AND and a bit count per word) or value slots (one
    column per set position; a pair is a comparison per two positions). 300 districts with at
    most two per actor are 5 words but 4 comparisons; 37 target groups are one word.

    Examples:
        >>> counter = SharedCounter([("a", "b"), ("b", "c", "a"), ()])
        >>> counter.count(np.array([0, 0]), np.array([1, 2]), cap=9).tolist()
        [2, 0]
    """

    def __init__(self, sets: Sequence[Sequence[str]]) -> None:
        distinct = [sorted(set(s)) for s in sets]
        values = {v: k for k, v in enumerate(sorted({v for s in distinct for v in s}))}
        words = max(1, -(-len(values) // 64))
        most = max((len(s) for s in distinct), default=0)
        self.masks: list[np.ndarray] = []
        self.left: list[np.ndarray] = []
        self.right: list[np.ndarray] = []
        if most * most + 2 * most < 5 * words:
            # -1 on the left never equals -2 on the right: an empty slot matches nothing.
            for p in range(most):
                column = [values[s[p]] if p < len(s) else -1 for s in distinct]
                self.left.append(np.array(column, dtype=np.int32))
                self.right.append(np.where(self.left[-1] < 0, -2, self.left[-1]).astype(np.int32))
            return
        masks = np.zeros((len(sets), words), dtype=np.uint64)
        for row, s in enumerate(distinct):
            for v in s:
                k = values[v]
                masks[row, k // 64] |= np.uint64(1 << (k % 64))
        self.masks = [np.ascontiguousarray(masks[:, w]) for w in range(words) if masks[:, w].any()]

    def count(self, i: np.ndarray, j: np.ndarray, cap: int) -> np.ndarray:
        """How many values items ``i`` and ``j`` have in common, at most ``cap`` (≤ 191; pairwise)."""
        count = np.zeros(len(i), dtype=np.uint8)
        for word in self.masks:
            count += np.bitwise_count(word[i] & word[j])
            np.minimum(count, cap, out=count)  # at most 64 + cap per word: never past 255
        if self.left:
            right = [r[j] for r in self.right]
            for column in self.left:
                left = column[i]
                for r in right:
                    count += left == r
                np.minimum(count, cap, out=count)
        return count


class PeerTable:
    """The unlinked pairs ``(i, j)``, ``i < j`` indexes into ``ids``, best first, with their scores.

    ``goals[i]`` are the goal numbers of actor i, ``sectors[i]`` its sector number,
    ``linked`` the cooperating pairs (as index pairs, either order). ``score(c, d, t, si, sj)``
    gives the score for c shared goals (at most 3), d districts and t target groups (at most 2)
    and the two sector numbers; it is called once per combination, never per pair.
    """

    def __init__(self, ids: list[str], goals: Sequence[Sequence[int]], sectors: list[int],
                 districts: Sequence[Sequence[str]], targets: Sequence[Sequence[str]],
                 linked: Sequence[tuple[int, int]],
                 score: Callable[[int, int, int, int, int], float], goal_names: Sequence[str] = ()) -> None:
        self.ids, self.goals, self.goal_names = ids, goals, list(goal_names)
        n, n_sectors = len(ids), max(sectors, default=-1) + 1
        table = [score(c, d, t, si, sj) for c in range(4) for d in range(3) for t in range(3)
                 for si in range(n_sectors) for sj in range(n_sectors)]
        self.scores = np.array(table, dtype=np.float64)
        #: the distinct scores, best first, and how many pairs have each
        self.distinct = sorted(set(table), reverse=True)
        code_type = np.uint16 if len(table) <= 1 << 16 else np.uint32
        position = {s: k for k, s in enumerate(self.distinct)}
        self._rank = rank = np.array([position[s] for s in table], dtype=code_type)  # code → score rank
        blocks: list[Columns | None] = []
        counts: list[np.ndarray] = []
        for i, j, code in self._pairs(n, goals, np.array(sectors, dtype=np.int64), SharedCounter(districts),
                                      SharedCounter(targets), linked, n_sectors, code_type):
            # A block's pairs arrive in (i, j) order; a stable sort on the rank keeps it within a score.
            ranks = rank[code]
            order = np.argsort(ranks, kind="stable")
            blocks.append((i[order], j[order], code[order]))
            counts.append(np.bincount(ranks, minlength=len(self.distinct)))
        per_block = np.array(counts, dtype=np.int64).reshape(len(blocks), len(self.distinct))
        self._set_rows(*self._merge(blocks, per_block, code_type), per_score=per_block.sum(axis=0))

    def _set_rows(self, i: np.ndarray, j: np.ndarray, code: np.ndarray,
                  per_score: np.ndarray | None = None) -> None:
        """The rows, and how many have each score (counted from the codes unless given)."""
        self.i, self.j, self.code = i, j, code
        self.per_score = (per_score if per_score is not None
                          else np.bincount(self._rank[code], minlength=len(self.distinct)).astype(np.int64))
        self._descending = [-s for s in self.distinct]
        self._up_to = [0, *np.cumsum(self.per_score).tolist()]

    def where(self, actor: str | None = None, goal: str | None = None,
              goals: Iterable[str] | None = None, within: Iterable[str] | None = None) -> PeerTable:
        """The pairs with ``actor``, sharing ``goal`` or one of ``goals``, both ``within``; same order.

        Masks over the arrays: an actor page or a field filter at 30,000 actors reads 54 million
        rows in well under a second instead of writing out every pair.
        """
        keep = np.ones(len(self.i), dtype=bool)
        if actor is not None:
            k = bisect_left(self.ids, actor)
            if k == len(self.ids) or self.ids[k] != actor:
                keep[:] = False
            else:
                keep &= (self.i == k) | (self.j == k)
        for wanted in ([goal] if goal is not None else None, goals):
            if wanted is None:
                continue
            chosen = set(wanted)
            numbers = {n for n, g in enumerate(self.goal_names) if g in chosen}
            on = SharedCounter([[str(g) for g in gs if g in numbers] for gs in self.goals])
            keep &= on.count(self.i, self.j, 1) > 0
        if within is not None:
            inside = set(within)
            member = np.array([a in inside for a in self.ids], dtype=bool)
            keep &= member[self.i] & member[self.j]
        part = copy.copy(self)
        part._set_rows(self.i[keep], self.j[keep], self.code[keep])
        return part

    @staticmethod
    def _merge(blocks: list[Columns | None], per_block: np.ndarray, code_type: type) -> Columns:
        """One array per column: rank by rank, and within a rank block by block (so (i, j) order).

        ``per_block[b, r]`` is how many pairs of rank r block b has. Blocks are copied into
        place and dropped one at a time, so the memory peak stays near one copy of the table.
        """
        total = int(per_block.sum())
        # where block b's pairs of rank r go: all pairs of better ranks, then those of earlier blocks
        rank_start = np.cumsum(per_block.sum(axis=0)) - per_block.sum(axis=0)
        at = rank_start + np.cumsum(per_block, axis=0) - per_block
        out: Columns = (np.empty(total, dtype=np.int32), np.empty(total, dtype=np.int32),
                        np.empty(total, dtype=code_type))
        for b, columns in enumerate(blocks):
            blocks[b] = None
            assert columns is not None
            begin = 0
            for r in np.flatnonzero(per_block[b]):
                size = int(per_block[b, r])
                for target, source in zip(out, columns, strict=True):
                    target[at[b, r]:at[b, r] + size] = source[begin:begin + size]
                begin += size
        return out

    @staticmethod
    def _pairs(n: int, goals: Sequence[Sequence[int]], sec: np.ndarray, districts: SharedCounter,
               targets: SharedCounter, linked: Sequence[tuple[int, int]],
               n_sectors: int, code_type: type) -> Iterator[Columns]:
        """Unlinked pairs ``(i, j, code)``, block by block of rows, in (i, j) order."""
        indptr = np.zeros(n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(g) for g in goals])
        cols = np.fromiter((g for gs in goals for g in gs), dtype=np.int64, count=int(indptr[-1]))
        m = int(cols.max()) + 1 if len(cols) else 1
        works = sp.csr_matrix((np.ones(len(cols), dtype=np.int32), cols, indptr), shape=(n, m))
        goal_actors = works.T.tocsc()  # goal × actor; a column slice of it is cheap
        # Cooperating pairs as sorted keys i·n + j (i < j).
        lk = np.array(linked, dtype=np.int64).reshape(-1, 2)
        linked_keys = np.unique(np.minimum(lk[:, 0], lk[:, 1]) * n + np.maximum(lk[:, 0], lk[:, 1]))
        # Candidate pairs per row: the sum, over its goals, of the actors on each goal.
        reach = np.cumsum(works @ np.asarray(works.sum(axis=0)).ravel())
        sec = sec.astype(code_type)
        start = 0
        while start < n:
            # at least one row, then as many as keep the block under BLOCK_PAIRS candidates
            stop = min(n, max(start + 1, int(np.searchsorted(reach, reach[start] + BLOCK_PAIRS))))
            # rows start..stop against actors start..n: shared goals, in (i, j) order
            block = works[start:stop] @ goal_actors[:, start:].tocsr()
            block.sort_indices()
            i = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(block.indptr))
            j = block.indices.astype(np.int64) + start
            keep = j > i
            # the cooperating pairs of these rows, found in the (ascending) keys of the block
            mine = linked_keys[np.searchsorted(linked_keys, start * n):np.searchsorted(linked_keys, stop * n)]
            if len(mine):
                keys = i * n + j
                at = np.minimum(np.searchsorted(keys, mine), len(keys) - 1)
                keep[at[keys[at] == mine]] = False
            c = np.minimum(block.data, 3)
            i, j, c = i[keep].astype(np.int32), j[keep].astype(np.int32), c[keep].astype(code_type)
            d: np.ndarray = districts.count(i, j, 2).astype(code_type)
            t: np.ndarray = targets.count(i, j, 2).astype(code_type)
            code = (((c * 3 + d) * 3 + t) * n_sectors + sec[i]) * n_sectors + sec[j]
            yield i, j, code
            start = stop

    def __len__(self) -> int:
        return len(self.i)

    def pair(self, k: int) -> tuple[int, int, float]:
        """The k-th best pair: ``(i, j, score)``."""
        return int(self.i[k]), int(self.j[k]), float(self.scores[self.code[k]])

    def scoring_at_least(self, score: float) -> int:
        """How many pairs score ``score`` or more (they come first)."""
        better = bisect_right(self._descending, -score)
        return int(self._up_to[better])
