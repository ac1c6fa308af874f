"""Stage 3: patterns against strategy code: the structural matcher, site finding and the
scope queries conditions ask (``defined``)."""
