from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimestampedModel):
    """Optimistic locking: every update through a service bumps ``version``.

    Forms carry the version they were built from; ``core.concurrency.save_versioned`` refuses the
    write when somebody else saved in between, so no change is ever lost silently.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
