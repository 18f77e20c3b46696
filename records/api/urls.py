from django.urls import path
from rest_framework.routers import SimpleRouter

from guidelines.api import PatientQuestionsView

from . import profile_views as pv
from .privacy_views import PatientDataDeletionView
from .views import DocumentViewSet, PatientViewSet

router = SimpleRouter()
# The contract spells some paths without the slash (/api/documents/{id}/file): accept both.
router.trailing_slash = "/?"
router.register("documents", DocumentViewSet, basename="document")
router.register("patients", PatientViewSet, basename="patient")

urlpatterns = router.urls + [
    path("patients/<int:patient_id>/profile/", pv.ProfileView.as_view(), name="patient-profile"),
    path("patients/<int:patient_id>/timeline/", pv.TimelineView.as_view(), name="patient-timeline"),
    path("patients/<int:patient_id>/fhir/", pv.FhirView.as_view(), name="patient-fhir"),
    path("findings/<int:finding_id>/", pv.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<int:finding_id>/reviews/", pv.FindingReviewView.as_view(), name="finding-reviews"),
    path("patients/<int:patient_id>/questions/", PatientQuestionsView.as_view(), name="patient-questions"),
    path("patients/<int:patient_id>/data/", PatientDataDeletionView.as_view(), name="patient-data"),
    path("review-queue/", pv.ReviewQueueView.as_view(), name="review-queue"),
    path("review-stats/", pv.ReviewStatsView.as_view(), name="review-stats"),
]
