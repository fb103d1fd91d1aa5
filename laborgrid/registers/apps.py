from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "laborgrid.registers"
    verbose_name = _("登记库导入")

    def ready(self) -> None:
        from laborgrid.core.extensions import NavLink, register_link
        from laborgrid.core.pii import register_sealed
        from laborgrid.employers.services import PHONE_CONTEXT
        from laborgrid.registers import timeline  # noqa: F401  (the archive's import entries)

        register_link(
            "employers",
            NavLink(_("登记库导入"), "registers:batch_list", order=60, divider_before=True),
        )
        register_link("employers", NavLink(_("待人工确认"), "registers:review_list", order=61))
        # A row waiting for a person's decision keeps the register's phone number sealed in
        # its data (DOMAIN A6): key rotation rewrites it there.
        register_sealed("registers.ImportRow", "data", PHONE_CONTEXT, key="contact_phone")
