"""The benchmark's ceiling: the least a page of this stack can cost.

One indexed SELECT (a member by primary key) and a small Jinja template, served by the same gunicorn,
against the same database, under the same load as the real pages. Each page's throughput is reported
as a share of this one, so the figures compare across machines.
"""

import os
import random

from flask import Flask, render_template
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=False)
with engine.connect() as connection:
    MAX_ID = connection.execute(text("SELECT max(id) FROM users")).scalar() or 1


@app.route("/")
def member_card():
    with engine.connect() as connection:
        member = connection.execute(
            text("SELECT id, display_name, country FROM users WHERE id = :id"), {"id": random.randint(1, MAX_ID)}
        ).one_or_none()
    return render_template("ceiling.html", member=member)


@app.route("/healthz")
def healthz():
    return "ok"
