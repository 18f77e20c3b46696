from django.urls import path

from . import views

app_name = "frontend"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/status/", views.document_status, name="document-status"),
    path("documents/<int:document_id>/delete/", views.document_delete, name="document-delete"),
    path("profile/", views.my_profile, name="profile"),
    path("patients/<int:patient_id>/profile/", views.patient_profile, name="patient-profile"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/flag/", views.finding_flag, name="finding-flag"),
    path("ask/", views.ask, name="ask"),
    path("clinician/", views.clinician_home, name="clinician"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/stats/", views.review_stats, name="review-stats"),
    path("review/<int:finding_id>/", views.review_screen, name="review"),
    path("healthz", views.healthz, name="healthz"),
]
