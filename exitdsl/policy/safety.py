"""The ``safety`` check: what a rewrite may bring into a strategy, by allowlist.

Strategies are mutated in bulk and then executed by backtesters, so this check is what
stands between a bad rule file and code execution. Only the code a rewrite *introduces*
is examined (subtrees equal to code already at the site are the input's own), and it may
contain only:

- names, constants, arithmetic, comparisons, boolean operations, calls (with keyword
  arguments), attribute access, subscripts and slices (parentheses are not nodes);
- names and attributes the input file already uses, or that the rule set declares with
  ``allow names [...]`` (a template's own text is not a declaration) or that a ``rename``
  names on purpose;
- no dunder (``__x__``) name, attribute, keyword or string, no call to ``eval``, ``exec``,
  ``getattr`` and the like, no module of the process, file-system, network, serialisation
  or code-loading families (``os``, ``posix``, ``pty``, ``socket``, ``pickle``, ``runpy``,
  ``importlib``...), by name or through an attribute, and no call reaching
  ``system``/``exec*``/``spawn*``/``popen``/``load(s)``/``fork_exec``/``run_path``-like
  functions or passing ``allow_pickle=True``, whatever the input holds and whatever
  ``allow names`` says (a rename to such a name is refused the same way);
- an import a rewrite renames may name only a module the input already imports.

Everything else (``lambda``, ``yield``, ``await``, ``:=``, f-strings, starred arguments,
comprehensions, imports, containers) is refused. Templates are checked when the rule is
compiled too, so most bad rules never load.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator

ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call,
    ast.keyword, ast.Attribute, ast.Subscript, ast.Slice,
    ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)
BANNED_CALLS = frozenset({"exec", "eval", "compile", "__import__", "open", "breakpoint",
                          "getattr", "setattr", "delattr", "globals", "locals", "vars", "input",
                          "help", "exit", "quit"})
# By family; a name is refused when it is one of these or a dotted name under one.
BANNED_MODULES = frozenset({
    # processes
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "pty", "multiprocessing",
    "signal", "sys", "resource", "threading", "_thread", "concurrent", "asyncio",
    # the file system
    "shutil", "pathlib", "io", "_io", "tempfile", "glob", "fileinput", "filecmp", "zipfile",
    "tarfile", "mmap", "fcntl", "stat",
    # the network
    "socket", "_socket", "ssl", "select", "selectors", "http", "urllib", "urllib3",
    "requests", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc",
    "socketserver", "webbrowser", "aiohttp", "httpx",
    # serialisation
    "pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib",
    "copyreg",
    # loading and running code
    "importlib", "imp", "runpy", "code", "codeop", "pdb", "bdb", "builtins", "__builtin__",
    "ctypes", "cffi", "zipimport", "pkgutil", "inspect", "gc", "types", "sysconfig",
})
# Called functions no rewrite may introduce, whatever object they hang on.
BANNED_CALL_NAMES = frozenset({
    "system", "popen", "Popen", "fork", "forkpty", "fork_exec", "run_path", "run_module",
    "load", "loads", "load_module", "exec_module", "import_module", "check_output",
    "check_call", "startfile", "spawn", "execfile", "unpickle", "read_pickle", "getoutput",
    "getstatusoutput", "read_array", "call", "run", "remove", "unlink", "rmtree",
})
# Names that start so (after underscores: `_loads`) or hold these words anywhere.
_BANNED_CALL_START = re.compile(r"(exec|spawn|popen|system|loads?\b)")
_BANNED_CALL_WORDS = re.compile(r"(spawn|popen|pickle|marshal|shelve)")
_DUNDER = re.compile(r"__\w+__")


def names_used(module: ast.Module) -> frozenset[str]:
    """Every identifier the input uses: names, attributes, definitions, parameters, imports,
    keyword arguments."""
    found: set[str] = set()
    for node in ast.walk(module):
        for field in ("id", "attr", "name", "arg", "asname"):
            value = getattr(node, field, None)
            if isinstance(value, str):
                found.add(value)
        if isinstance(node, ast.alias):
            found.update(node.name.split("."))
    return frozenset(found)


Positions = dict[tuple[object, ...], list[ast.AST]]


def by_position(nodes: Iterable[ast.AST]) -> Positions:
    """Existing expressions by where they stand (type, start, end): what copies keep."""
    found: Positions = {}
    for node in nodes:
        if isinstance(node, (ast.expr, ast.keyword)):
            found.setdefault(_position(node), []).append(node)
    return found


def introduced(intended: ast.AST, target: ast.AST, captured: Positions) -> list[ast.AST]:
    """The nodes of ``intended`` outside every subtree equal to existing code: a subtree of
    ``target`` (kept by the edit) or a whole captured node (substituted by a template;
    ``captured``: those nodes, :func:`by_position`, built once for all edits of a chunk)."""
    # Copies keep their original's position, so only nodes at an original's position are
    # compared, and the comparison stops at the first difference or shared child.
    originals = by_position(ast.walk(target))

    def known(node: ast.AST) -> bool:
        if not isinstance(node, (ast.expr, ast.keyword)):
            return False
        position = _position(node)
        return any(same_node(node, c) for c in (*originals.get(position, ()),
                                                *captured.get(position, ())))

    return list(post_order(intended, known))


def same_node(a: object, b: object) -> bool:
    """``ast.dump(a) == ast.dump(b)`` without building either dump."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.AST):
        return all(same_node(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(same_node(x, y) for x, y in zip(a, b))
    return a == b


def _position(node: ast.AST) -> tuple[object, ...]:
    return (type(node), getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))


def post_order(root: ast.AST, skip: Callable[[ast.AST], bool]) -> Iterator[ast.AST]:
    """Children before parents, left to right, leaving out ``skip``ped subtrees: the first
    problem reported is the innermost, leftmost one (``os`` before ``os.system``)."""
    if skip(root):
        return
    for child in ast.iter_child_nodes(root):
        yield from post_order(child, skip)
    yield root


def unsafe_node(node: ast.AST, is_known: Callable[[str], bool] | None) -> str | None:
    """What is wrong with one introduced node (None: nothing). ``is_known`` None skips
    the "already used" rule (rule compile time, when no input is known)."""
    if not isinstance(node, ALLOWED_NODES):
        return f"introduces {_describe(node)}, which rewrites may not"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in BANNED_CALLS:
        return f"introduces a call to {node.func.id}()"
    if isinstance(node, ast.Call):
        called = _word_of(node.func)
        if called is not None and banned_call(called):
            return f"introduces a call to {called}(), which rewrites may never call"
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and banned_module(node.value.id):
        return f"introduces access to {node.value.id}.{node.attr}"
    if isinstance(node, ast.Attribute) and (banned_module(node.attr) or node.attr in BANNED_CALLS
                                            or banned_call(node.attr)):
        # anywhere in a chain, called or not: np.ma.core.builtins.eval, pd.io.common.os.system
        return f"introduces the attribute {node.attr!r}, which rewrites may never reach"
    word = _word_of(node)
    if word is None:
        return None
    if _DUNDER.search(word):
        return f"introduces the dunder {word!r}"
    if isinstance(node, ast.Name) and (banned_module(word) or word in BANNED_CALLS
                                       or banned_call(word)):
        return f"introduces the name {word!r}"
    if word == "allow_pickle" and not (isinstance(node, ast.keyword) and isinstance(
            node.value, ast.Constant) and node.value.value is False):
        return "introduces allow_pickle, which rewrites may never pass"
    if is_known is not None and isinstance(node, (ast.Name, ast.Attribute)) \
            and not is_known(word):
        what = "name" if isinstance(node, ast.Name) else "attribute"
        return (f"introduces the {what} {word!r}, which the input does not use and the "
                "rule set does not allow (allow names [...])")
    return None


def banned_module(name: str) -> bool:
    """Is ``name`` (dotted or not) a module of a refused family, or inside one?"""
    return name.split(".")[0] in BANNED_MODULES


def banned_call(name: str) -> bool:
    """A function no rewrite may introduce, by its name (whatever object holds it)."""
    bare = name.lstrip("_")
    return bare in BANNED_CALL_NAMES or _BANNED_CALL_START.match(bare) is not None \
        or _BANNED_CALL_WORDS.search(bare) is not None


def never_allowed(name: str) -> bool:
    """Names no ``allow names`` may declare."""
    return banned_module(name) or name in BANNED_CALLS or banned_call(name) \
        or name == "allow_pickle" or _DUNDER.search(name) is not None


def renamed_import(holder: ast.AST, field: str, new: str,
                   imported: frozenset[str]) -> str | None:
    """What is wrong with renaming an import's module to ``new`` (None: nothing): it must
    be a module the input already imports, and never one of a refused family."""
    if not isinstance(holder, ast.alias) or field != "name":
        return None
    if banned_module(new):
        return f"renames an import to {new!r}, a module rewrites may never import"
    if new not in imported and new.split(".")[0] not in imported:
        return f"renames an import to {new!r}, a module the input does not import"
    return None


def modules_imported(module: ast.Module) -> frozenset[str]:
    """Every module (and its top-level package) the input imports."""
    found: set[str] = set()
    for node in ast.walk(module):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            found.update((name, name.split(".")[0]))
    return frozenset(found)


def unsafe(new_nodes: Iterable[ast.AST], is_known: Callable[[str], bool] | None
           ) -> str | None:
    """The first problem among ``new_nodes``, or None."""
    for node in new_nodes:
        problem = unsafe_node(node, is_known)
        if problem is not None:
            return problem
    return None


def _word_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.keyword):
        return node.arg
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _describe(node: ast.AST) -> str:
    names = {ast.Lambda: "a lambda", ast.arguments: "a lambda", ast.Yield: "yield", ast.YieldFrom: "yield from",
             ast.Await: "await", ast.NamedExpr: "an assignment expression (:=)",
             ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string",
             ast.Starred: "a starred argument", ast.comprehension: "a comprehension",
             ast.Import: "an import", ast.ImportFrom: "an import"}
    for kind, name in names.items():
        if isinstance(node, kind):
            return name
    return f"a {type(node).__name__} node"
