"""The dashboard's charts as panels: a title, what it counts, a table of its numbers (the same rows go to its
CSV file) and its SVG chart. Built during a request (the texts are translated)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup

from ..forum.queue import _cell as csv_cell
from ..forum.queue import bucket_label
from . import charts, dashboard
from .dashboard import Week

CHART_KEYS = ("deflection", "zero-results", "unanswered", "helpful", "calls")


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    counts: str  # what the chart counts, in a sentence
    columns: list[str]
    rows: list[list]
    svg: Markup


def _percent(value: float) -> str:
    return f"{value:g}%"


def _week_columns() -> list[str]:
    return [_("Week"), _("Week starts (UTC)")]


def _week_cells(week: Week) -> list:
    return [week.label, week.first_day.isoformat()]


def _short(week: Week) -> str:
    return week.label.split("-")[1]


def _deflection(viewer, weeks: list[Week], now: datetime) -> Panel:
    rows = dashboard.deflection_by_week(weeks, now)
    title = _("Deflection rate per week")
    tips = [
        _(
            "%(week)s: %(deflected)d of %(visits)d ask-form visits left without posting (%(rate)s)",
            week=r.week.label, deflected=r.deflected, visits=r.deflected + r.posted, rate=_percent(r.rate),
        )
        for r in rows
    ]  # fmt: skip
    return Panel(
        "deflection",
        title,
        _(
            "Visits to the ask form that were shown similar questions, by the week the visit started: "
            "deflected (left, or said a suggestion answered them, without posting; or quiet for an hour) "
            "out of those plus the ones that posted anyway. Visits that saw no suggestion count neither way."
        ),
        [*_week_columns(), _("Deflected"), _("Posted anyway"), _("Deflection rate (per cent)")],
        [[*_week_cells(r.week), r.deflected, r.posted, r.rate] for r in rows],
        charts.bar_chart(
            title,
            _(
                "Share of ask-form visits per week that ended without a question posted; the numbers are in "
                "the table below."
            ),  # fmt: skip
            [_short(r.week) for r in rows],
            [charts.Series(_("Deflection rate"), [r.rate for r in rows], tips)],
            percent=True,
        ),
    )


def _zero_results(viewer, weeks: list[Week], now: datetime) -> Panel:
    rows = dashboard.zero_results_by_week(weeks)
    title = _("Searches with no result per week")
    tips = [
        _(
            "%(week)s: %(zero)d of %(searches)d searches found nothing (%(share)s)",
            week=r.week.label, zero=r.zero, searches=r.searches, share=_percent(r.share),
        )
        for r in rows
    ]  # fmt: skip
    return Panel(
        "zero-results",
        title,
        _(
            "Queries typed on the search page (not the ask form's suggestions) each week, and how many found "
            "nothing in the public spaces. A visit repeating a query within 30 minutes counts once."
        ),
        [*_week_columns(), _("Found nothing"), _("Searches"), _("Share with no result (per cent)")],
        [[*_week_cells(r.week), r.zero, r.searches, r.share] for r in rows],
        charts.bar_chart(
            title,
            _("Share of searches per week that found nothing; the numbers are in the table below."),
            [_short(r.week) for r in rows],
            [charts.Series(_("Share with no result"), [r.share for r in rows], tips)],
            percent=True,
        ),
    )


def _unanswered(viewer, weeks: list[Week], now: datetime) -> Panel:
    rows = dashboard.unanswered_by_age(viewer, now)
    title = _("Unanswered questions by age")
    labels = [bucket_label(r.key) for r in rows]
    no_answer = _("No answer")
    no_accepted = _("Answers, none accepted")
    return Panel(
        "unanswered",
        title,
        _(
            "The unanswered queue right now: open questions without an accepted answer in the spaces you may "
            "see, by how long ago they were asked, split into those with no answer at all and those with "
            "answers of which none is accepted."
        ),
        [_("Age"), no_answer, no_accepted, _("Total")],
        [[label, r.no_answer, r.no_accepted, r.total] for label, r in zip(labels, rows, strict=True)],
        charts.hbar_chart(
            title,
            _("Open questions by age, with and without answers; the numbers are in the table below."),
            labels,
            [
                charts.Series(
                    no_answer,
                    [r.no_answer for r in rows],
                    [
                        _("%(age)s: %(num)d with no answer", age=lb, num=r.no_answer)
                        for lb, r in zip(labels, rows, strict=True)
                    ],
                ),
                charts.Series(
                    no_accepted,
                    [r.no_accepted for r in rows],
                    [
                        _("%(age)s: %(num)d with answers, none accepted", age=lb, num=r.no_accepted)
                        for lb, r in zip(labels, rows, strict=True)
                    ],
                ),
            ],
        ),  # fmt: skip
    )


def _helpful(viewer, weeks: list[Week], now: datetime) -> Panel:
    rows = dashboard.helpful_by_week(viewer, weeks)
    title = _("Helpful-vote ratio per week")
    tips = [
        _(
            "%(week)s: %(yes)d of %(ratings)d said yes (%(ratio)s)",
            week=r.week.label, yes=r.yes, ratings=r.ratings, ratio=_percent(r.ratio),
        )
        for r in rows
    ]  # fmt: skip
    return Panel(
        "helpful",
        title,
        _(
            'Answers to "Did this answer your question?" on threads and wiki pages you may see, by the week '
            "each was last given: yes out of all. Someone changing their answer counts once, as their latest."
        ),
        [*_week_columns(), _("Yes"), _("Ratings"), _("Helpful (per cent)")],
        [[*_week_cells(r.week), r.yes, r.ratings, r.ratio] for r in rows],
        charts.bar_chart(
            title,
            _("Share of ratings per week that said yes; the numbers are in the table below."),
            [_short(r.week) for r in rows],
            [charts.Series(_("Helpful"), [r.ratio for r in rows], tips)],
            percent=True,
        ),
    )


def _calls(viewer, weeks: list[Week], now: datetime) -> Panel:
    rows = dashboard.calls_by_week(viewer, weeks)
    title = _("Calls logged per week")
    linked, topic = _("From a thread or page"), _("Topic only")
    return Panel(
        "calls",
        title,
        _(
            "Phone calls the helpdesk logged each week: from a thread or wiki page you may see, or with a "
            "topic (still a topic call once the topic got a page). Calls about content hidden from you, or "
            "whose thread or page was deleted since, are not counted."
        ),
        [*_week_columns(), linked, topic, _("Total")],
        [[*_week_cells(r.week), r.with_content, r.topic_only, r.total] for r in rows],
        charts.bar_chart(
            title,
            _(
                "Calls logged per week, stacked by whether they name a thread or page; the numbers are in "
                "the table below."
            ),
            [_short(r.week) for r in rows],
            [
                charts.Series(
                    linked,
                    [r.with_content for r in rows],
                    [
                        _("%(week)s: %(num)d from a thread or page", week=r.week.label, num=r.with_content)
                        for r in rows
                    ],
                ),
                charts.Series(
                    topic,
                    [r.topic_only for r in rows],
                    [
                        _("%(week)s: %(num)d with a topic only", week=r.week.label, num=r.topic_only)
                        for r in rows
                    ],
                ),
            ],
        ),  # fmt: skip
    )


_BUILDERS: dict[str, Callable[..., Panel]] = {
    "deflection": _deflection,
    "zero-results": _zero_results,
    "unanswered": _unanswered,
    "helpful": _helpful,
    "calls": _calls,
}


def panel(key: str, viewer, weeks: list[Week], now: datetime) -> Panel:
    return _BUILDERS[key](viewer, weeks, now)


def panels(viewer, weeks: list[Week], now: datetime) -> list[Panel]:
    return [panel(key, viewer, weeks, now) for key in CHART_KEYS]


def panel_csv(one: Panel) -> str:
    """A panel's table as CSV (UTF-8 with a byte-order mark; cells that look like formulas stay text)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_cell(column) for column in one.columns)
    for row in one.rows:
        writer.writerow(csv_cell(value) for value in row)
    return "\ufeff" + out.getvalue()
