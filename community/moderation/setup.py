from flask import Flask

from community.moderation import models  # noqa: F401  (the tables, for create_all and Alembic)


def init_app(app: Flask) -> None:
    """Connect moderation to the areas it watches (screening of new content, the queue's badge)."""
    from community import screening as screening_hooks
    from community.moderation import screening

    with app.app_context():
        for screener in screening.SCREENERS:
            screening_hooks.register_screener(screener)
        screening_hooks.register_hold(screening.hold)

    # The queue's badge in the navigation: open cases within the moderator's scopes.
    from community.moderation.queue import count_open_cases_query
    from community.notifications.services import register_badge

    register_badge("moderation", count_open_cases_query)
