"""The treatment timeline as a server-drawn SVG chart: drugs as bars over time, dose
changes as numbered markers (reason in a <title> and in the legend), surgery and
radiation as events on their own row. No script; the same facts also come as a list."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from records.models import Document, Finding, Patient

WIDTH = 900
LABEL_W = 180
RIGHT_PAD = 24
ROW_H = 38
TOP = 14
AXIS_H = 34
COLORS = ["#2a6f97", "#7b4397", "#2d6a4f", "#b5179e", "#9c6644", "#3a0ca3"]


def month_index(value: str | None) -> float | None:
    """'2025', '2025-09' or '2025-09-14' as months since year 0 (fractional for days)."""
    if not value:
        return None
    parts = str(value).split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
    except ValueError:
        return None
    if not (1 <= month <= 12):
        return None
    return year * 12 + (month - 1) + (day - 1) / 31


def show_date(value: str | None) -> str:
    if not value:
        return "date not in the records"
    parts = str(value).split("-")
    try:
        if len(parts) >= 2:
            text = f"{calendar.month_name[int(parts[1])]} {parts[0]}"
            return f"{int(parts[2])} {text}" if len(parts) > 2 else text
    except (ValueError, IndexError):
        return str(value)
    return parts[0]


@dataclass
class Event:
    kind: str  # surgery | radiation
    name: str
    when: str | None
    end: str | None = None
    detail: str = ""
    finished_only: bool = False  # only the date it was finished is known

    @property
    def label(self) -> str:
        names = {"lumpectomy": "Lumpectomy (partial mastectomy)",
                 "sentinel lymph node biopsy": "Sentinel lymph node biopsy",
                 "radiation": "Radiation"}
        base = names.get(self.name, self.name[:1].upper() + self.name[1:])
        return f"{base}{' – ' + self.detail if self.detail else ''}"


@dataclass
class Change:
    number: int
    drug: str
    when: str | None
    text: str
    reason: str

    @property
    def when_text(self) -> str:
        return show_date(self.when)


@dataclass
class Chart:
    svg: SafeString
    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    drugs: list[dict[str, Any]] = field(default_factory=list)
    undated: list[Event] = field(default_factory=list)
    empty: bool = False


def collect_events(patient: Patient, treatments: list[dict[str, Any]]) -> list[Event]:
    """Surgery and radiation from the merged timeline and from the findings (a clinic
    note tells them as history, which the timeline's summary leaves out)."""
    events: dict[tuple, Event] = {}
    for t in treatments:
        if t.get("kind") in ("surgery", "radiation"):
            detail = t.get("laterality") or t.get("site") or ""
            key = (t["kind"], (t.get("name") or "").lower(), detail)
            events[key] = Event(t["kind"], t.get("name") or t["kind"], t.get("start") or t.get("end"),
                                t.get("end") if t.get("start") else None, detail,
                                finished_only=not t.get("start") and bool(t.get("end")))
    findings = Finding.objects.filter(
        document__patient=patient, document__status=Document.Status.DONE,
        field__in=("surgery", "radiation"), assertion__in=("present", "historical"),
    ).order_by("document_id", "page", "start")
    for f in findings:
        a = f.attributes or {}
        detail = a.get("laterality") or a.get("site") or ""
        key = (f.field, str(f.value).lower(), detail)
        when = a.get("date") or a.get("start") or a.get("end")
        known = events.get(key)
        if known is None:
            events[key] = Event(f.field, str(f.value), when,
                                a.get("end") if a.get("start") else None, detail,
                                finished_only=not (a.get("date") or a.get("start"))
                                and bool(a.get("end")))
        elif not known.when and when:
            known.when = when
    return sorted(events.values(), key=lambda e: (month_index(e.when) or 1e9, e.name))


def change_text(change: dict[str, Any]) -> str:
    what = (change.get("change") or "changed").capitalize()
    if change.get("dose") is not None:
        what += f" to {change['dose']:g} {change.get('unit') or ''}".rstrip() if isinstance(
            change["dose"], int | float) else f" to {change['dose']}"
    return what


def change_reason(change: dict[str, Any]) -> str:
    reason = change.get("reason") or "reason not in the records"
    if change.get("grade"):
        reason += f" (grade {change['grade']})"
    return reason


def build_chart(patient: Patient, timeline: dict[str, Any], today: date | None = None) -> Chart:
    today = today or date.today()
    now = today.year * 12 + today.month - 1 + (today.day - 1) / 31
    treatments = timeline.get("treatments") or []
    drugs = [t for t in treatments if t.get("kind") not in ("surgery", "radiation")]
    all_events = collect_events(patient, treatments)
    events = [e for e in all_events if month_index(e.when) is not None]
    undated = [e for e in all_events if month_index(e.when) is None]
    changes: list[Change] = []
    for t in drugs:
        for c in t.get("changes") or []:
            changes.append(Change(len(changes) + 1, t.get("name") or "", c.get("date"),
                                  change_text(c), change_reason(c)))
    points = [month_index(v) for t in drugs for v in (t.get("start"), t.get("end"))]
    points += [month_index(e.when) for e in events] + [month_index(e.end) for e in events]
    points += [month_index(c.when) for c in changes]
    points = [p for p in points if p is not None]
    if any(t.get("status") == "current" for t in drugs):
        points.append(now)
    if not drugs and not events:
        return Chart(mark_safe(""), events=all_events, undated=undated, empty=True)
    lo = (min(points) if points else now) - 1
    hi = (max(points) if points else now) + 1
    if hi - lo < 8:
        hi = lo + 8
    lo, hi = int(lo), int(hi) + 1
    plot_w = WIDTH - LABEL_W - RIGHT_PAD

    def x(m: float) -> float:
        return round(LABEL_W + (m - lo) / (hi - lo) * plot_w, 1)

    # Event labels go in lanes under the markers so that close dates do not overlap.
    lanes: list[float] = []
    placed: list[tuple[Event, float, float, int, str]] = []  # event, x, label x, lane, anchor
    for e in events:
        ex = x(month_index(e.when))
        width = len(e.label) * 6.3
        anchor, lx = "start", ex - 4
        if lx + width > WIDTH - 4:
            anchor, lx = "end", ex + 4
        left = lx if anchor == "start" else lx - width
        lane = next((i for i, end in enumerate(lanes) if end < left - 8), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = left + width
        placed.append((e, ex, lx, lane, anchor))
    events_h = (26 + 14 * len(lanes)) if events else 0
    rows = len(drugs)
    height = TOP + events_h + rows * ROW_H + AXIS_H
    out: list[str] = []
    # grid and axis: a line per month, a label per year (and per quarter on short spans)
    axis_y = TOP + events_h + rows * ROW_H
    for m in range(lo, hi + 1):
        year, month = divmod(m, 12)
        strong = month == 0
        out.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid{}"/>',
            x(m), x(m), TOP - 4, axis_y, " year" if strong else ""))
        if (strong or (hi - lo <= 30 and month % 3 == 0)) and x(m) + 30 < WIDTH:
            label = str(year) if strong else calendar.month_abbr[month + 1]
            out.append(format_html('<text x="{}" y="{}" class="tick{}">{}</text>',
                                   x(m) + 2, axis_y + 16, " year" if strong else "", label))
    out.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="axis"/>',
                           LABEL_W, WIDTH - RIGHT_PAD, axis_y, axis_y))
    if events:
        y = TOP + 10
        out.append(format_html('<text x="8" y="{}" class="row-label">Surgery and radiation'
                               '</text>', y + 4))
        for e, ex, lx, lane, anchor in placed:
            title = (f"{e.label}: {'finished ' if e.finished_only else ''}{show_date(e.when)}"
                     + (f" to {show_date(e.end)}" if e.end else ""))
            end = month_index(e.end)
            if end is not None and end > month_index(e.when):
                out.append(format_html(
                    '<rect class="event-span {}" x="{}" y="{}" width="{}" height="6" rx="3"/>',
                    e.kind, ex, y - 3, max(x(end) - ex, 3)))
            shape = ("M{0} {1} l7 7 l-7 7 l-7 -7 z" if e.kind == "surgery"
                     else "M{0} {1} a7 7 0 1 0 0.01 0 z").format(ex, y - 7)
            label_y = y + 22 + 14 * lane
            out.append(format_html(
                '<g class="event {}" tabindex="0" role="img" aria-label="{}"><title>{}</title>'
                '<path d="{}"/><text x="{}" y="{}" text-anchor="{}" class="event-label">{}</text>'
                '</g>', e.kind, title, title, shape, lx, label_y, anchor, e.label))
    row = 0
    for i, t in enumerate(drugs):
        y = TOP + events_h + row * ROW_H + ROW_H / 2
        color = COLORS[i % len(COLORS)]
        name = t.get("name") or "treatment"
        shown = name + (f" ({t['brand']})" if t.get("brand") else "")
        dose = " ".join(str(v) for v in (
            f"{t['dose']:g}" if isinstance(t.get("dose"), int | float) else t.get("dose"),
            t.get("unit"), t.get("frequency")) if v)
        out.append(format_html('<text x="8" y="{}" class="row-label">{}</text>', y, shown))
        if dose or t.get("status"):
            sub = ", ".join(v for v in (dose, {"current": "taking now", "past": "stopped",
                                               "planned": "planned"}.get(t.get("status"), ""))
                            if v)
            out.append(format_html('<text x="8" y="{}" class="row-sub">{}</text>', y + 14, sub))
        start, end = month_index(t.get("start")), month_index(t.get("end"))
        status = t.get("status")
        if status == "current" and end is None:
            end = now
        title = (f"{shown}: {show_date(t.get('start'))} to "
                 f"{'now' if status == 'current' else show_date(t.get('end'))}")
        if start is None and end is None:
            out.append(format_html('<text x="{}" y="{}" class="row-sub">dates not in the records'
                                   '</text>', LABEL_W + 6, y + 4))
        else:
            start = start if start is not None else end
            end = end if end is not None else start + 0.5
            cls = "bar planned" if status == "planned" else "bar"
            out.append(format_html(
                '<g class="drug" tabindex="0" role="img" aria-label="{}"><title>{}</title>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="14" rx="4" fill="{}" '
                'stroke="{}"/></g>',
                title, title, cls, x(start), y - 9, max(x(end) - x(start), 4), color, color))
            if status == "current":
                out.append(format_html('<path d="M{} {} l8 7 l-8 7 z" fill="{}"/>',
                                       x(end), y - 9, color))
        for c in changes:
            if c.drug != name:
                continue
            m = month_index(c.when)
            if m is None:
                continue
            title = f"{c.number}. {name}: {c.text} ({show_date(c.when)}). Reason: {c.reason}"
            out.append(format_html(
                '<g class="change" tabindex="0" role="img" aria-label="{}"><title>{}</title>'
                '<path d="M{} {} l-7 -10 h14 z"/><text x="{}" y="{}" class="change-num">{}'
                '</text></g>',
                title, title, x(m), y - 10, x(m) - 3, y - 22, c.number))
        row += 1
    if now >= lo and now <= hi:
        out.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="today"/><text x="{}" y="{}" '
            'class="today-label">today</text>', x(now), x(now), TOP - 6, axis_y, x(now) - 14,
            axis_y + 30))
    svg = format_html(
        '<svg class="timeline" viewBox="0 0 {} {}" width="100%" role="group" '
        'aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="timeline-title">Treatment timeline: {}</title>{}</svg>',
        WIDTH, height + 8,
        escape(", ".join(t.get("name") or "" for t in drugs) or "surgery and radiation"),
        mark_safe("".join(out)))
    return Chart(svg, changes, all_events, drugs, undated)
