"""Connected components of linked records that never join two records decided *not the same*."""

from collections.abc import Iterable


def components(
    edges: Iterable[tuple[int, int, float]], *, cannot_link: Iterable[tuple[int, int]] = ()
) -> list[set[int]]:
    """Groups of two records or more joined by ``edges`` (a, b, strength), strongest edges first; an
    edge that would put both records of a ``cannot_link`` pair in one group is skipped."""
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    forbidden: dict[int, set[int]] = {}  # root -> records that may not join its group
    for a, b in cannot_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        if x not in parent:
            parent[x] = x
            members[x] = {x}
            forbidden.setdefault(x, set())
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b, _strength in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if forbidden[ra] & members[rb]:
            continue  # a "not the same" decision separates the two groups
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        forbidden[ra] |= forbidden.pop(rb)
    return [group for root, group in members.items() if parent[root] == root and len(group) > 1]
