from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from hitsm.core.views import h5_app, web_app
from hitsm.wecom.views import callback as wecom_callback

admin.site.site_header = "HITSM 医院IT服务管理平台"
admin.site.site_title = "HITSM"

urlpatterns = [
    path("api/v1/", include("hitsm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/django/", admin.site.urls),
    re_path(r"^wecom/callback/?$", wecom_callback, name="wecom-callback"),
    re_path(r"^h5(?:/(?P<path>.*))?$", h5_app, name="h5"),
    re_path(r"^(?!api/|static/|media/|ws/|wecom/)(?P<path>.*)$", web_app, name="web"),
]

if settings.BENCH_ENDPOINTS:  # benchmark-only (bench/load.py); never routed in production
    urlpatterns.insert(0, path("api/v1/bench/", include("hitsm.core.api.bench")))
