"""`exitdsl lsp` end to end, driven by a real LSP client (pytest-lsp) over stdio: one
server for the module, one document per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .lsp_client import SERVER, changed, closed, opened, position, span

pytestmark = pytest.mark.asyncio(loop_scope="module")

TWO_MISTAKES = """\
ruleset demo "Stops of sim() calls."

bound stop_loss = [0.01, 0.20]   # a fraction of the entry price

rule sl.jitter {
  "Jitter the stop-loss fraction."
  match `sim(..., stop_loss=$sl, ...)`
  where number($sl) and $sl in stop_los
  set $sl = round(clamp($sl * gauss(1, 0.1), stop_loss), 3)
}

rule tp.jitter {
  "Jitter the take-profit fraction."
  match `sim(..., take_profit=$tp, ...)`
  where number($tp)
  set $tp = round($tp * gaus(1, 0.1), 3)
}
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client() -> AsyncIterator[LanguageClient]:
    """One server for the module: pytest-lsp's client, started as its fixture would (its
    plugin is off, see pyproject.toml)."""
    started = await SERVER.start()
    assert isinstance(started, LanguageClient)
    await started.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code")))
    yield started
    await started.shutdown_session()
    await started.stop()


async def test_two_mistakes_two_diagnostics_as_the_cli_says_them(
        client: LanguageClient, tmp_path: Path) -> None:
    uri = await opened(client, tmp_path / "demo.rules", TWO_MISTAKES)
    found = [(d.range, d.message, d.source) for d in client.diagnostics[uri]]
    assert found == [
        (span(7, 31, 39), "unknown bound, choices or map 'stop_los' (did you mean "
                          "'stop_loss'?)", "exitdsl"),
        (span(15, 24, 28), "unknown function 'gaus' (did you mean 'gauss'?) (known: abs, "
                           "choice, clamp, constant, contains, defined, gauss, guards, in_file, in_test_of, int, "
                           "local, max, min, name, number, pow, read_in, round, step, string, "
                           "uniform)",
         "exitdsl"),
    ]
    closed(client, uri)


async def test_completing_a_function_name(client: LanguageClient, tmp_path: Path) -> None:
    text = TWO_MISTAKES.replace("gaus(1, 0.1)", "cla")
    uri = await opened(client, tmp_path / "complete.rules", text)
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), position(text, "* cla", 5)))
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    clamp = next(i for i in items if i.label == "clamp")
    assert (clamp.kind, clamp.detail) == (types.CompletionItemKind.Function,
                                          "clamp(number, number, number) | clamp(number, bound)")
    assert {"gauss", "uniform", "round", "number", "in_file", "stop_loss"} <= {
        i.label for i in items}
    closed(client, uri)


async def test_hovering_a_function(client: LanguageClient, tmp_path: Path) -> None:
    uri = await opened(client, tmp_path / "hover.rules", TWO_MISTAKES)
    result = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), position(TWO_MISTAKES, "clamp(", 2)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert result.contents.value == ("```exitdsl\nclamp(number, number, number)\n"
                                     "clamp(number, bound)\n```\n\n`x` limited to the interval")
    assert result.range == span(8, 18, 23)
    closed(client, uri)


async def test_going_to_a_bounds_definition(client: LanguageClient, tmp_path: Path) -> None:
    uri = await opened(client, tmp_path / "define.rules", TWO_MISTAKES)
    result = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri), position(TWO_MISTAKES, "stop_loss), 3)", 3)))
    assert result == [types.Location(uri, span(2, 6, 15))]
    closed(client, uri)


async def test_a_quick_fix_applies_the_did_you_mean(client: LanguageClient,
                                                    tmp_path: Path) -> None:
    uri = await opened(client, tmp_path / "fix.rules", TWO_MISTAKES)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), span(15, 26, 26),
        types.CodeActionContext(client.diagnostics[uri])))
    assert result is not None
    [action] = result
    assert isinstance(action, types.CodeAction)
    assert (action.title, action.kind) == ("Change 'gaus' to 'gauss'",
                                           types.CodeActionKind.QuickFix)
    assert action.edit is not None and action.edit.changes is not None
    assert list(action.edit.changes[uri]) == [types.TextEdit(span(15, 24, 28), "gauss")]
    closed(client, uri)


async def test_diagnostics_follow_the_buffer_as_it_is_typed(client: LanguageClient,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "typed.rules"
    path.write_text(TWO_MISTAKES)  # the saved file keeps its mistakes throughout
    uri = await opened(client, path)
    assert len(client.diagnostics[uri]) == 2
    fixed = TWO_MISTAKES.replace("stop_los\n", "stop_loss\n").replace("gaus(", "gauss(")
    await changed(client, uri, fixed, 2)
    assert list(client.diagnostics[uri]) == []
    await changed(client, uri, fixed.replace("match `sim(..., take", "matches `sim(..., take"), 3)
    [diagnostic] = client.diagnostics[uri]
    assert (diagnostic.range, diagnostic.message) == (
        span(13, 2, 9), "unknown rule item 'matches' (did you mean 'match'?); expected one of "
                        "tier, weight, match, inside, within, unless, where, ensure, set, add, "
                        "remove, append, drop, rename, flip, insert")
    closed(client, uri)
