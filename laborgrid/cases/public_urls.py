from laborgrid.cases.views.public import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
