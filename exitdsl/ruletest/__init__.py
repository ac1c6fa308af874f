"""Testing rules: ``test`` blocks in rule files (:mod:`.blocks`), file cases with diff
snapshots (:mod:`.cases`), the pytest plugin, the corpus audit behind ``exitdsl verify``
(:mod:`.audit`) and the generated rule docs (:mod:`.ruledoc`)."""
