"""The pygls server: documents in, features out. It keeps one thing between requests, the
latest analysis of each open ``.rules`` document; every feature reads it."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .._version import __version__
from .actions import code_actions
from .analysis import Analysis, analyse
from .completion import completions
from .diagnostics import diagnostics
from .hover import hover
from .navigation import definition, references
from .text import from_utf16

TRIGGERS = ["$", '"', "/"]


class RulesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("exitdsl", __version__)
        self.analyses: dict[str, Analysis] = {}

    def buffers(self) -> dict[Path, str]:
        """The open rule files' texts, by resolved path: what includes read first."""
        return {Path(path).resolve(): doc.source
                for doc in self.workspace.text_documents.values()
                if (path := to_fs_path(doc.uri)) is not None and path.endswith(".rules")}

    def check(self) -> None:
        """Analyse every open rule file (an edit of one may fix or break another that
        includes it) and publish each one's diagnostics."""
        buffers = self.buffers()
        for uri, doc in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri)
            if path is None or not path.endswith(".rules"):
                continue
            analysis = analyse(Path(path), doc.source, buffers)
            self.analyses[uri] = analysis
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri, diagnostics(analysis), doc.version))

    def at(self, uri: str, position: types.Position) -> tuple[Analysis, int, int] | None:
        """The document's analysis and the cursor as a 0-based line and character column."""
        analysis = self.analyses.get(uri)
        if analysis is None:
            return None
        lines = analysis.lines
        text = lines[position.line] if position.line < len(lines) else ""
        return analysis, position.line, from_utf16(text, position.character)


def build() -> RulesServer:
    """A server with every feature registered (nothing is registered at import)."""
    server = RulesServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def changed(ls: RulesServer, params: object) -> None:
        ls.check()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def closed(ls: RulesServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        ls.check()

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=TRIGGERS))
    def complete(ls: RulesServer, params: types.CompletionParams) -> types.CompletionList:
        found = ls.at(params.text_document.uri, params.position)
        return types.CompletionList(False, completions(*found) if found else [])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hovered(ls: RulesServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.at(params.text_document.uri, params.position)
        return hover(*found) if found else None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def defined(ls: RulesServer, params: types.DefinitionParams) -> list[types.Location]:
        found = ls.at(params.text_document.uri, params.position)
        return definition(*found) if found else []

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def used(ls: RulesServer, params: types.ReferenceParams) -> list[types.Location]:
        found = ls.at(params.text_document.uri, params.position)
        return references(*found, params.context.include_declaration) if found else []

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))
    def act(ls: RulesServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        analysis = ls.analyses.get(params.text_document.uri)
        return code_actions(analysis, params.text_document.uri, params.range) \
            if analysis else []

    return server


def serve() -> None:
    """Run on stdin and stdout until the client says exit."""
    build().start_io()
