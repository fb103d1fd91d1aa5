from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "laborgrid.portal"
    label = "portal"
    verbose_name = _("用人单位网上申报")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.core.extensions import DemoSeeder, register_seeder
        from laborgrid.portal import audit_actions, demo  # noqa: F401
        from laborgrid.rectifications.registry import on_order_issued, register_responder

        register_responder(_own_employer_answers)
        on_order_issued(_tell_employer)
        register_seeder(DemoSeeder("portal", demo.seed, order=90))


def _own_employer_answers(user: object, order: object) -> bool:
    """An employer account answers the orders of its own employer (issue 17 §5)."""
    employer_id = getattr(user, "employer_id", None)
    return employer_id is not None and employer_id == getattr(order, "employer_id", None)


def _tell_employer(order: object) -> None:
    """The employer's portal accounts are told of an order issued to it, with its deadline."""
    from laborgrid.portal.services import order_issued_notice

    order_issued_notice(order)
