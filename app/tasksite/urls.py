from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from notes import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/items", views.api_items, name="api_items"),
    path("healthz", views.healthz, name="healthz"),
    # A one-stylesheet site: Django serves the collected files itself, no separate static server.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
]
