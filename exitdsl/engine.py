"""The pipeline for one source text: find sites → plan edits → rewrite → verify → splice.

Only statements a rule rewrites are handed to libcst (as the smallest run of whole
lines that holds them); every byte outside them is copied from the input, and every
rewrite is verified (verify.py) before it is kept.
"""

from __future__ import annotations

import ast
import bisect
import copy
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from . import ir
from .compile import (AddKeyword, CompiledRule, AppendOperand, CompiledAction, DropOperand, RemoveKeyword,
                      RenameCapture, RuleSet, SetNumber, SetOperator, SetTemplate, call_site,
                      operator_site)
from .errors import StrategyError, span_in
from .mutate import Candidates, Mutation, MutationStats, mutate
from .match import Captured, Captures, follow, match, path_to, same_code, solutions
from .patterns import Pattern, capture_name
from .rewrite import CstEdit, ParsedSnippet, Position, parse_snippet, rewrite_snippet
from .sites import Site, active_rules, find_sites
from .values import Draws, Env, SiteSkipped, evaluate, format_number, holds, literal_number
from .verify import (Rejection, compiles, quiet_parse, compiles_expressions, confined, parses, same_tree,
                     splice, unsafe)

VerifyLevel = Literal["default", "full"]
REDRAWS = 3  # draws per site before a value that will not change is left as it is


@dataclass(frozen=True)
class Change:
    """One rewritten site."""

    rule: str
    site_id: str
    line: int
    col: int  # 1-based, in characters
    old: str
    new: str
    seed: int


@dataclass(frozen=True)
class Skip:
    """A site a rule matched but deliberately left alone, and why."""

    rule: str
    line: int
    col: int
    reason: str


@dataclass(frozen=True)
class FileResult:
    path: str
    source: str
    new_source: str
    changes: tuple[Change, ...] = ()
    skips: tuple[Skip, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    sites: int = 0  # how many sites the rules matched (rewritten, skipped, rejected or no-op)

    @property
    def changed(self) -> bool:
        return self.new_source != self.source


EditKind = Literal["replace", "operator", "append", "drop", "add_arg", "remove_arg"]


@dataclass(frozen=True)
class _Edit:
    """One planned edit, at the ``ast`` level (intent) and the text level (for libcst)."""

    kind: EditKind
    target: ast.expr
    text: str  # new code, operator token, operand to append, or keyword value
    intended: ast.expr  # what ``target`` must mean afterwards
    name: str = ""  # keyword name for add_arg / remove_arg
    part: ast.expr | None = None  # the operand to drop


@dataclass
class _Planned:
    site: Site
    site_id: str
    edits: list[_Edit]


class _Lines:
    """Line/column arithmetic for one source text (``ast`` columns are UTF-8 byte offsets)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
        self._columns: dict[tuple[int, int], int] = {}  # (line, byte col) -> char col

    def line_text(self, line: int) -> str:
        end = self.starts[line] if line < len(self.starts) else len(self.source)
        return self.source[self.starts[line - 1]:end]

    def char_col(self, line: int, byte_col: int) -> int:
        key = (line, byte_col)
        column = self._columns.get(key)
        if column is None:
            text = self.line_text(line)
            column = byte_col if text.isascii() else len(
                text.encode("utf-8")[:byte_col].decode("utf-8"))
            self._columns[key] = column
        return column

    def offset(self, line: int, byte_col: int) -> int:
        return self.starts[line - 1] + self.char_col(line, byte_col)

    def segment(self, node: ast.AST) -> str:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return self.source[start:end]

    def whole_lines(self, node: ast.stmt) -> bool:
        """Does ``node`` alone own its first and last lines (no ``;`` or ``if x: y`` sharing)?"""
        first = node.lineno
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            first = min(d.lineno for d in decorators)
            head = self.line_text(first)[: self.char_col(first, decorators[0].col_offset) - 1]
        else:
            head = self.line_text(first)[: self.char_col(first, node.col_offset)]
        last = node.end_lineno or node.lineno
        tail = self.line_text(last)[self.char_col(last, node.end_col_offset or 0):]
        return not head.strip() and (not tail.strip() or tail.lstrip().startswith("#"))

    def first_line(self, node: ast.stmt) -> int:
        decorators = getattr(node, "decorator_list", None)
        return min([node.lineno] + [int(d.lineno) for d in decorators or ()])


@dataclass(frozen=True)
class IndexedSite:
    """A site with its index among its rule's sites (part of its seed) and its stable id."""

    site: Site
    index: int
    site_id: str


@dataclass(frozen=True)
class Prepared:
    """A parent parsed once, with the sites of every rule: the unit of warm mutation."""

    path: str
    source: str
    content_hash: str
    module: ast.Module | None  # None: the file lacks every rule's anchor words; not parsed
    sites: tuple[IndexedSite, ...]
    lines: _Lines | None = None
    memo: _Memo = field(default_factory=lambda: _Memo(), compare=False, repr=False)


@dataclass
class _Memo:
    """What one rewrite of a parent learns that the next one can reuse."""

    snippets: dict[str, ParsedSnippet] = field(default_factory=dict)  # parsed by libcst
    applicable: list[IndexedSite] | None = None  # sites whose conditions hold
    conditions: dict[int, bool] = field(default_factory=dict)  # id(site) -> where holds
    candidates: Candidates | None = None
    lines_of: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(site) -> lines
    # (statement, spans, signs) of number-literal swaps already rewritten by libcst and fully
    # verified -> whether each new literal needed parentheses there.
    swaps: dict[tuple[object, ...], tuple[bool, ...]] = field(default_factory=dict)


class Engine:
    """Applies a :class:`RuleSet` to source texts, deterministically for a given seed."""

    def __init__(self, rules: RuleSet, *, seed: int = 0, verify: VerifyLevel = "default",
                 only: Sequence[str] = ()) -> None:
        self.rules = rules
        self.seed = seed
        self.verify = verify
        self.only = frozenset(only)  # stable site ids: rewrite just these sites
        self.stats = MutationStats()

    def mutate(self, source: str | Prepared, seed: int | None = None, *,
               path: str = "<string>", max_attempts: int = 10) -> Mutation:
        """One random, verified exit mutation of ``source`` (a child), reproducible from
        ``seed`` and the source's content. Returns a :class:`Mutation` whose ``status`` is
        ``"no_applicable_rule"`` (not an exception) when nothing can be mutated."""
        parent = source if isinstance(source, Prepared) else self.prepare(source, path)
        return mutate(self, parent, self.seed if seed is None else seed, max_attempts,
                      self.stats)

    def apply(self, source: str, *, rule: str | None = None, seed: int | None = None,
              path: str = "<string>") -> FileResult:
        """Every site of one rule (by id or name), or of all rules, in ``source``."""
        engine = self if rule is None else Engine(self.rules.select([rule]), seed=self.seed,
                                                  verify=self.verify)
        if rule is not None and not engine.rules.rules:
            raise KeyError(f"no rule named {rule!r}")
        return engine.rewrite(source, path, seed=seed)

    def prepare(self, source: str, path: str = "<string>") -> Prepared:
        """Parse ``source`` once and find every site of every rule, for many rewrites.

        Raises :class:`StrategyError` if ``source`` is not valid Python, or is nested too
        deeply to process.
        """
        try:
            return self._prepare(source, path)
        except RecursionError:
            raise StrategyError("nested too deeply to process", span_in(path, source, 1, 1)) \
                from None

    def _prepare(self, source: str, path: str) -> Prepared:
        content_hash = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        rules = active_rules(source, self.rules.rules)
        if not rules:
            return Prepared(path, source, content_hash, None, ())
        module = _parse_strategy(source, path)
        lines = _Lines(source)
        per_rule_index: dict[str, int] = {}
        id_counts: dict[str, int] = {}
        indexed = []
        for site in find_sites(module, source, rules):
            index = per_rule_index.get(site.rule.id, 0)
            per_rule_index[site.rule.id] = index + 1
            indexed.append(IndexedSite(site, index, _site_id(site, id_counts)))
        return Prepared(path, source, content_hash, module, tuple(indexed), lines)

    def rewrite(self, source: str | Prepared, path: str = "<string>", *,
                seed: int | None = None,
                sites: Sequence[IndexedSite] | None = None) -> FileResult:
        """Rewrite every site of every rule (or only ``sites``) in ``source``.

        ``source`` may be a :class:`Prepared` parent, parsed once for many rewrites.
        Raises :class:`StrategyError` if ``source`` is not valid Python.
        """
        prepared = source if isinstance(source, Prepared) else self.prepare(source, path)
        try:
            return self._rewrite(prepared, seed, sites)
        except RecursionError:
            raise StrategyError("nested too deeply to rewrite",
                                span_in(prepared.path, prepared.source, 1, 1)) from None

    def _rewrite(self, prepared: Prepared, seed: int | None,
                 sites: Sequence[IndexedSite] | None) -> FileResult:
        chosen = prepared.sites if sites is None else sites
        if self.only:
            chosen = [item for item in chosen if item.site_id in self.only]
        if prepared.module is None or not chosen:
            return FileResult(prepared.path, prepared.source, prepared.source,
                              sites=len(chosen))
        run_seed = self.seed if seed is None else seed
        lines = prepared.lines
        assert lines is not None
        skips: list[Skip] = []
        planned: list[_Planned] = []
        taken: list[tuple[int, int]] = []  # character spans already being rewritten
        for item in chosen:
            site = item.site
            line, col = _position(site.node, lines)
            draws = Draws(run_seed, site.rule.id, prepared.content_hash, item.index)
            try:
                # A draw that lands back on the old value (after rounding) is drawn again:
                # the next draws of the same site's sequence, so still reproducible.
                for _ in range(REDRAWS):
                    edits = self._plan(site, lines, draws, prepared.module, prepared.memo)
                    if edits or draws.count == 0:
                        break
            except SiteSkipped as exc:
                skips.append(Skip(site.rule.id, line, col, str(exc)))
                continue
            if not edits:
                continue
            spans = [(lines.offset(e.target.lineno, e.target.col_offset),
                      lines.offset(e.target.end_lineno or 0, e.target.end_col_offset or 0))
                     for e in edits]
            if any(s < t_end and t_start < e for s, e in spans for t_start, t_end in taken):
                skips.append(Skip(site.rule.id, line, col, "overlaps an earlier rewrite"))
                continue
            taken.extend(spans)
            planned.append(_Planned(site, item.site_id, edits))
        return self._apply(prepared, planned, skips, run_seed, len(chosen))

    def candidates(self, prepared: Prepared) -> Candidates:
        """The applicable sites grouped for mutation, computed once per parent."""
        memo = prepared.memo
        if memo.candidates is None:
            memo.candidates = Candidates.of(self.applicable(prepared))
        return memo.candidates

    def applicable(self, prepared: Prepared) -> list[IndexedSite]:
        """The sites whose ``where`` clauses hold: the candidates of a mutation."""
        if prepared.module is None:
            return []
        memo = prepared.memo
        if memo.applicable is None:  # conditions draw nothing: decided once per parent
            module = prepared.module
            memo.applicable = [item for item in prepared.sites
                               if _where_holds(item.site, module, memo)]
        return memo.applicable

    # --- planning ------------------------------------------------------------
    def _plan(self, site: Site, lines: _Lines, draws: Draws, module: ast.Module,
              memo: _Memo) -> list[_Edit]:
        if not _where_holds(site, module, memo):
            raise SiteSkipped(f"left alone: {_failing_condition(site, module)}")
        rule = site.rule
        env = _site_env(site, module, draws)
        edits: list[_Edit] = []
        current: dict[int, ast.expr] = {}  # id(target) -> what earlier actions made of it
        for action in rule.actions:
            edit = self._plan_action(action, site, env, lines, current)
            if edit is not None:
                edits.append(edit)
                current[id(edit.target)] = edit.intended
        return edits

    def _plan_action(self, action: CompiledAction, site: Site, env: Env, lines: _Lines,
                     current: dict[int, ast.expr]) -> _Edit | None:
        captures = site.captures
        if isinstance(action, SetNumber):
            target = _expression(captures[action.capture], action.capture)
            old = literal_number(target)
            value = evaluate(action.value, env)
            if isinstance(old, int) and isinstance(value, float):
                value = round(value)  # ints stay ints
            elif isinstance(old, float):
                value = float(value)
            if old is not None and type(old) is type(value) and old == value:
                return None
            text = format_number(value)
            return _Edit("replace", target, text, _number_node(value))
        if isinstance(action, SetTemplate):
            target = _expression(captures[action.capture], action.capture)
            intended = _substitute(action.template, captures)
            text = _template_text(action.template.text, captures, lines)
            if same_code(intended, target):
                return None
            return _Edit("replace", target, text, intended)
        if isinstance(action, SetOperator):
            node = _corresponding(site, operator_site, "operator")
            intended = copy.copy(node)
            new_op: Any = action.op()
            if isinstance(intended, ast.Compare):
                if type(intended.ops[0]) is action.op:
                    return None
                intended.ops = [new_op, *intended.ops[1:]]
            else:
                assert isinstance(intended, (ast.BinOp, ast.BoolOp))
                if type(intended.op) is action.op:
                    return None
                intended.op = new_op
            return _Edit("operator", node, action.token, intended)
        if isinstance(action, AppendOperand):
            chain = _expression(captures[action.chain], action.chain)
            operator = _chain_operator(chain, action.chain)
            base = current.get(id(chain), chain)  # an earlier action may have changed it
            operand = _substitute(action.operand, captures)
            if isinstance(operator, ast.boolop):
                values = base.values if isinstance(base, ast.BoolOp) else [base]
                appended: ast.expr = ast.BoolOp(operator, [*values, operand])
            else:
                appended = ast.BinOp(base, operator, operand)
            return _Edit("append", chain, _template_text(action.operand.text, captures, lines),
                         appended, name=_OPERATOR_TOKENS[type(operator)])
        if isinstance(action, DropOperand):
            return _plan_drop(action, captures, env, current)
        if isinstance(action, RenameCapture):
            target = _expression(captures[action.capture], action.capture)
            if not isinstance(target, ast.Name):
                raise SiteSkipped(f"${action.capture} is not a plain name")
            if target.id == action.new_name:
                return None
            return _Edit("replace", target, action.new_name, ast.Name(action.new_name, ast.Load()))
        call = _corresponding(site, call_site, "call")
        assert isinstance(call, ast.Call)
        present = [k for k in call.keywords if k.arg == action.name]
        intended_call = copy.copy(call)
        if isinstance(action, RemoveKeyword):
            if not present:
                return None
            intended_call.keywords = [k for k in call.keywords if k.arg != action.name]
            return _Edit("remove_arg", call, "", intended_call, name=action.name)
        if present:
            raise SiteSkipped(f"the call already has {action.name}=")
        if isinstance(action.value, Pattern):
            new_value = _substitute(action.value, captures)
            text = _template_text(action.value.text, captures, lines)
        else:
            text = format_number(evaluate(action.value, env))
            new_value = _parse_expr(text)
        intended_call.keywords = [*call.keywords, ast.keyword(action.name, new_value)]
        return _Edit("add_arg", call, text, intended_call, name=action.name)

    # --- rewriting and verification ---------------------------------------------
    def _apply(self, prepared: Prepared, planned: list[_Planned], skips: list[Skip],
               seed: int, sites: int) -> FileResult:
        source, path, lines = prepared.source, prepared.path, prepared.lines
        assert lines is not None
        chunks = _chunks(planned, lines, prepared.memo)
        pieces: list[str] = []
        changes: list[Change] = []
        rejections: list[Rejection] = []
        position = 0
        for first, last, members in chunks:
            start = lines.starts[first - 1]
            end = lines.starts[last] if last < len(lines.starts) else len(source)
            chunk = source[start:end]
            # libcst drops a final lone "\r" (classic Mac line endings): rewrite such a chunk
            # with "\n" and put the "\r"s back; both are the same line break to Python.
            lone_cr = "\r" in chunk and "\n" not in chunk
            new_chunk, chunk_changes, rejection = self._rewrite_chunk(
                chunk.replace("\r", "\n") if lone_cr else chunk, first, prepared, members, seed)
            if lone_cr:
                new_chunk = new_chunk.replace("\n", "\r")
            pieces.append(source[position:start])
            if rejection is not None:
                rejections.append(rejection)
                pieces.append(source[start:end])
            else:
                pieces.append(new_chunk)
                changes.extend(chunk_changes)
            position = end
        pieces.append(source[position:])
        new_source = "".join(pieces)
        if self.verify == "full" and changes:
            problem = _verify_whole(new_source, path)
            if problem is not None:
                first_change = changes[0]
                rejections.append(Rejection(first_change.rule, first_change.line,
                                            first_change.col, problem[0], problem[1]))
                return FileResult(path, source, source, (), tuple(skips), tuple(rejections),
                                  sites)
        return FileResult(path, source, new_source, tuple(changes), tuple(skips),
                          tuple(rejections), sites)

    def _rewrite_chunk(self, chunk: str, first: int, prepared: Prepared, members: list[_Planned],
                       seed: int) -> tuple[str, list[Change], Rejection | None]:
        lines, source = prepared.lines, prepared.source
        assert lines is not None
        chunk_start = lines.starts[first - 1]
        all_edits = [(p, e) for p in members for e in p.edits]
        spans = [(lines.offset(e.target.lineno, e.target.col_offset) - chunk_start,
                  lines.offset(e.target.end_lineno or 0, e.target.end_col_offset or 0)
                  - chunk_start) for _, e in all_edits]
        swap_key = _literal_swap_key((first, len(chunk)), spans, [e for _, e in all_edits])
        if swap_key is not None and swap_key in prepared.memo.swaps:
            return self._swap_literals(chunk, spans, members, prepared.memo.swaps[swap_key],
                                       lines, seed)

        indent = chunk[: len(chunk) - len(chunk.lstrip(" \t"))]
        newline = re.search(r"\r\n|\r|\n", chunk)
        wrapper = "if True:" + (newline.group() if newline else "\n") if indent else ""
        shift = 1 if wrapper else 0
        lead = members[0].site

        def to_snippet(node: ast.expr) -> tuple[Position, Position]:
            end_line = node.end_lineno or node.lineno
            return ((node.lineno - first + 1 + shift, lines.char_col(node.lineno, node.col_offset)),
                    (end_line - first + 1 + shift, lines.char_col(end_line, node.end_col_offset or 0)))

        def located(edit: _Edit, parenthesize: bool) -> CstEdit:
            t = edit.target
            return CstEdit(edit.kind, to_snippet(t), edit.text,
                           parenthesize and not _atomic(edit.text), edit.name,
                           to_snippet(edit.part) if edit.part is not None else None)

        def reject(check: str, detail: str) -> tuple[str, list[Change], Rejection]:
            line, col = _position(all_edits[0][1].target, lines)
            return chunk, [], Rejection(lead.rule.id, line, col, check, detail)

        # A fresh ast of the snippet (cheaper than copying a cached one) becomes the intent.
        old_tree = parses(wrapper + chunk)
        if isinstance(old_tree, str):
            return reject("syntax", f"the statement does not parse alone: {old_tree}")
        parsed = prepared.memo.snippets.get(wrapper + chunk)
        if parsed is None:
            try:
                parsed = parse_snippet(wrapper + chunk)
            except Exception as exc:  # libcst failing on what ast accepts: reject, never crash
                return reject("syntax", f"libcst cannot parse the statement: {exc}")
            prepared.memo.snippets[wrapper + chunk] = parsed
        intended_tree = _substitute_at(old_tree, [(e, first - 1 - shift) for _, e in all_edits])
        attempt = None
        for parenthesize in (False, True):
            cst_edits = tuple(located(e, parenthesize) for _, e in all_edits)
            try:
                new_wrapped = rewrite_snippet(parsed, cst_edits)
            except Exception as exc:  # libcst refusing our edit is a rejected rewrite, not a crash
                return reject("syntax", f"libcst could not rewrite: {type(exc).__name__}: {exc}")
            new_tree = parses(new_wrapped)
            if isinstance(new_tree, str):
                attempt = ("syntax", new_tree)
                continue
            difference = same_tree(new_tree, intended_tree)
            if difference is None:
                attempt = None
                break
            attempt = ("intent", difference)
        if attempt is not None or isinstance(new_tree, str):
            return reject(*(attempt or ("syntax", str(new_tree))))
        if not new_wrapped.startswith(wrapper):
            return reject("confinement", "the rewrite changed the statement's indentation")
        new_chunk = new_wrapped[len(wrapper):]
        confinement = confined(chunk, new_chunk, spans)
        if confinement.changed_at is not None:
            offset = chunk_start + confinement.changed_at
            line = bisect.bisect_right(lines.starts, offset)
            col = offset - lines.starts[line - 1] + 1
            return reject("confinement", f"bytes outside the targeted spans changed, at line "
                                         f"{line}, col {col}")
        new_texts = confinement.texts
        problem = compiles_expressions(e.intended for _, e in all_edits)
        if problem is not None:
            return reject("syntax", problem)
        declared = " ".join(p.site.rule.declared for p in members)
        problem = unsafe([e.intended for _, e in all_edits], source, declared)
        if problem is not None:
            return reject("safety", problem)
        edited = {id(e.target) for _, e in all_edits}
        for planned in members:
            problem = _ensure(planned, new_tree, first - 1 - shift, edited)
            if problem is not None:
                line, col = _position(planned.site.node, lines)
                return chunk, [], Rejection(planned.site.rule.id, line, col, "ensure", problem)
        if swap_key is not None:  # verified once in full: later swaps here check the tokens
            prepared.memo.swaps[swap_key] = tuple(t.startswith("(") for t in new_texts)
        return new_chunk, self._changes(chunk, spans, new_texts, members, lines, seed), None

    def _changes(self, chunk: str, spans: list[tuple[int, int]], new_texts: Sequence[str],
                 members: list[_Planned], lines: _Lines, seed: int) -> list[Change]:
        changes = []
        texts = iter(zip(spans, new_texts))
        for planned in members:
            for edit in planned.edits:
                (start, end), new_text = next(texts)
                line, col = _position(edit.target, lines)
                changes.append(Change(planned.site.rule.id, planned.site_id, line, col,
                                      chunk[start:end], new_text, seed))
        return changes

    def _swap_literals(self, chunk: str, spans: list[tuple[int, int]], members: list[_Planned],
                       parenthesized: tuple[bool, ...], lines: _Lines, seed: int
                       ) -> tuple[str, list[Change], Rejection | None]:
        """Swap number literals where libcst already rewrote, and the verifier proved, the same
        spans of the same statement with literals of the same sign: the output is the input
        with the spans replaced, so checking each new token in context is enough."""
        edits = [e for p in members for e in p.edits]
        texts = [f"({e.text})" if paren else e.text for e, paren in zip(edits, parenthesized)]
        for edit, text in zip(edits, texts):
            token, intended = _number_token(text), literal_number(edit.intended)
            if type(token) is not type(intended) or token != intended:
                line, col = _position(edit.target, lines)
                return chunk, [], Rejection(members[0].site.rule.id, line, col, "intent",
                                            f"the token {text!r} does not mean the value intended")
        for planned in members:
            swapped = {id(e.target): e.intended for e in planned.edits}
            captures = {name: swapped.get(id(node), node)
                        for name, node in planned.site.captures.items()}
            problem = _check_ensure(planned.site.rule, captures)
            if problem is not None:
                line, col = _position(planned.site.node, lines)
                return chunk, [], Rejection(planned.site.rule.id, line, col, "ensure", problem)
        new_chunk = splice(chunk, spans, texts)
        return new_chunk, self._changes(chunk, spans, texts, members, lines, seed), None


# --- helpers ------------------------------------------------------------------


def chain_operands(chain: ast.expr) -> list[ast.expr]:
    """The operands of an ``a | b | c`` or ``a or b or c`` chain, left to right."""
    if isinstance(chain, ast.BoolOp):
        return list(chain.values)
    if not isinstance(chain, ast.BinOp):
        return [chain]
    operands: list[ast.expr] = []
    node: ast.expr = chain
    while isinstance(node, ast.BinOp) and type(node.op) is type(chain.op):
        operands.append(node.right)
        node = node.left
    operands.append(node)
    return operands[::-1]


_OPERATOR_TOKENS: dict[type[ast.AST], str] = {ast.BitOr: "|", ast.BitAnd: "&", ast.Or: "or",
                                              ast.And: "and"}


def _chain_operator(chain: ast.expr, name: str) -> ast.operator | ast.boolop:
    if isinstance(chain, ast.BoolOp) or (isinstance(chain, ast.BinOp)
                                         and isinstance(chain.op, (ast.BitOr, ast.BitAnd))):
        return chain.op
    raise SiteSkipped(f"${name} is not an `|`, `&`, `and` or `or` chain")


def _plan_drop(action: DropOperand, captures: Captures, env: Env,
               current: dict[int, ast.expr]) -> _Edit:
    chain = _expression(captures[action.chain], action.chain)
    operator = _chain_operator(chain, action.chain)
    base = current.get(id(chain), chain)
    operands = chain_operands(base) if type(getattr(base, "op", None)) is type(operator) else [base]
    if len(operands) < 2:
        raise SiteSkipped("dropping an operand would leave none")
    if action.operand is None:
        index = env.draws.next().randrange(len(operands))
    else:
        wanted = _substitute(action.operand, captures)
        index = next((i for i, o in enumerate(operands) if same_code(o, wanted)), -1)
        if index < 0:
            raise SiteSkipped(f"`{action.operand.text}` is not an operand of ${action.chain}")
    rest = operands[:index] + operands[index + 1:]
    intended: ast.expr
    if isinstance(operator, ast.boolop):
        intended = ast.BoolOp(operator, rest) if len(rest) > 1 else rest[0]
    else:
        intended = rest[0]
        for operand in rest[1:]:
            intended = ast.BinOp(intended, operator, operand)
    return _Edit("drop", chain, "", intended, part=operands[index])



def _parse_strategy(source: str, path: str) -> ast.Module:
    try:
        tree = quiet_parse(source, path)
        assert isinstance(tree, ast.Module)
        return tree
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        raise StrategyError(f"not valid Python: {exc.msg}", span_in(path, source, line, col)) \
            from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise StrategyError(f"cannot parse: {exc}", span_in(path, source, 1, 1)) from None


def _position(node: ast.AST, lines: _Lines) -> tuple[int, int]:
    line = getattr(node, "lineno", 1)
    return line, lines.char_col(line, getattr(node, "col_offset", 0)) + 1


def _site_id(site: Site, counts: dict[str, int]) -> str:
    """Stable across edits elsewhere: rule, scope, a hash of the matched code, occurrence."""
    digest = hashlib.sha1(ast.dump(site.node).encode()).hexdigest()[:8]
    key = f"{site.rule.id}@{site.scope_path}#{digest}"
    occurrence = counts.get(key, 0)
    counts[key] = occurrence + 1
    return f"{key}.{occurrence}"


def _expression(node: Captured, name: str) -> ast.expr:
    if not isinstance(node, ast.expr):
        raise SiteSkipped(f"${name} is a name, not an expression")
    return node


def _number_node(value: int | float) -> ast.expr:
    """The ``ast`` of a number literal as :func:`format_number` writes it."""
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value + 0.0 if isinstance(value, float) else value)  # no -0.0


_NUMBER_TOKEN = re.compile(r"\(?(-?)(\d[\d_]*(\.[\d_]*)?([eE][+-]?\d+)?|\.\d[\d_]*([eE][+-]?\d+)?)\)?")


def _number_token(text: str) -> int | float | None:
    """The value of a decimal number literal as format_number writes it (optionally
    negative and parenthesised), else None: a check far cheaper than a parse."""
    m = _NUMBER_TOKEN.fullmatch(text)
    if m is None or (text.startswith("(") != text.endswith(")")):
        return None
    digits = m.group(2).replace("_", "")
    value: int | float = float(digits) if any(c in digits for c in ".eE") else int(digits)
    return -value if m.group(1) else value


def _parse_expr(text: str) -> ast.expr:
    tree = quiet_parse(text, mode="eval")
    assert isinstance(tree, ast.Expression)
    return tree.body


def _atomic(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*|\d[\d_.eE]*", text.strip()) is not None


class _Fill(ast.NodeTransformer):
    def __init__(self, captures: Captures) -> None:
        self.captures = captures

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name = capture_name(node.id)
        if name is None:
            return node
        value = self.captures[name]
        return ast.Name(value, ast.Load()) if isinstance(value, str) else copy.deepcopy(value)


def _substitute(template: Pattern, captures: Captures) -> ast.expr:
    """The template's ``ast`` with each ``$x`` replaced by a copy of what ``$x`` captured."""
    result = _Fill(captures).visit(copy.deepcopy(template.node))
    assert isinstance(result, ast.expr)
    return result


def _template_text(template: str, captures: Captures, lines: _Lines) -> str:
    def fill(m: re.Match[str]) -> str:
        value = captures[m.group(1)]
        if isinstance(value, str):
            return value
        text = lines.segment(value)
        return text if _atomic(text) or isinstance(value, (ast.Name, ast.Attribute, ast.Call,
                                                           ast.Subscript, ast.Constant)) \
            else f"({text})"

    return re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", fill, template.strip())


def _corresponding(site: Site, find: Callable[[ast.AST], ast.AST | None], what: str) -> ast.expr:
    """The node of the site's code that sits where ``find`` points in the matching pattern."""
    for pattern in site.rule.matches:
        wanted = find(pattern.node)
        if wanted is None or not match(pattern.node, site.node, {}):
            continue
        path = path_to(pattern.node, wanted)
        found = follow(pattern.node, site.node, path) if path is not None else None
        if isinstance(found, ast.expr):
            return found
    raise SiteSkipped(f"cannot locate the {what} of this site")


def _contains(node: Captured, pattern: Pattern) -> bool:
    if isinstance(node, str):
        return False
    return any(match(pattern.node, sub, {}) for sub in ast.walk(node))


def _where_holds(site: Site, module: ast.Module, memo: _Memo) -> bool:
    """Conditions draw nothing, so each site's answer is remembered for its parent."""
    known = memo.conditions.get(id(site))
    if known is None:
        known = memo.conditions[id(site)] = _conditions_hold(site, module)
    return known


def _site_env(site: Site, module: ast.Module, draws: Draws | None = None) -> Env:
    rule = site.rule
    return Env(site.captures, rule.domains, draws or Draws(0, rule.id, "", 0),
               defined=lambda name: _defined(name, site, module), contains=_contains,
               patterns=rule.condition_patterns)


def _first_failing(conditions: Sequence[ir.Expr], env: Env) -> str | None:
    """The rule line of the first condition that does not hold, or None if all hold."""
    for condition in conditions:
        try:
            if not holds(condition, env):
                return condition.span.source_line.strip()
        except SiteSkipped as exc:
            return str(exc)
    return None


def _failing_condition(site: Site, module: ast.Module) -> str | None:
    """Which `where` of the site's rule does not hold (None: they all hold)."""
    return _first_failing(site.rule.where, _site_env(site, module))


def _conditions_hold(site: Site, module: ast.Module) -> bool:
    return _failing_condition(site, module) is None


def _defined(name: str, site: Site, module: ast.Module) -> bool:
    """Is ``name`` bound in the site's scope before the site's statement?"""
    scope = site.scope
    before = site.statement.lineno
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        params = scope.args
        if any(a.arg == name for a in [*params.posonlyargs, *params.args, *params.kwonlyargs,
                                       *([params.vararg] if params.vararg else []),
                                       *([params.kwarg] if params.kwarg else [])]):
            return True
    body = scope.body if isinstance(scope, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                            ast.AsyncFunctionDef)) else module.body
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if getattr(node, "lineno", before) >= before and isinstance(node, ast.stmt):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return True
            continue  # a nested scope's bindings are not this scope's
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == name:
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _lines_of(site: Site, lines: _Lines) -> tuple[int, int]:
    """The smallest run of whole lines holding the site's statement (widened to an enclosing
    statement when a line is shared, as in ``a = 1; b = 2``; at worst the whole module)."""
    holder: ast.stmt = site.statement
    for ancestor in reversed(site.ancestors):
        if lines.whole_lines(holder):
            break
        holder = ancestor
    if not lines.whole_lines(holder):
        return 1, len(lines.starts)
    return lines.first_line(holder), holder.end_lineno or holder.lineno


def _chunks(planned: list[_Planned], lines: _Lines,
            memo: _Memo) -> list[tuple[int, int, list[_Planned]]]:
    """Group planned sites into disjoint runs of whole lines, each a parseable statement list."""
    spans: list[tuple[int, int, _Planned]] = []
    for item in planned:
        bounds = memo.lines_of.get(id(item.site))
        if bounds is None:
            bounds = memo.lines_of[id(item.site)] = _lines_of(item.site, lines)
        spans.append((*bounds, item))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, list[_Planned]]] = []
    for first, last, item in spans:
        if merged and first <= merged[-1][1]:
            m_first, m_last, members = merged[-1]
            merged[-1] = (m_first, max(m_last, last), [*members, item])
        else:
            merged.append((first, last, [item]))
    return merged


_NodeKey = tuple[int, int, int | None, int | None, type[ast.AST]]


class _Put(ast.NodeTransformer):
    def __init__(self, wanted: dict[_NodeKey, ast.expr]) -> None:
        self.wanted = wanted

    def visit(self, node: ast.AST) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node, ast.expr):
            key = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, type(node))
            if key in self.wanted:
                return self.wanted[key]
        return node


def _substitute_at(tree: ast.Module, edits: list[tuple[_Edit, int]]) -> ast.Module:
    """``tree`` (parsed from a snippet, modified in place) with each edit's target replaced
    by its intent.

    ``edits`` pairs each edit with the line shift from the file to the snippet.
    """
    wanted: dict[_NodeKey, ast.expr] = {(e.target.lineno - shift, e.target.col_offset, (e.target.end_lineno or 0) - shift,
               e.target.end_col_offset, type(e.target)): e.intended for e, shift in edits}
    result = _Put(wanted).visit(tree)
    assert isinstance(result, ast.Module)
    return result


def _ensure(planned: _Planned, new_tree: ast.Module, shift: int, edited: set[int]) -> str | None:
    """Re-match the rewritten site and evaluate the rule's ``ensure`` clauses on it.

    ``edited`` holds the ids of every node rewritten in the statement (by any rule).
    """
    rule = planned.site.rule
    if not rule.ensure:
        return None
    root = planned.site.node
    key = (getattr(root, "lineno", 0) - shift, getattr(root, "col_offset", 0), type(root))
    # Captures no rewrite touched identify which solution is this site (a dict entry).
    fixed = {name: node for name, node in planned.site.captures.items()
             if isinstance(node, str) or not any(id(sub) in edited for sub in ast.walk(node))}
    for node in ast.walk(new_tree):
        if (getattr(node, "lineno", None), getattr(node, "col_offset", None), type(node)) != key:
            continue
        for pattern in rule.matches:
            for captures in solutions(pattern.node, node, {}):
                if all(same_code(captures[name], value) for name, value in fixed.items()
                       if name in pattern.captures):
                    # Captures of `inside`/`within` contexts come from other statements.
                    context = {name: value for name, value in planned.site.captures.items()
                               if name not in pattern.captures}
                    return _check_ensure(rule, {**context, **captures})
    return "the rewritten site no longer matches the rule's pattern"


def _check_ensure(rule: CompiledRule, captures: Captures) -> str | None:
    if not rule.ensure:
        return None
    env = Env(captures, rule.domains, Draws(0, rule.id, "", 0), defined=lambda name: True,
              contains=_contains, patterns=rule.condition_patterns)
    failing = _first_failing(rule.ensure, env)
    return None if failing is None else f"ensure does not hold after the rewrite: {failing}"


def _literal_swap_key(chunk: tuple[int, int], spans: list[tuple[int, int]],
                      edits: list[_Edit]) -> tuple[object, ...] | None:
    """The memo key of a rewrite that only swaps number literals, else None. Within one
    prepared parent, (first line, length) names the statement's text."""
    if not all(e.kind == "replace" and literal_number(e.target) is not None
               and literal_number(e.intended) is not None for e in edits):
        return None
    return (chunk, tuple(spans), tuple(e.text.startswith("-") for e in edits))


def _verify_whole(new_source: str, path: str) -> tuple[str, str] | None:
    tree = parses(new_source)
    if isinstance(tree, str):
        return ("syntax", tree)
    problem = compiles(new_source, path)
    return ("syntax", problem) if problem else None
