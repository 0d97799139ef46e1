"""The studio site's root URL configuration."""
from django.urls import include, path

urlpatterns = [path("", include("studio.urls"))]
handler403 = "studio.views.accounts.permission_denied"
handler404 = "studio.views.accounts.not_found"
