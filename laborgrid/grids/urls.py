from django.urls import path

from laborgrid.grids import views

app_name = "grids"

urlpatterns = [
    path("", views.grid_list, name="grid_list"),
    path("map/", views.grid_map, name="grid_map_home"),
    path("switch/", views.switch_grid, name="switch_grid"),
    path("<str:code>/", views.grid_detail, name="grid_detail"),
    path("<str:code>/children/", views.grid_children, name="grid_children"),
    path("<str:code>/add/", views.grid_create, name="grid_create"),
    path("<str:code>/edit/", views.grid_edit, name="grid_edit"),
    path("<str:code>/move/", views.grid_move, name="grid_move"),
    path("<str:code>/merge/", views.grid_merge, name="grid_merge"),
    path("<str:code>/map/", views.grid_map, name="grid_map"),
    path("<str:code>/export/", views.grid_export, name="grid_export"),
    path("<str:code>/map.json", views.grid_map_data, name="grid_map_data"),
]
