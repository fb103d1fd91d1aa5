from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "laborgrid.documents"
    label = "documents"
    verbose_name = _("执法文书")

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import NavLink, register_link

        register_link("calendar", NavLink(_("执法文书样式"), "documents:preview_list", order=20))
        register_link(
            "calendar",
            NavLink(_("文书编号规则"), "documents:pattern_list", (Cap.DOCUMENT_CONFIGURE,), 30),
        )
