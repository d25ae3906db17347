"""The demo network: realistic members from the conference's eight countries.

Later areas add their own demo content (profiles, threads, events, opportunities) by extending `load_demo`.
"""

from community.accounts.models import Role, User
from community.accounts.services import count_members
from community.events.demo import load_events_demo
from community.extensions import db
from community.forum.demo import load_forum_demo
from community.i18n import default_timezone_for
from community.messages.demo import load_messages_demo
from community.opportunities.demo import load_opportunities_demo
from community.profiles.demo import load_profiles_demo
from community.types import utcnow

DEMO_PASSWORD = "conecta-demo-2026"  # noqa: S105 - published in the README on purpose

# (display name, e-mail, country, language, role)
DEMO_MEMBERS = [
    ("Admin Conecta", "admin@conecta-tt.example", "MX", "es", Role.ADMIN),
    ("Lucía Hernández Gómez", "lucia.hernandez@unam.example.mx", "MX", "es", Role.MODERATOR),
    ("José Ángel Martínez", "jose.martinez@impi.example.mx", "MX", "es", Role.MEMBER),
    ("Martín Ezequiel Pérez", "martin.perez@conicet.example.ar", "AR", "es", Role.MEMBER),
    ("Valentina Sánchez Ibáñez", "valentina.sanchez@uba.example.ar", "AR", "es", Role.MEMBER),
    ("João Conceição Araújo", "joao.araujo@inpi.example.br", "BR", "pt", Role.MODERATOR),
    ("Ana Beatriz Gonçalves", "ana.goncalves@fiocruz.example.br", "BR", "pt", Role.MEMBER),
    ("Luíza Figueirêdo Brandão", "luiza.brandao@embrapa.example.br", "BR", "pt", Role.MEMBER),
    ("Camila Muñoz Peña", "camila.munoz@uchile.example.cl", "CL", "es", Role.MEMBER),
    ("Andrés Núñez Castillo", "andres.nunez@corfo.example.cl", "CL", "es", Role.MEMBER),
    ("Sebastián Ramírez Ortiz", "sebastian.ramirez@unal.example.co", "CO", "es", Role.MEMBER),
    ("María Fernanda Lozano", "maria.lozano@sic.example.co", "CO", "es", Role.MEMBER),
    ("Sofía Jiménez Solís", "sofia.jimenez@ucr.example.cr", "CR", "es", Role.MEMBER),
    ("Yaimí Rodríguez Céspedes", "yaimi.rodriguez@ocpi.example.cu", "CU", "es", Role.MEMBER),
    ("Raúl Echevarría Fonseca", "raul.echevarria@cigb.example.cu", "CU", "es", Role.MEMBER),
    ("Rosa Quispe Mamani", "rosa.quispe@indecopi.example.pe", "PE", "es", Role.MEMBER),
    ("Diego Alarcón Villanueva", "diego.alarcon@pucp.example.pe", "PE", "es", Role.MEMBER),
    ("Emily Carter", "emily.carter@wipo.example.int", "CH", "en", Role.MEMBER),
]


def load_demo(only_if_empty: bool = False) -> int | None:
    """Add the demo members (skipping any that exist); None when `only_if_empty` and there are members."""
    if only_if_empty and count_members() > 0:
        return None
    existing = set(db.session.scalars(db.select(User.email)))
    created = 0
    now = utcnow()
    for name, email, country, locale, role in DEMO_MEMBERS:
        if email in existing:
            continue
        user = User(
            email=email,
            display_name=name,
            country=country,
            locale=locale,
            timezone=default_timezone_for(country),
            role=role,
            email_confirmed_at=now,
            is_approved=True,
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        created += 1
    db.session.commit()
    load_forum_demo()
    load_events_demo()
    load_profiles_demo()
    load_messages_demo()
    load_opportunities_demo()
    return created
