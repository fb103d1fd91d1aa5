from django.urls import path

from laborgrid.collection.views import field, review, rounds

app_name = "collection"

urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/export/", rounds.round_export, name="round_export"),
    path("tasks/<int:pk>/reassign/", rounds.task_reassign, name="task_reassign"),
    path("my/", field.my_tasks_page, name="my_tasks"),
    path("tasks/<int:pk>/form/", field.task_form, name="task_form"),
    path("sync/", field.sync_page, name="sync"),
    path("employers/new/", field.field_employer_create, name="field_employer_create"),
    path("manifest.webmanifest", field.manifest, name="manifest"),
    path("review/", review.review_list, name="review_list"),
    path("problems/", review.problem_list, name="problem_list"),
    path("submissions/<uuid:pk>/", review.submission_detail, name="submission_detail"),
    path("submissions/<uuid:pk>/approve/", review.submission_approve, name="submission_approve"),
    path("submissions/<uuid:pk>/return/", review.submission_return, name="submission_return"),
    path("photos/<int:pk>/", review.photo, name="photo"),
]
