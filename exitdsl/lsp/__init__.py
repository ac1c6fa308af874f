"""``exitdsl lsp``: a language server for ``.rules`` files (docs/editor.md).

It says nothing of its own about the language: diagnostics are the compiler's errors,
keywords come from the grammar, functions and their docs from the vocabulary's registry,
actions' docs from the action registry, and a test block's new ``after`` from what
``exitdsl test --update`` computes. ``server`` wires these modules to pygls.
"""
