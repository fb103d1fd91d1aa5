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
    path("grades/<int:pk>/", views.grade_detail, name="grade_detail"),
    path("grades/<int:pk>/objection/", views.grade_objection, name="grade_objection"),
    path("grades/<int:pk>/letter/", views.grade_letter, name="grade_letter"),
    path("blacklist/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("blacklist/<int:pk>/statement/", views.listing_statement, name="listing_statement"),
    path("blacklist/<int:pk>/letter/", views.listing_letter, name="listing_letter"),
]
