"""Helpers shared by every area's forms and views."""

from flask import flash

from community.errors import ActionRefused


def show_refusal(form, refusal: ActionRefused) -> None:
    """Show a service's refusal beside the field it is about, or as a message above the form."""
    if refusal.field and refusal.field in form:
        form[refusal.field].errors = [*form[refusal.field].errors, str(refusal.reason)]
    else:
        flash(str(refusal.reason), "danger")
