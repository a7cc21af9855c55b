"""The Merkle tree of RFC 9162 (Certificate Transparency v2), section 2.1: leaf and interior hashes with
distinct prefixes, inclusion and consistency proofs.

Proofs are computed from stored *perfect* subtrees (size 2^level, aligned): every range the RFC's
recursion asks for splits into O(log n) of them, so a proof costs one lookup of O(log^2 n) hashes however
large the log is. `Frontier` appends leaves and yields the perfect subtrees each completes."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Hash = bytes
Key = tuple[int, int]  # (level, index): the perfect subtree over leaves [index * 2^level, (index + 1) * 2^level)


def leaf_hash(data: bytes) -> Hash:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: Hash, right: Hash) -> Hash:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_keys(start: int, end: int) -> list[Key]:
    """The perfect subtrees whose hashes give MTH(D[start:end]) for the ranges the RFC asks for (start is
    aligned to the largest power of two not above the range's size)."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return [(n.bit_length() - 1, start // n)]
    k = _split(n)
    return perfect_keys(start, start + k) + perfect_keys(start + k, end)


def subtree_hash(start: int, end: int, known: dict[Key, Hash]) -> Hash:
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        return known[n.bit_length() - 1, start // n]
    k = _split(n)
    return node_hash(subtree_hash(start, start + k, known), subtree_hash(start + k, end, known))


def inclusion_ranges(m: int, start: int, end: int) -> list[tuple[int, int]]:
    """PATH(m, D[start:end]) as the ranges whose hashes it lists, bottom-up (RFC 9162 2.1.3.1)."""
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m - start < k:
        return [*inclusion_ranges(m, start, start + k), (start + k, end)]
    return [*inclusion_ranges(m, start + k, end), (start, start + k)]


def consistency_ranges(m: int, n: int) -> list[tuple[int, int]]:
    """PROOF(m, D[0:n]) as ranges (RFC 9162 2.1.4.1), for 0 < m < n."""

    def sub(m_: int, start: int, end: int, whole: bool) -> list[tuple[int, int]]:
        size = end - start
        if m_ == size:
            return [] if whole else [(start, end)]
        k = _split(size)
        if m_ <= k:
            return [*sub(m_, start, start + k, whole), (start + k, end)]
        return [*sub(m_ - k, start + k, end, False), (start, start + k)]

    return sub(m, 0, n, True)


def keys_for(ranges: Iterable[tuple[int, int]]) -> set[Key]:
    return {key for a, b in ranges for key in perfect_keys(a, b)}


@dataclass
class Frontier:
    """The right edge of a tree: the perfect subtrees covering [0, size), largest first."""

    stack: list[tuple[int, int, Hash]] = field(default_factory=list)  # (level, index, hash)
    size: int = 0

    @staticmethod
    def keys(size: int) -> list[Key]:
        out, offset = [], 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                out.append((level, offset >> level))
                offset += 1 << level
        return out

    @classmethod
    def of(cls, size: int, lookup: Callable[[list[Key]], dict[Key, Hash]]) -> "Frontier":
        keys = cls.keys(size)
        found = lookup(keys) if keys else {}
        return cls([(lv, ix, found[lv, ix]) for lv, ix in keys], size)

    def append(self, h: Hash) -> list[tuple[int, int, Hash]]:
        """Add a leaf; returns the interior nodes it completes."""
        self.stack.append((0, self.size, h))
        self.size += 1
        made = []
        while len(self.stack) > 1 and self.stack[-1][0] == self.stack[-2][0]:
            level, _, right = self.stack.pop()
            _, left_index, left = self.stack.pop()
            node = (level + 1, left_index >> 1, node_hash(left, right))
            self.stack.append(node)
            made.append(node)
        return made

    def push(self, h: Hash) -> None:
        """`append` without reporting the nodes made (verify's hot loop)."""
        stack = self.stack
        stack.append((0, self.size, h))
        self.size += 1
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            level, _, right = stack.pop()
            _, left_index, left = stack.pop()
            stack.append((level + 1, left_index >> 1, hashlib.sha256(b"\x01" + left + right).digest()))

    def push_recording(self, h: Hash, levels: list[bytearray]) -> None:
        """`push`, appending each interior node it completes to `levels[level]`: a level's nodes complete in
        index order, so `levels[level][32 * idx:32 * (idx + 1)]` is node (level, idx) (verify compares the
        stored nodes with these)."""
        stack = self.stack
        stack.append((0, self.size, h))
        self.size += 1
        while len(stack) > 1 and stack[-1][0] == stack[-2][0]:
            level, _, right = stack.pop()
            _, left_index, left = stack.pop()
            node = hashlib.sha256(b"\x01" + left + right).digest()
            levels[level + 1] += node
            stack.append((level + 1, left_index >> 1, node))

    def root(self) -> Hash:
        if not self.stack:
            return hashlib.sha256(b"").digest()  # MTH of the empty tree
        h = self.stack[-1][2]
        for _, _, left in reversed(self.stack[:-1]):
            h = node_hash(left, h)
        return h
