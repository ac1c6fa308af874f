"""Stable site ids, each made the first time it is asked for.

An id names the rule, the scope, a hash of the matched code and the occurrence of that hash
(``freqtrade.stoploss.jitter@Strategy#1a2b3c4d.0``), so that it survives edits elsewhere in
the file. Hashing means dumping the matched node: worth it for the sites a run rewrites or a
mutation chooses, not for the tens of thousands a tree holds that their ``where`` leaves
alone. Occurrences count only among the sites of one rule and scope, so naming one site
takes the hashes of its group alone.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Sequence

from ..matching.sites import Site


class SiteIds:
    """The ids of a parent's sites (by position in its site list), made on demand."""

    def __init__(self, sites: Sequence[Site]) -> None:
        self._sites = tuple(sites)
        self._groups: dict[tuple[str, str], list[int]] = {}  # (rule id, scope) -> positions
        for position, site in enumerate(self._sites):
            self._groups.setdefault((site.rule.id, site.scope_path), []).append(position)
        self._ids: dict[int, str] = {}
        self._digests: dict[int, str] = {}  # id(node) -> hash: rules sharing a node dump it once

    def of(self, position: int) -> str:
        found = self._ids.get(position)
        if found is None:
            site = self._sites[position]
            self._name_group(site.rule.id, site.scope_path)
            found = self._ids[position]
        return found

    def _name_group(self, rule: str, scope: str) -> None:
        counts: dict[str, int] = {}
        for position in self._groups[(rule, scope)]:
            key = f"{rule}@{scope}#{self._digest(self._sites[position].node)}"
            occurrence = counts.get(key, 0)
            counts[key] = occurrence + 1
            self._ids[position] = f"{key}.{occurrence}"

    def _digest(self, node: ast.AST) -> str:
        found = self._digests.get(id(node))
        if found is None:
            found = self._digests[id(node)] = hashlib.sha1(
                ast.dump(node).encode()).hexdigest()[:8]
        return found

    # Hashes are keyed by id(): a copy sent to a worker starts without them.
    def __getstate__(self) -> dict[str, object]:
        return {"_sites": self._sites, "_groups": self._groups, "_ids": self._ids}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._digests = {}
