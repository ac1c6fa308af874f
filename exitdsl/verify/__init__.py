"""Stage 5: prove each rewrite before anything is emitted: the checks (:mod:`.checks`),
the order they run in (:mod:`.pipeline`), ``ensure`` postconditions (:mod:`.ensure`) and
the literal-swap fast path with what it may prove differently (:mod:`.fast_path`)."""
