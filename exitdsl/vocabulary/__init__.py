"""The words the rule language shares with Python: operators, functions, tiers.

Each table exists once here and serves the type checker, the evaluator and the rewriter.
"""
