"""The moderation blueprint: the review queue and reports, members' sanctions, and the admin pages."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, template_folder="../templates")

# Each module adds its routes to `bp`.
from community.moderation.views import admin, members, queue  # noqa: E402, F401
