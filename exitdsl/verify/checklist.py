"""The registry's content: every check of the verifier, in the order they run
(verify/registry.py says what an entry is; docs/verifier.md's table follows this order)."""

from __future__ import annotations

from . import file_checks, statement_checks
from .registry import Check

CHECKS: tuple[Check, ...] = (
    Check("intent", "statement",
          "the rewritten statement parses and its ast equals the ast the rule meant to "
          "build (both made while the rewrite is produced, retried with parentheses)",
          fast=statement_checks.tokens_mean_the_intent),
    Check("confinement", "statement",
          "not one byte changed outside the targeted spans, and every comment still follows "
          "the code it followed",
          run_statement=statement_checks.confinement,
          fast="the output is the input with only the spans replaced (a splice)"),
    Check("syntax", "statement",
          "every new expression passes compile() alone",
          run_statement=statement_checks.expressions_compile,
          fast="a number token in place of a number token, at spans where the full path "
               "proved a rewrite with literals of the same sign and parenthesisation, parses "
               "and compiles alike"),
    Check("safety", "statement",
          "the code a rewrite introduces passes the allowlist",
          run_statement=statement_checks.safety,
          fast="a number literal introduces no name, call, attribute or import"),
    Check("ensure", "statement",
          "the rule's ensure clauses hold on the rewritten site, matched again",
          run_statement=statement_checks.ensure,
          fast=statement_checks.ensure_on_new_values),
    Check("bindings", "file",
          "after a rename, the file reads no name it binds nowhere (that it did not before)",
          run_file=file_checks.bindings, structural_only=True),
    Check("bindings", "file",
          "a class attribute renamed where it is assigned is not still read as self.NAME or "
          "cls.NAME in its class",
          run_file=file_checks.attributes, structural_only=True),
    Check("syntax", "file",
          "the whole new file compiles when an edit is more than a literal swap (a number, "
          "True, False or None for another, outside a case pattern; always, with --verify "
          "full)",
          run_file=file_checks.compiles, structural_only=True),
)
