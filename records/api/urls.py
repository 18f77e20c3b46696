from rest_framework.routers import SimpleRouter

from .views import DocumentViewSet, PatientViewSet

router = SimpleRouter()
# The contract spells some paths without the slash (/api/documents/{id}/file): accept both.
router.trailing_slash = "/?"
router.register("documents", DocumentViewSet, basename="document")
router.register("patients", PatientViewSet, basename="patient")

urlpatterns = router.urls
