from django.urls import path

from laborgrid.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("activate/", views.activate, name="activate"),
    path("reviews/<int:year>/", views.review, name="review"),
    path("reviews/<int:year>/files/<int:pk>/", views.review_attachment, name="review_file"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/answer/", views.order_answer, name="order_answer"),
    path("orders/<int:pk>/document/", views.order_document, name="document_file"),
]
