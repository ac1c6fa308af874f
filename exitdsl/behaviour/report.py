"""Parent side: the behavioural check as one self-contained HTML page to look at.

Per parent, one chart: the parent's equity curve and each child's on one time axis (click a
legend entry to hide a curve), the parent's trades as markers, and each child's first
divergence marked on its curve; then a table per child (the rule and ``old -> new`` that
made it, the verdict and its figures). For a population, the verdict rates per rule. Drawn
with bokeh (which backtesting.py ships with), its JavaScript inlined: the page makes no
network request when opened.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..io.files import FileProblem, write_atomic
from .verdict import ENTRIES_CHANGED, EFFECTIVE, FAILED, NO_EFFECT, Run, Verdict

_ORDER = (EFFECTIVE, NO_EFFECT, ENTRIES_CHANGED, FAILED)
_WIDTH, _HEIGHT = 1100, 420
# Each Div draws in a shadow root of its own: the style goes with each table.
_STYLE = ("<style>table{border-collapse:collapse;font:13px sans-serif}td,th{border:1px solid "
          "#ccc;padding:2px 6px;text-align:left}code{font-size:12px}</style>")


@dataclass(frozen=True)
class Section:
    """One parent and its judged children; ``origins``: child -> (rule, old, new)."""

    parent: str
    baseline: Run | None
    verdicts: tuple[Verdict, ...]
    origins: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)


def write_report(path: Path, sections: Sequence[Section], title: str) -> None:
    """Write the page to ``path`` (atomically)."""
    try:
        from bokeh.embed import file_html
        from bokeh.layouts import column
        from bokeh.models.widgets import Div
        from bokeh.resources import INLINE
    except ImportError:
        raise UsageError("--report draws with bokeh: pip install 'exitdsl[backtesting]'") \
            from None
    parts: list[Any] = [Div(text=_heading(title, sections), width=_WIDTH)]
    if len(sections) > 1 or any(s.origins for s in sections):
        parts.append(Div(text=_rates(sections), width=_WIDTH))
    for section in sections:
        parts.append(Div(text=f"<h2>{_escape(section.parent)}</h2>", width=_WIDTH))
        if section.baseline is not None and section.baseline.curve is not None:
            parts.append(_chart(section))
        parts.append(Div(text=_table(section), width=_WIDTH))
    page = file_html(column(*parts), resources=INLINE, title=title)
    try:  # write_atomic refuses what may have appeared there during the runs
        write_atomic(path, page.encode("utf-8"))
    except FileProblem as exc:
        raise UsageError(f"--report {path}: {exc}") from None


def _chart(section: Section) -> Any:
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.palettes import Category10
    from bokeh.plotting import figure

    base = section.baseline
    assert base is not None and base.curve is not None
    plot = figure(width=_WIDTH, height=_HEIGHT, x_axis_type="datetime",
                  y_axis_label="equity (1 = start)", tools="pan,wheel_zoom,box_zoom,reset,save")
    # Milliseconds since the epoch: what a datetime axis plots (a list of ``date`` objects
    # reaches the page as text, and nothing is drawn).
    dates = [_epoch_ms(d) for d in base.curve.dates]
    palette = Category10[10]
    for number, verdict in enumerate(section.verdicts):
        run = verdict.run
        if run is None or run.curve is None or len(run.curve.dates) != len(dates):
            continue
        colour = palette[number % len(palette)]
        label = f"{_short(verdict.child)}: {verdict.verdict}"
        source = ColumnDataSource({"date": dates, "equity": list(run.curve.equity)})
        plot.line("date", "equity", source=source, color=colour, line_width=1.5, alpha=0.85,
                  legend_label=label)
        bar = verdict.first_divergence
        if bar is not None and 0 <= bar < len(dates):
            plot.scatter([dates[bar]], [run.curve.equity[bar]], marker="diamond", size=14,
                         color=colour, line_color="black", legend_label=label)
    # The parent last: on top of the children that did not change it.
    plot.line(dates, base.curve.equity, color="black", line_width=2.5,
              legend_label=f"parent {_short(section.parent)}")
    for kind, marker, colour, label in (("entry", "triangle", "#2ca02c", "parent entries"),
                                        ("exit", "inverted_triangle", "#d62728", "parent exits")):
        bars = [e.bar for e in base.events if e.kind == kind and e.bar < len(dates)]
        plot.scatter([dates[b] for b in bars], [base.curve.equity[b] for b in bars],
                     marker=marker, size=9, color=colour, legend_label=label)
    plot.add_tools(HoverTool(tooltips=[("date", "@x{%F}"), ("equity", "@y{0.000}")],
                             formatters={"@x": "datetime"}))
    plot.legend.click_policy = "hide"
    plot.legend.location = "top_left"
    return plot


def _heading(title: str, sections: Sequence[Section]) -> str:
    counts = Counter(v.verdict for s in sections for v in s.verdicts)
    total = sum(counts.values())
    summary = ", ".join(f"{counts[v]} {v}" for v in _ORDER if counts[v])
    return (f"<h1>{_escape(title)}</h1><p>{len(sections)} parent(s), {total} child(ren): "
            f"{summary or 'none'}. Diamonds mark where each child first differs from its "
            "parent; triangles are the parent's entries and exits.</p>")


def _rates(sections: Sequence[Section]) -> str:
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for section in sections:
        for verdict in section.verdicts:
            rule = section.origins.get(verdict.child, ("(unknown rule)", "", ""))[0]
            by_rule[rule][verdict.verdict] += 1
    rows = []
    for rule in sorted(by_rule):
        counts = by_rule[rule]
        total = sum(counts.values())
        cells = "".join(f"<td>{100 * counts[v] / total:.0f}%</td>" for v in _ORDER)
        rows.append(f"<tr><td><code>{_escape(rule)}</code></td><td>{total}</td>{cells}</tr>")
    head = "".join(f"<th>{v}</th>" for v in _ORDER)
    return (f"{_STYLE}<h2>Verdicts by rule</h2><table><tr><th>rule</th><th>children</th>{head}</tr>"
            f"{''.join(rows)}</table>")


def _table(section: Section) -> str:
    rows = []
    for verdict in section.verdicts:
        rule, old, new = section.origins.get(verdict.child, ("", "", ""))
        change = f"<code>{_escape(old)}</code> -&gt; <code>{_escape(new)}</code>" if rule else ""
        when = verdict.divergence_date or ("" if verdict.first_divergence is None
                                           else f"bar {verdict.first_divergence}")
        rows.append(
            f"<tr><td>{_escape(_short(verdict.child))}</td><td><code>{_escape(rule)}</code></td>"
            f"<td>{change}</td><td>{verdict.verdict}</td>"
            f"<td>{verdict.trades[0]} -&gt; {verdict.trades[1]}</td>"
            f"<td>{verdict.exits_changed}</td><td>{verdict.return_delta:+.2f} pp</td>"
            f"<td>{_escape(when)}</td><td>{_escape(verdict.error or '')}</td></tr>")
    return (f"{_STYLE}<table><tr><th>child</th><th>rule</th><th>old -&gt; new</th><th>verdict</th>"
            "<th>trades</th><th>exits changed</th><th>return</th><th>first difference</th>"
            f"<th>error</th></tr>{''.join(rows)}</table>")


def _epoch_ms(day: str) -> float:
    moment = datetime.combine(date.fromisoformat(day[:10]), datetime.min.time(), timezone.utc)
    return moment.timestamp() * 1000


def _short(path: str) -> str:
    return Path(path).name or path


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
