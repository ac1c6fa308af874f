"""Evolution: seeded stochastic mutation of one parent (:mod:`.mutator`), its statistics
(:mod:`.stats`) and populations of children with lineage (:mod:`.population`)."""
