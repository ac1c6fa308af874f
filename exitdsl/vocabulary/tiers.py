"""Rule tiers: how deep a mutation goes, and how often ``mutate`` picks each by default."""

from __future__ import annotations

TIERS = ("parametric", "relational", "structural")
DEFAULT_TIER_WEIGHTS = {"parametric": 0.80, "relational": 0.15, "structural": 0.05}
