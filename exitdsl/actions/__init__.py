"""The actions of the rule language, one module each (see :mod:`.base` for the protocol
and :mod:`.registry` for how they are found). Modules starting with ``_`` are helpers
shared by several actions."""
