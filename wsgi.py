"""The WSGI entry point: `gunicorn wsgi:app`, with the config named in COMMUNITY_CONFIG."""

import os

from community import create_app

app = create_app(os.environ.get("COMMUNITY_CONFIG", "development"))
