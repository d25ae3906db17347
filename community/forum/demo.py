"""Demo threads for `flask seed demo`: lively discussions by the demo members in three languages."""

from datetime import timedelta

from sqlalchemy import select, update

from community.accounts.models import User
from community.extensions import db
from community.forum import services
from community.forum.models import Post, Thread
from community.types import utcnow

# (category slug, author e-mail, language, title, tags, body, [(replier e-mail, body), ...])
DEMO_THREADS = [
    (
        "anuncios",
        "lucia.hernandez@unam.example.mx",
        "es",
        "Bienvenidos al foro de Conecta TT",
        "bienvenida",
        "Este es el espacio para seguir conversando después de la conferencia de Ciudad de México.\n\n"
        "- Escriban en **español, portugués o inglés**: cada quien lee en los idiomas que elige.\n"
        "- Marquen como *útil* las respuestas que les sirvan.\n"
        "- Sigan las categorías de su interés para recibir avisos.",
        [
            ("joao.araujo@inpi.example.br", "Obrigado, Lucía! Vamos manter a rede ativa. 🇧🇷"),
            ("emily.carter@wipo.example.int", "Great to see everyone here. Happy to help with WIPO resources."),
        ],
    ),
    (
        "licenciamiento-contratos",
        "martin.perez@conicet.example.ar",
        "es",
        "¿Regalías escalonadas en licencias exclusivas de software universitario?",
        "licencias, regalias, software",
        "Estamos negociando una licencia exclusiva de un software de visión artificial con una pyme.\n\n"
        "¿Alguien usó regalías **escalonadas** por volumen de ventas? ¿Qué porcentajes les funcionaron?",
        [
            (
                "camila.munoz@uchile.example.cl",
                "En la U. de Chile usamos 3 % hasta cierto umbral y 1,5 % después. Lo clave fue fijar un mínimo anual.",
            ),
            (
                "ana.goncalves@fiocruz.example.br",
                "Na Fiocruz preferimos um pagamento inicial menor e royalties "
                "escalonados; ajuda empresas pequenas a entrar.",
            ),
            (
                "martin.perez@conicet.example.ar",
                "¡Gracias a ambas! El mínimo anual me parece fundamental. @lucia.hernandez, ¿en la UNAM lo usan?",
            ),
        ],
    ),
    (
        "patentes-busquedas",
        "ana.goncalves@fiocruz.example.br",
        "pt",
        "Fase nacional do PCT no Brasil: prazos e exame prioritário",
        "pct, inpi, prazos",
        "Alguém já usou o **exame prioritário** do INPI para pedidos de fase nacional vindos do PCT?\n\n"
        "Queremos acelerar uma patente de diagnóstico molecular.",
        [
            (
                "joao.araujo@inpi.example.br",
                "Sim: há modalidades para tecnologias em saúde. Vale conferir a "
                "resolução vigente no [portal do INPI](https://www.gov.br/inpi).",
            ),
            (
                "jose.martinez@impi.example.mx",
                "En México el IMPI tiene un programa similar con el PPH. ¿Les sirve comparar?",
            ),
        ],
    ),
    (
        "recursos-geneticos",
        "emily.carter@wipo.example.int",
        "en",
        "Nagoya Protocol compliance checklists you can share?",
        "nagoya, abs",
        "Several offices asked for a practical checklist for access and benefit-sharing (ABS).\n\n"
        "Does anyone have one adapted to their national law that could be shared with the network?",
        [
            (
                "rosa.quispe@indecopi.example.pe",
                "En Perú trabajamos con una lista de verificación para "
                "contratos de acceso; la comparto la próxima semana.",
            ),
            (
                "luiza.brandao@embrapa.example.br",
                "A Embrapa tem um guia interno sobre o SisGen. Posso resumir os pontos principais.",
            ),
        ],
    ),
    (
        "spin-offs-startups",
        "sebastian.ramirez@unal.example.co",
        "es",
        "Participación accionaria de la universidad en spin-offs",
        "spin-offs, equity",
        "¿Qué porcentaje de participación suele tomar su universidad en una spin-off? "
        "En la UNAL discutimos entre 5 % y 15 %.",
        [
            (
                "valentina.sanchez@uba.example.ar",
                "En la UBA depende del aporte: si hay licencia de patente, cerca del 10 %.",
            ),
            (
                "andres.nunez@corfo.example.cl",
                "Desde CORFO vemos que una participación alta espanta inversionistas en etapas tempranas.",
            ),
        ],
    ),
    (
        "eventos-capacitacion",
        "luiza.brandao@embrapa.example.br",
        "pt",
        "Webinar: valoração de tecnologias agropecuárias",
        "webinar, valoracao",
        "Na próxima quinta-feira faremos um webinar sobre **valoração de tecnologias** agropecuárias. "
        "Todos estão convidados!",
        [
            ("yaimi.rodriguez@ocpi.example.cu", "¿Habrá grabación? Desde Cuba la conexión a veces falla."),
            ("luiza.brandao@embrapa.example.br", "Sim, Yaimí, a gravação ficará disponível."),
        ],
    ),
    (
        "regulatorio",
        "raul.echevarria@cigb.example.cu",
        "es",
        "Registro sanitario y patentes de biotecnológicos: ¿cómo coordinan los tiempos?",
        "biotecnologia, registro-sanitario",
        "En el CIGB coordinamos la solicitud de patente con el registro sanitario. ¿Cómo lo manejan en otros países?",
        [
            (
                "sofia.jimenez@ucr.example.cr",
                "En Costa Rica la coordinación con el Ministerio de Salud es temprana; ayuda mucho.",
            ),
        ],
    ),
    (
        "cono-sur-brasil",
        "diego.alarcon@pucp.example.pe",
        "en",
        "Comparing university IP policies across the region",
        "ip-policy",
        "I am collecting university IP policies from the eight countries for a comparative study. Links welcome!",
        [
            ("maria.lozano@sic.example.co", "Te envío la política de la SIC y de dos universidades colombianas."),
            ("joao.araujo@inpi.example.br", "Posso indicar as políticas de algumas universidades federais."),
        ],
    ),
]


def load_forum_demo() -> int:
    """Add the default categories and the demo threads that are missing (by title); return how many were added."""
    services.ensure_default_categories()
    existing = set(db.session.scalars(select(Thread.title)))
    members = {user.email: user for user in db.session.scalars(select(User))}
    start = utcnow() - timedelta(days=len(DEMO_THREADS) * 2)
    created = 0
    for index, (slug, author_email, language, title, tags, body, replies) in enumerate(DEMO_THREADS):
        author = members.get(author_email)
        category = services.get_category(slug)
        if author is None or category is None or title in existing:
            continue
        # Written by the site, not by the members: not screened, so none of it waits for review.
        thread = services.start_thread(author, category, title, body, language, tags, screen=False)
        posts = [thread.first_post]
        for replier_email, reply_body in replies:
            if replier_email in members:
                posts.append(services.reply_to_thread(members[replier_email], thread, reply_body, screen=False))
        for helper in list(members.values())[:3]:
            if services.can_mark_helpful(helper, posts[-1]):
                services.toggle_helpful(helper, posts[-1])
        # Spread the conversations over the last days, so lists and dates look lived in.
        moment = start + timedelta(days=index * 2)
        for number, post in enumerate(posts):
            db.session.execute(
                update(Post).where(Post.id == post.id).values(created_at=moment + timedelta(hours=number * 5))
            )
        last = moment + timedelta(hours=(len(posts) - 1) * 5)
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(created_at=moment, last_post_at=last))
        db.session.commit()
        created += 1
    return created
