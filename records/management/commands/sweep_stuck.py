"""Queue again the documents that stopped moving (what Celery beat runs every minute)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from records.sweep import requeue_stuck


class Command(BaseCommand):
    help = (
        "Re-queue documents left `uploaded`/`queued` for longer than --older-than minutes "
        "(default SWEEP_STUCK_AFTER, 10) and `text_ready`/`extracting_*` for longer than "
        "the task time limit. Safe to run at any time, also while workers run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, metavar="MINUTES")
        parser.add_argument("--running-older-than", type=float, metavar="MINUTES")

    def handle(self, *args, older_than=None, running_older_than=None, **options):
        report = requeue_stuck(
            None if older_than is None else timedelta(minutes=older_than),
            None if running_older_than is None else timedelta(minutes=running_older_than),
        )
        self.stdout.write(str(report))
        if report.requeued:
            self.stdout.write("documents: " + " ".join(map(str, report.requeued)))
        if report.failed:
            raise CommandError(
                f"could not reach the broker; document {report.failed[0]} and any others "
                "still waiting stay as they are and will be queued by a later sweep"
            )
