"""Oscar's URLs, plus /health and /version."""

from django.apps import apps
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from oscar_shop.version import health, version

urlpatterns = [
    path("health", health),
    path("version", version),
    path("i18n/", include("django.conf.urls.i18n")),
    # Product images (runserver --insecure serves static files, not media).
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
