"""Stages 1–2: the rule language, from ``.rules`` text to compiled rules.

grammar (``grammar/exitdsl.lark``) → :mod:`.parse` (Lark → :mod:`.ir`) → :mod:`.compile`
(checks, with :mod:`.checker` and :mod:`.patterns`) → :mod:`.compiled` rules, loaded with
their includes and config by :mod:`.ruleset`.
"""
