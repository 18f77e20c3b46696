"""Pages. Every read goes through records.selectors (another person's object is a 404);
writes go through records.services and records.reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from auditlog.context import set_actor
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from records import reviews, selectors, services
from records.audit import record_access
from records.models import Document, Review
from records.profile import build_profile, load_inputs
from records.security import AskRateThrottle, UploadRateThrottle, page_allows
from records.timeline import build_timeline
from records.validation import Refusal

from . import answers, labels
from .source import latest_reviews, locate
from .timeline_chart import build_chart, show_date

FINAL_STATES = {Document.Status.DONE, Document.Status.FAILED}


def is_clinician(user) -> bool:
    return user.is_authenticated and hasattr(user, "clinician")


# ---------------------------------------------------------------- home and upload

def home(request):
    if not request.user.is_authenticated:
        return render(request, "frontend/welcome.html")
    patient = selectors.own_patient(request.user)
    if patient is None and is_clinician(request.user):
        return redirect("frontend:clinician")
    documents = selectors.documents_visible_to(request.user)[:50] if patient else []
    return render(request, "frontend/home.html", {
        "patient": patient,
        "documents": documents,
        "final_states": FINAL_STATES,
        "max_files": settings.UPLOAD_MAX_FILES,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    })


@login_required
@require_POST
def upload(request):
    """The upload form. A script posting with `X-Requested-With: XMLHttpRequest` gets
    the new status rows back as HTML; a plain form post is redirected home."""
    patient = selectors.own_patient(request.user)
    fragment = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    if patient is None:
        raise PermissionDenied("Only a patient can upload to their own record here.")
    files = request.FILES.getlist("file")
    results: list[dict[str, Any]] = []
    if files and not page_allows(UploadRateThrottle, request):
        results.append({"name": "", "error": "You have uploaded many files in the last hour; "
                                             "please wait a little and try again."})
        files = []
    elif not files:
        results.append({"name": "", "error": "Choose at least one file to upload."})
    elif len(files) > settings.UPLOAD_MAX_FILES:
        results.append({"name": "", "error": f"Upload at most {settings.UPLOAD_MAX_FILES} "
                                             "files at a time."})
        files = []
    with set_actor(request.user):
        for uploaded in files:
            try:
                result = services.ingest_upload(
                    patient=patient, uploaded_by=request.user, uploaded=uploaded)
            except Refusal as refusal:
                results.append({"name": uploaded.name, "error": refusal.message})
                continue
            results.append({"name": uploaded.name, "document": result.document,
                            "duplicate": not result.created})
    if fragment:
        status = 200 if any("document" in r for r in results) else 400
        return render(request, "frontend/_upload_results.html",
                      {"results": results, "final_states": FINAL_STATES}, status=status)
    for r in results:
        if "error" in r:
            messages.error(request, f"{r['name']}: {r['error']}" if r["name"] else r["error"])
        elif r["duplicate"]:
            messages.info(request, f"“{r['name']}” was already uploaded.")
        else:
            messages.success(request, f"“{r['name']}” was received and is waiting to be read.")
    return redirect("frontend:home")


# ---------------------------------------------------------------- documents

@login_required
def documents(request):
    docs = selectors.documents_visible_to(request.user).select_related("patient")
    patient_id = request.GET.get("patient")
    if patient_id and patient_id.isdigit():
        docs = docs.filter(patient=selectors.get_patient_for(request.user, int(patient_id)))
    return render(request, "frontend/documents.html", {
        "documents": docs[:200], "final_states": FINAL_STATES,
        "clinician": is_clinician(request.user),
    })


@login_required
def document_detail(request, document_id: int):
    document = selectors.get_document_for(request.user, document_id)
    record_access(request.user, document)
    return render(request, "frontend/document.html", {
        "document": document,
        "pages": document.pages.all(),
        "is_owner": selectors.is_owner(request.user, document.patient),
        "final_states": FINAL_STATES,
    })


@login_required
@require_GET
def document_status(request, document_id: int):
    """One status row, polled by htmx until the document is done or failed."""
    document = selectors.get_document_for(request.user, document_id)
    # A row in a final state carries no polling trigger, so htmx stops asking.
    return render(request, "frontend/_document_row.html",
                  {"d": document, "final_states": FINAL_STATES})


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, document_id: int):
    document = selectors.get_document_for(request.user, document_id)
    if not selectors.is_owner(request.user, document.patient):
        raise PermissionDenied("Only the patient can delete their documents.")
    if request.method == "POST":
        name = document.original_name
        with set_actor(request.user):
            services.delete_document(document)
        messages.success(request, f"“{name}” and everything read from it were deleted.")
        return redirect("frontend:profile")
    return render(request, "frontend/document_delete.html", {"document": document})


# ---------------------------------------------------------------- profile

def _field_rows(user, profile: dict[str, Any]) -> list[dict[str, Any]]:
    fields = profile["fields"]
    finding_ids = [s["finding_id"] for entry in fields.values() for s in entry.get("sources", [])]
    history = latest_reviews(reviews.findings_visible_to(user).filter(pk__in=finding_ids)
                             .values_list("pk", flat=True))
    groups = []
    for title, names in labels.GROUPS:
        rows = []
        for name in names:
            entry = fields.get(name)
            if entry is None:
                continue
            verdict, flag = None, None
            for source in entry.get("sources", []):
                for review in history.get(source["finding_id"], []):
                    if review.action == Review.Action.FLAG:
                        flag = review
                    else:
                        verdict = review
            conflict = [
                {**c, "shown": labels.show_value(name, c["value"]),
                 "finding_id": (c.get("finding_ids") or [None])[0]}
                for c in entry.get("conflict", [])
            ]
            superseded = [{**c, "shown": labels.show_value(name, c["value"])}
                          for c in entry.get("superseded", [])]
            original = None
            if entry["status"] == "corrected" and entry.get("sources"):
                original = labels.show_value(name, entry["sources"][0]["value"])
            rows.append({
                "field": name,
                "name": labels.field_name(name),
                "help": labels.field_help(name),
                "value": labels.show_value(name, entry["value"]),
                "raw": entry["value"],
                "status": entry["status"],
                "flagged": entry.get("flagged"),
                "flag": flag,
                "verdict": verdict,
                "original": original,
                "sources": entry.get("sources", []),
                "conflict": conflict,
                "superseded": superseded,
                "prefix": entry.get("prefix"),
            })
        if rows:
            groups.append({"title": title, "rows": rows})
    return groups


def _profile_context(request, patient) -> dict[str, Any]:
    record_access(request.user, patient)
    profile = build_profile(patient)
    timeline = build_timeline(patient)
    values = {k: v["value"] for k, v in profile["fields"].items()}
    derived = dict(profile["derived"])
    stage_entry = profile["fields"].get("stage_group") or {}
    if stage_entry.get("status") == "extracted" and not stage_entry.get("sources"):
        derived["stage_source"] = "computed"  # from the reports' T, N and M, not their words
    subtype = derived.get("subtype")
    return {
        "patient": patient,
        "profile": profile,
        "groups": _field_rows(request.user, profile),
        "conflicts": [labels.field_name(c) for c in profile["conflicts"]],
        "subtype": subtype,
        "subtype_text": labels.SUBTYPES.get(subtype or "", "Not known yet: it needs the ER, "
                                            "PR and HER2 results."),
        "her2_low_text": labels.describe_her2_low(derived.get("her2_low")),
        "stage_text": labels.describe_stage(derived.get("stage_group"),
                                            derived.get("stage_source"), values),
        "derived": derived,
        "chart": build_chart(patient, timeline, date.today()),
        "labs": timeline.get("labs", []),
        "documents": selectors.documents_visible_to(request.user).filter(patient=patient),
        "is_owner": selectors.is_owner(request.user, patient),
        "clinician": is_clinician(request.user),
        "show_date": show_date,
    }


@login_required
def my_profile(request):
    patient = selectors.own_patient(request.user)
    if patient is None:
        if is_clinician(request.user):
            return redirect("frontend:clinician")
        raise Http404("You have no patient record.")
    return render(request, "frontend/profile.html", _profile_context(request, patient))


@login_required
def patient_profile(request, patient_id: int):
    patient = selectors.get_patient_for(request.user, patient_id)
    return render(request, "frontend/profile.html", _profile_context(request, patient))


# ---------------------------------------------------------------- one value and its source

def _finding_context(request, finding) -> dict[str, Any]:
    patient = finding.document.patient
    history = list(finding.reviews.select_related("reviewer").order_by("created_at", "id"))
    return {
        "finding": finding,
        "name": labels.field_name(finding.field),
        "help": labels.field_help(finding.field),
        "value": labels.show_value(finding.field, finding.value),
        "source": locate(finding),
        "history": history,
        "is_owner": selectors.is_owner(request.user, patient),
        "may_review": reviews.is_granted_clinician(request.user, patient),
        "patient": patient,
        "section": (finding.section or "").replace("_", " "),
    }


@login_required
def finding_detail(request, finding_id: int):
    finding = reviews.get_finding_for(request.user, finding_id)
    record_access(request.user, finding)
    template = "frontend/_source.html" if request.htmx else "frontend/finding.html"
    return render(request, template, _finding_context(request, finding))


@login_required
@require_POST
def finding_flag(request, finding_id: int):
    finding = reviews.get_finding_for(request.user, finding_id)
    try:
        with set_actor(request.user):
            reviews.add_review(request.user, finding, "flag",
                               reason=request.POST.get("reason", "")[:2000])
    except reviews.ReviewNotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, "Thank you. A clinician will check this value; until then it "
                              "is marked as flagged.")
    return redirect(reverse("frontend:finding", args=[finding.pk]))


# ---------------------------------------------------------------- ask

def _ask_patient(request):
    raw = request.GET.get("patient") or request.POST.get("patient")
    if raw and raw.isdigit():
        return selectors.get_patient_for(request.user, int(raw))
    return selectors.own_patient(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def ask(request):
    patient = _ask_patient(request)
    if patient is None:
        return render(request, "frontend/ask.html", {"no_patient": True})
    current, error, question = None, None, ""
    if request.method == "POST":
        question = (request.POST.get("question") or "").strip()
        if not question:
            error = "Type a question first."
        elif not page_allows(AskRateThrottle, request):
            error = "You have asked many questions in the last hour; please wait a little and try again."
        elif len(question) > 2000:
            error = "Please keep the question under 2,000 characters."
        else:
            try:
                with set_actor(request.user):
                    current = answers.ask(request.user, patient, question)
                question = ""
            except answers.AnswerServiceMissing as exc:
                error = str(exc)
            except answers.AnswerFailed as exc:
                error = str(exc)
    past = answers.history(request.user, patient)
    if current is not None and current.get("id") is not None:
        past = [p for p in past if p.get("id") != current.get("id")]
    return render(request, "frontend/ask.html", {
        "patient": patient, "error": error,
        "current": answers.prepare(current) if current else None,
        "history": [answers.prepare(p, f"h{i}") for i, p in enumerate(past, start=1)],
        "question": question, "available": answers.available(),
        "own": selectors.is_owner(request.user, patient),
    }, status=200 if error is None or request.method == "GET" else 400)


# ---------------------------------------------------------------- clinician

def _require_clinician(request):
    if not is_clinician(request.user):
        raise PermissionDenied("This page is for clinicians.")


@login_required
def clinician_home(request):
    _require_clinician(request)
    rows = []
    patients = selectors.patients_visible_to(request.user).filter(
        grants__clinician__user=request.user, grants__revoked_at__isnull=True
    ).select_related("user")
    for patient in patients:
        inputs = load_inputs(patient)
        profile = build_profile(patient, inputs)
        queue = reviews.patient_queue(patient, inputs, profile)
        rows.append({
            "patient": patient,
            "conflicts": len(profile["conflicts"]),
            "flags": sum(1 for i in queue if i.flagged),
            "to_review": len(queue),
            "documents": selectors.documents_visible_to(request.user).filter(patient=patient).count(),
        })
    return render(request, "frontend/clinician_home.html", {"rows": rows})


def _queue_ids(request) -> tuple[list, int | None]:
    patient = request.GET.get("patient")
    patient_id = int(patient) if patient and patient.isdigit() else None
    if patient_id is not None:
        selectors.get_patient_for(request.user, patient_id)
    return reviews.review_queue(request.user, patient_id), patient_id


@login_required
def review_queue(request):
    _require_clinician(request)
    items, patient_id = _queue_ids(request)
    rows = [{
        "item": i,
        "name": labels.field_name(i.finding.field),
        "value": labels.show_value(i.finding.field, i.finding.value),
    } for i in items]
    return render(request, "frontend/review_queue.html",
                  {"rows": rows, "patient_id": patient_id})


@login_required
@require_http_methods(["GET", "POST"])
def review_screen(request, finding_id: int):
    finding = reviews.get_finding_for(request.user, finding_id)
    _require_clinician(request)
    items, patient_id = _queue_ids(request)
    ids = [i.finding.pk for i in items]
    suffix = f"?patient={patient_id}" if patient_id else ""
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        value = labels.parse_value(finding.field, request.POST.get("value", "")) \
            if action == "correct" else None
        try:
            with set_actor(request.user):
                reviews.add_review(request.user, finding, action, value=value,
                                   reason=request.POST.get("reason", "")[:2000])
        except reviews.ReviewNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except reviews.InvalidReview as exc:
            error = str(exc)
        else:
            done = {"accept": "Accepted", "correct": "Corrected", "reject": "Rejected"}[action]
            messages.success(request, f"{done}: {labels.field_name(finding.field)} "
                                      f"({finding.document.original_name}).")
            remaining = [i for i in ids if i != finding.pk]
            if remaining:
                after = [i for i in ids[ids.index(finding.pk) + 1:] if i in remaining] \
                    if finding.pk in ids else []
                target = after[0] if after else remaining[0]
                return redirect(reverse("frontend:review", args=[target]) + suffix)
            return redirect(reverse("frontend:review-queue") + suffix)
    record_access(request.user, finding)
    position = ids.index(finding.pk) if finding.pk in ids else None
    item = items[position] if position is not None else None
    context = _finding_context(request, finding)
    profile_entry = build_profile(finding.document.patient)["fields"].get(finding.field, {})
    context.update({
        "item": item,
        "position": (position + 1) if position is not None else None,
        "total": len(ids),
        "next_id": ids[position + 1] if position is not None and position + 1 < len(ids)
        else None,
        "prev_id": ids[position - 1] if position else None,
        "suffix": suffix,
        "choices": labels.CHOICES.get(finding.field, []),
        "conflict": [{**c, "shown": labels.show_value(finding.field, c["value"])}
                     for c in profile_entry.get("conflict", [])],
        "error": error,
        "post": request.POST if error else {},
        "confidence_pct": round(finding.confidence * 100),
    })
    return render(request, "frontend/review.html", context, status=400 if error else 200)


@login_required
def review_stats(request):
    _require_clinician(request)
    rows = reviews.review_statistics(request.user)
    for row in rows:
        row["name"] = labels.field_name(row["field"])
        row["accuracy_pct"] = None if row["accuracy"] is None else round(row["accuracy"] * 100)
    return render(request, "frontend/review_stats.html", {"rows": rows})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
