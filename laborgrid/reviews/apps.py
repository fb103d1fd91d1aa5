from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "laborgrid.reviews"
    label = "reviews"
    verbose_name = _("年度书面审查")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from laborgrid.accounts.roles import Cap
        from laborgrid.core.extensions import DemoSeeder, NavLink, register_link, register_seeder
        from laborgrid.rectifications.registry import EvidenceFile, register_source
        from laborgrid.reviews import audit_actions, demo  # noqa: F401
        from laborgrid.reviews.models import ReviewSubmission

        register_source(
            ReviewSubmission,
            label=_("年度书面审查"),
            url=lambda s: s.get_absolute_url(),
            evidence=lambda s: [
                EvidenceFile(a.name, a.content_type, a.file.open, str(_("书面审查材料")))
                for a in s.attachments.filter(version__isnull=False)
            ],
        )

        # The grading reads the year's result (``ratings`` never imports this app).
        from laborgrid.ratings.facts import register_fact_provider
        from laborgrid.reviews.grading import written_review_facts

        register_fact_provider("written_review", written_review_facts)

        # The on-site check of a sampled filing links back to the filing.
        from laborgrid.inspections.registry import register_origin

        register_origin(_sampled_filing)

        register_seeder(DemoSeeder("reviews", demo.seed, order=88))
        register_link(
            "rectifications",
            NavLink(
                _("年度书面审查"),
                "reviews:year_list",
                caps=(Cap.WORK_READ,),
                order=40,
                divider_before=True,
            ),
        )
        register_link(
            "rectifications",
            NavLink(_("网上申报账号"), "portal_staff:invite_list", caps=(Cap.WORK_READ,), order=45),
        )


def _sampled_filing(visit: object) -> list[tuple[str, str]]:
    """The filing whose on-site sample this visit is (a link for the visit page)."""
    from laborgrid.reviews.models import ReviewSubmission

    target_id = getattr(visit, "plan_target_id", None)
    if target_id is None:
        return []
    return [
        (
            str(_("%(year)s年度书面审查申报（实地抽查）") % {"year": s.target.review_year.year}),
            s.get_absolute_url(),
        )
        for s in ReviewSubmission.objects.filter(sample_target_id=target_id).select_related(
            "target__review_year"
        )
    ]
