from laborgrid.deadlines.views import urlpatterns

app_name = "deadlines"

__all__ = ["app_name", "urlpatterns"]
