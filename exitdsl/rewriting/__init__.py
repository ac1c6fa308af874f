"""Stage 4: rewriting one parent: plan each site's edits, cut the smallest statements,
drive libcst on them, verify, splice."""
