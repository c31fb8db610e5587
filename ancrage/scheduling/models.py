from django.db import models


class ScheduledRun(models.Model):
    """One row per daily job and day: the unique constraint makes enqueuing once a day hold even with
    several schedulers running (a second one fails to insert and enqueues nothing)."""

    job = models.CharField(max_length=60)
    day = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="scheduled_run_once_a_day")]
        ordering = ["-day", "job"]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
