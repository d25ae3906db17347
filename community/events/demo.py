"""Demo events: a follow-up chain from the Mexico City conference of May 2023, and coming events across the region."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from community.accounts.models import User
from community.events.models import Event, EventFormat, EventKind, EventRSVP, EventStatus, RSVPStatus
from community.events.services import open_discussion_thread
from community.events.times import to_utc
from community.extensions import db
from community.markdown import render_markdown
from community.types import utcnow

CONFERENCE = {
    "title": "Conferencia regional OMPI/IMPI sobre transferencia de tecnología",
    "description": (
        "Tres días de trabajo entre oficinas de transferencia de tecnología y de propiedad intelectual de "
        "México, Argentina, Brasil, Chile, Colombia, Costa Rica, Cuba y Perú.\n\n"
        "**Acuerdo final:** seguir trabajando en red y reunirnos cada seis meses."
    ),
    "kind": EventKind.CONFERENCE,
    "format": EventFormat.IN_PERSON,
    "language": "es",
    "timezone": "America/Mexico_City",
    "start": datetime(2023, 5, 16, 9, 0),
    "hours": 56,
    "venue": "Instituto Mexicano de la Propiedad Industrial",
    "city": "Ciudad de México",
    "country": "MX",
    "organizer": "lucia.hernandez@unam.example.mx",
}
# The follow-up chain, each meeting following the one before it.
CHAIN = [
    {
        "title": "Primera reunión de seguimiento: agenda de la red",
        "description": "Repaso de los acuerdos de la conferencia y reparto de tareas por país.",
        "kind": EventKind.MEETING,
        "format": EventFormat.ONLINE,
        "language": "es",
        "timezone": "America/Bogota",
        "start": datetime(2023, 11, 14, 10, 0),
        "hours": 2,
        "online_url": "https://meet.example.org/conecta-seguimiento-1",
        "organizer": "sebastian.ramirez@unal.example.co",
    },
    {
        "title": "Segunda reunión de seguimiento: contratos de licencia",
        "description": "Modelos de contrato de licencia compartidos entre universidades de la red.",
        "kind": EventKind.MEETING,
        "format": EventFormat.HYBRID,
        "language": "es",
        "timezone": "America/Argentina/Buenos_Aires",
        "start": datetime(2024, 5, 21, 15, 0),
        "hours": 3,
        "venue": "Facultad de Derecho, UBA",
        "city": "Buenos Aires",
        "country": "AR",
        "online_url": "https://meet.example.org/conecta-seguimiento-2",
        "organizer": "valentina.sanchez@uba.example.ar",
    },
    {
        "title": "Terceira reunião de acompanhamento: spin-offs acadêmicas",
        "description": "Como as universidades da rede participam em empresas de base tecnológica.",
        "kind": EventKind.MEETING,
        "format": EventFormat.HYBRID,
        "language": "pt",
        "timezone": "America/Sao_Paulo",
        "start": datetime(2025, 5, 20, 14, 0),
        "hours": 3,
        "venue": "Fiocruz",
        "city": "Rio de Janeiro",
        "country": "BR",
        "online_url": "https://meet.example.org/conecta-seguimiento-3",
        "organizer": "ana.goncalves@fiocruz.example.br",
    },
]
# Coming events, days from today.
COMING = [
    {
        "title": "Cuarta reunión de seguimiento: indicadores de transferencia",
        "description": "Propuesta de indicadores comunes para los informes anuales de las oficinas.",
        "kind": EventKind.MEETING,
        "format": EventFormat.HYBRID,
        "language": "es",
        "timezone": "America/Santiago",
        "days": 21,
        "at": (10, 0),
        "hours": 3,
        "venue": "Universidad de Chile, Casa Central",
        "city": "Santiago",
        "country": "CL",
        "online_url": "https://meet.example.org/conecta-seguimiento-4",
        "capacity": 40,
        "organizer": "camila.munoz@uchile.example.cl",
        "follows_chain": True,
    },
    {
        "title": "Webinar: Protocolo de Nagoya en la práctica",
        "description": "Acceso a recursos genéticos y participación en los beneficios, con casos de Perú y Costa Rica.",
        "kind": EventKind.WEBINAR,
        "format": EventFormat.ONLINE,
        "language": "es",
        "timezone": "America/Lima",
        "days": 9,
        "at": (11, 0),
        "hours": 2,
        "online_url": "https://meet.example.org/nagoya",
        "organizer": "rosa.quispe@indecopi.example.pe",
    },
    {
        "title": "Capacitación: redacción de patentes biotecnológicas",
        "description": "Taller práctico de dos días para oficinas de transferencia.",
        "kind": EventKind.TRAINING,
        "format": EventFormat.IN_PERSON,
        "language": "es",
        "timezone": "America/Havana",
        "days": 45,
        "at": (9, 0),
        "hours": 31,
        "venue": "Centro de Ingeniería Genética y Biotecnología",
        "city": "La Habana",
        "country": "CU",
        "capacity": 25,
        "organizer": "raul.echevarria@cigb.example.cu",
    },
    {
        "title": "Licensing university technologies: a practical introduction",
        "description": "An English-language session on licence negotiation, for new TT officers.",
        "kind": EventKind.WEBINAR,
        "format": EventFormat.ONLINE,
        "language": "en",
        "timezone": "Europe/Zurich",
        "days": 14,
        "at": (16, 0),
        "hours": 1,
        "online_url": "https://meet.example.org/licensing-intro",
        "organizer": "emily.carter@wipo.example.int",
    },
    {
        "title": "Encuentro de oficinas de transferencia de Costa Rica",
        "description": "Reunión presencial de las universidades públicas costarricenses.",
        "kind": EventKind.OTHER,
        "format": EventFormat.IN_PERSON,
        "language": "es",
        "timezone": "America/Costa_Rica",
        "days": 30,
        "at": (8, 30),
        "hours": 4,
        "venue": "Universidad de Costa Rica",
        "city": "San José",
        "country": "CR",
        "organizer": "sofia.jimenez@ucr.example.cr",
    },
]
GOING = [
    "jose.martinez@impi.example.mx",
    "martin.perez@conicet.example.ar",
    "joao.araujo@inpi.example.br",
    "andres.nunez@corfo.example.cl",
    "maria.lozano@sic.example.co",
    "yaimi.rodriguez@ocpi.example.cu",
    "diego.alarcon@pucp.example.pe",
]


def _event(spec: dict, members: dict[str, User], start: datetime, follow_up_of: Event | None) -> Event:
    starts_at = to_utc(start, spec["timezone"])
    now = utcnow()
    event = Event(
        title=spec["title"],
        description=spec["description"],
        description_html=render_markdown(spec["description"]),
        language=spec["language"],
        kind=spec["kind"],
        format=spec["format"],
        timezone=spec["timezone"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=spec["hours"]),
        venue=spec.get("venue", ""),
        city=spec.get("city", ""),
        country=spec.get("country"),
        online_url=spec.get("online_url", ""),
        capacity=spec.get("capacity"),
        organizer=members[spec["organizer"]],
        follow_up_of=follow_up_of,
        status=EventStatus.SCHEDULED,
        going_count=0,
        sequence=0,
        created_at=min(now, starts_at - timedelta(days=30)),
        updated_at=min(now, starts_at - timedelta(days=30)),
        # Past demo events are not chased for minutes by the cron job.
        minutes_invited_at=now if starts_at < now else None,
    )
    db.session.add(event)
    return event


def _answer(event: Event, members: dict[str, User], emails: list[str], status: RSVPStatus) -> None:
    for email in emails:
        if email in members and members[email].id != event.organizer.id:
            db.session.add(EventRSVP(event=event, user=members[email], status=status))
            if status is RSVPStatus.GOING:
                event.going_count += 1


def load_events_demo() -> int:
    """Add the demo events unless there are events already; return how many were added."""
    if db.session.scalar(select(func.count(Event.id))):
        return 0
    members = {user.email: user for user in db.session.scalars(select(User))}
    needed = {CONFERENCE["organizer"]} | {spec["organizer"] for spec in CHAIN + COMING}
    if not needed <= members.keys():
        return 0
    added, coming = [], []
    previous = _event(CONFERENCE, members, CONFERENCE["start"], None)
    _answer(previous, members, GOING, RSVPStatus.GOING)
    added.append(previous)
    for spec in CHAIN:
        previous = _event(spec, members, spec["start"], previous)
        _answer(previous, members, GOING[:5], RSVPStatus.GOING)
        added.append(previous)
    today = utcnow().date()
    for spec in COMING:
        day = today + timedelta(days=spec["days"])
        start = datetime(day.year, day.month, day.day, *spec["at"])
        event = _event(spec, members, start, previous if spec.get("follows_chain") else None)
        _answer(event, members, GOING[:4], RSVPStatus.GOING)
        _answer(event, members, GOING[4:], RSVPStatus.INTERESTED)
        coming.append(event)
    db.session.commit()
    for event in coming:
        open_discussion_thread(event)
    return len(added) + len(coming)
