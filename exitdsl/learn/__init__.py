"""``exitdsl learn``: a tested, general rule from before/after pairs of strategy files.

pairs.py loads the pairs (files, a mutate lineage, a git history); difference.py finds the
node each pair changed and what the change is; antiunify.py generalises the changes of a
cluster into patterns, most general first; fit.py finds the simplest action reproducing
every pair; check.py runs candidates with the real engine; emit.py writes the rule file;
learner.py ties them together.
"""
