"""Demo conversations for `flask seed demo`: private exchanges between demo members in three languages."""

from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.messages import services
from community.messages.models import Conversation

# (sender e-mail, [recipient e-mails], subject, opening message, [(author e-mail, reply), ...])
DEMO_CONVERSATIONS = [
    (
        "jose.martinez@impi.example.mx",
        ["lucia.hernandez@unam.example.mx"],
        "Taller de valuación de patentes",
        "Hola, Lucía. ¿Te interesaría dar una sesión sobre **valuación de patentes** en el taller del IMPI "
        "de marzo? Serían 45 minutos con preguntas.",
        [
            ("lucia.hernandez@unam.example.mx", "¡Con gusto, José Ángel! ¿Me mandas el programa y el público?"),
            ("jose.martinez@impi.example.mx", "Te lo envío mañana. Son sobre todo oficinas de transferencia."),
        ],
    ),
    (
        "ana.goncalves@fiocruz.example.br",
        ["luiza.brandao@embrapa.example.br"],
        "Parceria Fiocruz–Embrapa em bioinsumos",
        "Oi, Luíza! Vi seu comentário no fórum sobre bioinsumos. Podemos conversar sobre um acordo de "
        "cotitularidade para a patente do biofungicida?",
        [
            ("luiza.brandao@embrapa.example.br", "Claro, Ana! Te mando o modelo de contrato que usamos na Embrapa."),
        ],
    ),
    (
        "emily.carter@wipo.example.int",
        ["martin.perez@conicet.example.ar", "camila.munoz@uchile.example.cl", "joao.araujo@inpi.example.br"],
        "WIPO mentoring programme for TTOs",
        "Dear colleagues, WIPO is opening a mentoring programme for technology-transfer offices in the "
        "region. Would your institutions like to take part? Applications close in six weeks.",
        [
            ("camila.munoz@uchile.example.cl", "¡Sí! La Universidad de Chile está interesada. ¿Hay un formulario?"),
            ("joao.araujo@inpi.example.br", "O INPI pode ajudar a divulgar no Brasil."),
            ("emily.carter@wipo.example.int", "Wonderful, thank you both. I will share the form here next week."),
        ],
    ),
    (
        "valentina.sanchez@uba.example.ar",
        ["joao.araujo@inpi.example.br"],
        "Consulta sobre examen prioritario",
        "Hola, João. ¿El INPI acepta pedidos de examen prioritario para startups extranjeras?",
        [
            ("joao.araujo@inpi.example.br", "Olá, Valentina! Sim, desde que o pedido já esteja na fase nacional."),
        ],
    ),
]


def load_messages_demo() -> int:
    """Add the demo conversations that are missing (by subject); return how many were added."""
    existing = set(db.session.scalars(select(Conversation.subject)))
    members = {user.email: user for user in db.session.scalars(select(User))}
    created = 0
    for sender_email, recipient_emails, subject, body, replies in DEMO_CONVERSATIONS:
        people = [members.get(email) for email in (sender_email, *recipient_emails)]
        if subject in existing or None in people:
            continue
        conversation = services.start_conversation(people[0], people[1:], subject, body)
        for author_email, reply_body in replies:
            services.reply(members[author_email], conversation, reply_body)
        created += 1
    return created
