from django.urls import path

from laborgrid.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/targets/", views.plan_targets_add, name="plan_targets_add"),
    path(
        "plans/<int:pk>/targets/<int:target>/remove/",
        views.plan_target_remove,
        name="plan_target_remove",
    ),
    path("cycle/", views.cycle, name="cycle"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/targets/", views.campaign_targets_add, name="campaign_targets_add"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/export/", views.campaign_export, name="campaign_export"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/new/<int:employer>/", views.visit_form, name="visit_form"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photos/", views.visit_photo_add, name="visit_photo_add"),
    path("visits/<int:pk>/conclude/", views.visit_conclude, name="visit_conclude"),
    path("visits/<int:pk>/order/", views.visit_order, name="visit_order"),
    path("visits/<int:pk>/record.pdf", views.visit_record, name="visit_record"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("stats/", views.stats, name="stats"),
]
