"""Deleting what must not outlive its use: throttle counters, expired survey drafts, e-mails past
their retention, registrations never confirmed, and uploaded files a crash left without their record.
One entry point, run by `flask prune` and hourly by the mail worker, so a deployment that runs the
worker needs no cron job for it."""


def prune_all() -> dict[str, int]:
    """Run every prune; returns how many rows each deleted, by what they were."""
    from livesafe.auth.logic import prune_unconfirmed
    from livesafe.mail.logic import prune as prune_mail
    from livesafe.surveys.drafts import prune as prune_drafts
    from livesafe.throttle.logic import prune as prune_throttle
    from livesafe.uploads.logic import prune as prune_uploads

    return {
        "old throttle counter(s)": prune_throttle(),
        "expired survey draft(s)": prune_drafts(),
        "e-mail(s) past retention": prune_mail(),
        "registration(s) never confirmed": prune_unconfirmed(),
        "uploaded file(s) left without a record": prune_uploads(),
    }
