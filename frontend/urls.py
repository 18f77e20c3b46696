from django.urls import path

from . import views

app_name = "frontend"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("healthz", views.healthz, name="healthz"),
]
