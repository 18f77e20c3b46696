from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from records import selectors, services
from records.validation import Refusal


def home(request):
    if not request.user.is_authenticated:
        return render(request, "frontend/welcome.html")
    documents = selectors.documents_visible_to(request.user)[:100]
    patient = selectors.own_patient(request.user)
    return render(
        request,
        "frontend/home.html",
        {"documents": documents, "patient": patient,
         "patients": selectors.patients_visible_to(request.user)},
    )


@login_required
@require_POST
def upload(request):
    patient = selectors.own_patient(request.user)
    if patient is None:
        messages.error(request, "Only a patient can upload to their own record here.")
        return redirect("frontend:home")
    for uploaded in request.FILES.getlist("file"):
        try:
            result = services.ingest_upload(
                patient=patient, uploaded_by=request.user, uploaded=uploaded
            )
        except Refusal as refusal:
            messages.error(request, refusal.message)
            continue
        if result.created:
            messages.success(request, f"“{uploaded.name}” was received and is queued.")
        else:
            messages.info(request, f"“{uploaded.name}” was already uploaded.")
    return redirect("frontend:home")


@login_required
def document_detail(request, document_id: int):
    document = selectors.get_document_for(request.user, document_id)
    return render(request, "frontend/document.html", {"document": document})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
