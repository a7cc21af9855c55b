"""The tree arithmetic against an independent RFC 9162 reading, for every small size."""

from devkit.kit.rfc9162 import mth, verify_consistency, verify_inclusion
from ledger.entries import merkle


def _store(leaves: list[bytes]) -> dict[merkle.Key, bytes]:
    tree, known = merkle.Frontier(), {}
    for i, leaf in enumerate(leaves):
        h = merkle.leaf_hash(leaf)
        known[0, i] = h
        for level, index, node in tree.append(h):
            known[level, index] = node
    return known


def test_roots_and_proofs_agree_with_rfc_9162_for_every_size_up_to_70() -> None:
    leaves = [f"event-{i}".encode() for i in range(70)]
    known = _store(leaves)
    for n in range(1, 71):
        tree = merkle.Frontier.of(n, lambda keys: {k: known[k] for k in keys})
        root = mth(leaves[:n])
        assert tree.root() == root == merkle.subtree_hash(0, n, known)
        for m in range(n):
            path = [merkle.subtree_hash(a, b, known) for a, b in merkle.inclusion_ranges(m, 0, n)]
            assert verify_inclusion(m, n, merkle.leaf_hash(leaves[m]), path, root)
            assert not verify_inclusion(m, n, merkle.leaf_hash(b"forged"), path, root)
        for first in range(1, n):
            proof = [merkle.subtree_hash(a, b, known) for a, b in merkle.consistency_ranges(first, n)]
            assert verify_consistency(first, n, mth(leaves[:first]), root, proof), (first, n)
            assert not verify_consistency(first, n, mth(leaves[1 : first + 1]), root, proof)
