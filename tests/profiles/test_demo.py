"""`flask seed demo` fills rich profiles for the demo members of all eight countries."""

from sqlalchemy import func, select

from community.accounts.models import User
from community.extensions import db
from community.profiles.demo import load_profiles_demo
from community.profiles.models import Profile
from community.seed.demo import DEMO_MEMBERS
from tests.factories import make_user


def test_demo_profiles_cover_every_country_and_are_verified_by_domain(app):
    for name, email, country, locale, role in DEMO_MEMBERS:
        make_user(display_name=name, email=email, country=country, locale=locale, role=role, commit=False)
    db.session.commit()
    assert load_profiles_demo() == len(DEMO_MEMBERS) - 1  # every member but the admin
    profiles = list(db.session.scalars(select(Profile).where(Profile.headline.is_not(None))))
    assert {"MX", "AR", "BR", "CL", "CO", "CR", "CU", "PE"} <= {profile.user.country for profile in profiles}
    assert all(profile.expertise and profile.languages and profile.bio_html for profile in profiles)
    lucia = db.session.scalar(select(User).where(User.email == "lucia.hernandez@unam.example.mx"))
    assert lucia.profile.is_verified and lucia.profile.institution.name.startswith("Universidad Nacional")
    # Loading twice adds nothing.
    before = db.session.scalar(select(func.count(Profile.id)))
    assert load_profiles_demo() == 0
    assert db.session.scalar(select(func.count(Profile.id))) == before


def test_ensure_expertise_command(runner):
    assert "12 expertise areas added." in runner.invoke(args=["profiles", "ensure-expertise"]).output
    assert "0 expertise areas added." in runner.invoke(args=["profiles", "ensure-expertise"]).output
