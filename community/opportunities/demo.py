"""Demo opportunities for `flask seed demo`: offers, requests, calls and expertise from institutions in the eight
countries, in Spanish, Portuguese and English, and a few members' interest that opened conversations.

Everything here is public knowledge of the kind an institution announces (what it can license, what it looks
for); no confidential detail. Patent numbers are made up and say so by their form.
"""

from datetime import timedelta

from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.markdown import render_markdown
from community.messages import services as messages
from community.messages.models import Conversation
from community.opportunities import services
from community.opportunities.models import (
    AgreementType,
    IPStatus,
    Opportunity,
    OpportunityAgreement,
    OpportunityKind,
    OpportunityStatus,
    OpportunityTerritory,
    Sector,
)
from community.profiles.models import ExpertiseArea
from community.profiles.services import ensure_default_expertise
from community.types import utcnow

OFFER, REQUEST = OpportunityKind.TECHNOLOGY_OFFER, OpportunityKind.TECHNOLOGY_REQUEST
CALL, EXPERTISE = OpportunityKind.COLLABORATION_CALL, OpportunityKind.EXPERTISE_OFFER
LICENCE, CO_DEVELOPMENT, RD_CONTRACT = AgreementType.LICENCE, AgreementType.CO_DEVELOPMENT, AgreementType.RD_CONTRACT
SPIN_OFF, MATERIAL = AgreementType.SPIN_OFF_INVESTMENT, AgreementType.MATERIAL_TRANSFER

# Each: the author's e-mail, kind, language, title, summary, description (Markdown), field (taxonomy slug),
# sector, TRL, IP status, patent or application numbers, institution, territories, agreements sought,
# days since it was published, days left until its deadline (None: no deadline), status.
DEMO_OPPORTUNITIES = [
    {
        "author": "raul.echevarria@cigb.example.cu", "kind": OFFER, "language": "es",
        "title": "Factor de crecimiento recombinante para úlceras del pie diabético",
        "summary": "Producto biotecnológico registrado en Cuba, disponible para licencia de fabricación y "
                   "registro sanitario en otros países de la región.",
        "description": "El producto reduce el riesgo de amputación en úlceras complejas del pie diabético y tiene "
                       "registro sanitario en Cuba desde hace más de diez años.\n\n"
                       "**Ofrecemos:**\n\n- licencia de fabricación o de distribución por país;\n"
                       "- transferencia del proceso a una planta con buenas prácticas de manufactura;\n"
                       "- acompañamiento del expediente regulatorio.",
        "field": "health-technologies", "sector": Sector.HEALTH, "trl": 9, "ip": IPStatus.GRANTED_PATENT,
        "numbers": "CU-DEMO-0001", "institution": "Centro de Ingeniería Genética y Biotecnología (CIGB)",
        "territories": ["MX", "BR", "AR", "CO"], "agreements": [LICENCE], "days_ago": 18, "deadline": None,
        "status": OpportunityStatus.IN_NEGOTIATION,
    },
    {
        "author": "luiza.brandao@embrapa.example.br", "kind": OFFER, "language": "pt",
        "title": "Biofungicida à base de Trichoderma para soja e feijão",
        "summary": "Formulação com cepa nativa, testada em campo em três safras; disponível para licenciamento "
                   "ou codesenvolvimento com empresas de bioinsumos.",
        "description": "O biofungicida controla mofo-branco e podridões radiculares com eficiência comparável à "
                       "dos fungicidas químicos nos ensaios de campo.\n\n"
                       "Buscamos empresas com **registro de bioinsumos** para produzir e comercializar o "
                       "produto na Argentina, no Peru e na Colômbia.",
        "field": "agri-food", "sector": Sector.AGRI_FOOD, "trl": 7, "ip": IPStatus.PATENT_APPLICATION,
        "numbers": "BR-DEMO-2023-0042", "institution": "Embrapa",
        "territories": ["AR", "PE", "CO"], "agreements": [LICENCE, CO_DEVELOPMENT], "days_ago": 15, "deadline": None,
    },
    {
        "author": "diego.alarcon@pucp.example.pe", "kind": REQUEST, "language": "es",
        "title": "Buscamos tecnología de secado solar para quinua y cacao",
        "summary": "Cooperativas andinas asociadas a la PUCP necesitan un secador solar de bajo costo que "
                   "conserve la calidad del grano.",
        "description": "Trabajamos con cooperativas de Puno y de San Martín. Buscamos una tecnología ya probada "
                       "(prototipo o producto) que podamos **licenciar o adaptar** con un contrato de I+D.\n\n"
                       "Condiciones: altura sobre 3.800 m, humedad variable, mantenimiento local.",
        "field": "agri-food", "sector": Sector.AGRI_FOOD, "trl": 6, "ip": IPStatus.NONE, "numbers": "",
        "institution": "Pontificia Universidad Católica del Perú",
        "territories": ["BR", "CL", "MX"], "agreements": [LICENCE, RD_CONTRACT], "days_ago": 12, "deadline": 75,
    },
    {
        "author": "ana.goncalves@fiocruz.example.br", "kind": REQUEST, "language": "pt",
        "title": "Procuramos plataforma de diagnóstico rápido para dengue, zika e chikungunya",
        "summary": "A Fiocruz busca parceiros com testes rápidos multiplex para arboviroses, para validação "
                   "clínica e produção no Brasil.",
        "description": "Interessam tecnologias em estágio de **prova de conceito ou protótipo** que distingam as "
                       "três arboviroses numa única amostra.\n\n"
                       "Oferecemos validação clínica na rede da Fiocruz e apoio ao registro na ANVISA.",
        "field": "health-technologies", "sector": Sector.HEALTH, "trl": 4, "ip": IPStatus.NONE, "numbers": "",
        "institution": "Fundação Oswaldo Cruz (Fiocruz)",
        "territories": ["CU", "MX", "CO", "AR"], "agreements": [CO_DEVELOPMENT, RD_CONTRACT], "days_ago": 10,
        "deadline": 90,
    },
    {
        "author": "camila.munoz@uchile.example.cl", "kind": CALL, "language": "en",
        "title": "Consortium partners for a Horizon Europe call on seaweed biomaterials",
        "summary": "Universidad de Chile is forming a consortium to turn brown seaweed into biodegradable "
                   "materials; we look for research partners in Latin America.",
        "description": "We lead the work on **alginate extraction**. We are looking for:\n\n"
                       "- a group with experience in bioplastics processing;\n"
                       "- a technology-transfer office to lead exploitation and IP management;\n"
                       "- a company willing to pilot packaging made of the material.",
        "field": "biotechnology", "sector": Sector.BIOTECHNOLOGY, "trl": 3, "ip": IPStatus.NONE, "numbers": "",
        "institution": "Universidad de Chile",
        "territories": ["AR", "BR", "PE", "MX"], "agreements": [RD_CONTRACT, CO_DEVELOPMENT], "days_ago": 8,
        "deadline": 60,
    },
    {
        "author": "sofia.jimenez@ucr.example.cr", "kind": CALL, "language": "es",
        "title": "Red de bioprospección con distribución justa de beneficios",
        "summary": "La Universidad de Costa Rica invita a grupos de la región a un programa conjunto de "
                   "bioprospección que cumpla el Protocolo de Nagoya.",
        "description": "Proponemos acuerdos modelo de **acceso y distribución de beneficios** y de transferencia "
                       "de material, ya usados con comunidades locales de Costa Rica.\n\n"
                       "Buscamos universidades y centros de investigación con colecciones biológicas.",
        "field": "genetic-resources", "sector": Sector.BIOTECHNOLOGY, "trl": 2, "ip": IPStatus.NONE, "numbers": "",
        "institution": "Universidad de Costa Rica",
        "territories": ["PE", "CO", "MX", "CU"], "agreements": [MATERIAL, RD_CONTRACT], "days_ago": 6, "deadline": 45,
    },
    {
        "author": "lucia.hernandez@unam.example.mx", "kind": EXPERTISE, "language": "es",
        "title": "Mentoría en valoración y negociación de licencias para oficinas nuevas",
        "summary": "La oficina de transferencia de la UNAM ofrece mentoría de seis meses a oficinas que "
                   "negocian sus primeras licencias.",
        "description": "Sesiones mensuales en línea sobre **valoración temprana**, términos de licencia y "
                       "regalías, con revisión de casos reales de las oficinas participantes (sin compartir "
                       "información confidencial).",
        "field": "valuation", "sector": Sector.OTHER, "trl": 9, "ip": IPStatus.KNOW_HOW, "numbers": "",
        "institution": "Universidad Nacional Autónoma de México",
        "territories": ["CR", "CU", "PE", "CO"], "agreements": [], "days_ago": 20, "deadline": None,
    },
    {
        "author": "joao.araujo@inpi.example.br", "kind": EXPERTISE, "language": "pt",
        "title": "Buscas de anterioridade e mapeamento tecnológico para universidades",
        "summary": "Pesquisadores do INPI oferecem oficinas de busca de patentes e estudos de prospecção para "
                   "núcleos de inovação tecnológica da região.",
        "description": "Oficinas práticas de **busca de anterioridade** em bases gratuitas e elaboração de "
                       "mapas tecnológicos antes de decidir um depósito.",
        "field": "patent-search", "sector": Sector.OTHER, "trl": 9, "ip": IPStatus.KNOW_HOW, "numbers": "",
        "institution": "Instituto Nacional da Propriedade Industrial (INPI)",
        "territories": ["AR", "CL", "CO", "PE"], "agreements": [RD_CONTRACT], "days_ago": 4, "deadline": None,
    },
    {
        "author": "sebastian.ramirez@unal.example.co", "kind": OFFER, "language": "en",
        "title": "Computer vision for grading coffee beans",
        "summary": "Software that grades green coffee from phone photos, developed at Universidad Nacional de "
                   "Colombia; available under a dual licence.",
        "description": "Trained on more than 40,000 annotated photos from Colombian cooperatives. The core is "
                       "**open source**; a commercial licence covers the trained models and support.\n\n"
                       "We look for licensees or co-developers in other coffee-growing countries.",
        "field": "digital-technologies", "sector": Sector.DIGITAL, "trl": 6, "ip": IPStatus.OTHER, "numbers": "",
        "institution": "Universidad Nacional de Colombia",
        "territories": ["BR", "PE", "CR", "MX"], "agreements": [LICENCE, CO_DEVELOPMENT], "days_ago": 9,
        "deadline": None,
    },
    {
        "author": "martin.perez@conicet.example.ar", "kind": OFFER, "language": "es",
        "title": "Biosensor para detectar residuos de glifosato en agua de riego",
        "summary": "Biosensor portátil desarrollado en el CONICET, con solicitud de patente; buscamos licenciatarios "
                   "o socios para escalar la producción.",
        "description": "Mide en menos de diez minutos, en el campo, concentraciones por debajo de los límites "
                       "habituales para agua de riego.\n\n**Etapa:** validado en laboratorio con muestras reales.",
        "field": "biotechnology", "sector": Sector.ENERGY_ENVIRONMENT, "trl": 5, "ip": IPStatus.PATENT_APPLICATION,
        "numbers": "AR-DEMO-2024-0117", "institution": "CONICET",
        "territories": ["BR", "CL", "MX", "CO"], "agreements": [LICENCE], "days_ago": 3, "deadline": None,
    },
    {
        "author": "andres.nunez@corfo.example.cl", "kind": REQUEST, "language": "es",
        "title": "Buscamos spin-offs con procesos de extracción de litio de bajo consumo de agua",
        "summary": "CORFO busca empresas de base tecnológica de la región para coinvertir en pilotos de "
                   "extracción directa de litio.",
        "description": "Interesan procesos con **resultados de laboratorio** y un equipo dispuesto a instalarse o "
                       "asociarse en Chile. El instrumento cofinancia el piloto.",
        "field": "spin-offs", "sector": Sector.MATERIALS_MANUFACTURING, "trl": 5, "ip": IPStatus.NONE,
        "numbers": "", "institution": "CORFO",
        "territories": ["AR", "BR", "PE"], "agreements": [SPIN_OFF, CO_DEVELOPMENT], "days_ago": 2, "deadline": 30,
    },
    {
        "author": "valentina.sanchez@uba.example.ar", "kind": CALL, "language": "es",
        "title": "Estudio comparado de reglamentos de propiedad intelectual universitaria",
        "summary": "Invitamos a oficinas de transferencia a aportar sus reglamentos para un estudio regional "
                   "sobre reparto de regalías con los inventores.",
        "description": "El estudio compara cómo las universidades públicas reparten las regalías y deciden la "
                       "titularidad. Solo usamos **documentos públicos**; los resultados serán abiertos.",
        "field": "ip-policy", "sector": Sector.OTHER, "trl": 1, "ip": IPStatus.NONE, "numbers": "",
        "institution": "Universidad de Buenos Aires", "territories": ["MX", "BR", "CL", "CO", "CR", "CU", "PE"],
        "agreements": [RD_CONTRACT], "days_ago": 1, "deadline": 40,
    },
]  # fmt: skip

# (interested member's e-mail, title of the opportunity, first message, [(author of a reply, reply), ...])
DEMO_INTERESTS = [
    (
        "martin.perez@conicet.example.ar",
        "Biofungicida à base de Trichoderma para soja e feijão",
        "Hola, Luíza. En el CONICET trabajamos con empresas de bioinsumos en la zona núcleo sojera. ¿Podríamos "
        "conversar sobre una licencia para Argentina?",
        [("luiza.brandao@embrapa.example.br", "Olá, Martín! Com prazer. Posso enviar o resumo público dos ensaios.")],
    ),
    (
        "raul.echevarria@cigb.example.cu",
        "Procuramos plataforma de diagnóstico rápido para dengue, zika e chikungunya",
        "Estimada Ana: el CIGB tiene un prototipo de prueba rápida que podría interesarles. ¿Les parece una "
        "reunión virtual para presentarlo?",
        [],
    ),
    (
        "luiza.brandao@embrapa.example.br",
        "Buscamos tecnología de secado solar para quinua y cacao",
        "Olá, Diego! A Embrapa tem um secador solar validado para café e cacau. Podemos conversar?",
        [],
    ),
    (
        "diego.alarcon@pucp.example.pe",
        "Mentoría en valoración y negociación de licencias para oficinas nuevas",
        "Hola, Lucía. Nuestra oficina en la PUCP negocia su segunda licencia este año. ¿Cómo postulamos a la "
        "mentoría?",
        [("lucia.hernandez@unam.example.mx", "¡Hola, Diego! Te escribo con el calendario de la próxima cohorte.")],
    ),
]


def _opportunity(spec: dict, author: User, areas: dict[str, ExpertiseArea], now) -> Opportunity:
    created_at = now - timedelta(days=spec["days_ago"], hours=3)
    deadline = (now + timedelta(days=spec["deadline"])).date() if spec["deadline"] is not None else None
    opportunity = Opportunity(
        kind=spec["kind"], title=spec["title"], summary=spec["summary"], description=spec["description"],
        description_html=str(render_markdown(spec["description"])), language=spec["language"],
        field=areas[spec["field"]], sector=spec["sector"], trl=spec["trl"], ip_status=spec["ip"],
        patent_numbers=spec["numbers"], institution=spec["institution"], country=author.country,
        deadline=deadline, status=spec.get("status", OpportunityStatus.OPEN), author=author, interest_count=0,
        created_at=created_at, updated_at=created_at,
    )  # fmt: skip
    opportunity.territory_rows = [OpportunityTerritory(country=code) for code in spec["territories"]]
    opportunity.agreement_rows = [OpportunityAgreement(agreement=agreement.value) for agreement in spec["agreements"]]
    return opportunity


def load_opportunities_demo() -> int:
    """Add the demo opportunities that are missing (by title) and the demo interests; return opportunities added.

    Written by the site, not by the members: stored directly (not screened, so none waits for review) and
    dated over the last weeks. Interests go through the opportunities service, which opens the conversation.
    """
    ensure_default_expertise()
    areas = {area.slug: area for area in db.session.scalars(select(ExpertiseArea))}
    members = {user.email: user for user in db.session.scalars(select(User))}
    existing = set(db.session.scalars(select(Opportunity.title)))
    now = utcnow()
    added = 0
    for spec in DEMO_OPPORTUNITIES:
        author = members.get(spec["author"])
        if author is None or spec["title"] in existing:
            continue
        db.session.add(_opportunity(spec, author, areas, now))
        added += 1
    db.session.commit()
    by_title = {opportunity.title: opportunity for opportunity in db.session.scalars(select(Opportunity))}
    for email, title, message, replies in DEMO_INTERESTS:
        member, opportunity = members.get(email), by_title.get(title)
        if member is None or opportunity is None or services.get_interest(member, opportunity) is not None:
            continue
        interest = services.express_interest(member, opportunity, message)
        conversation = db.session.get(Conversation, interest.conversation_id)
        for author_email, reply in replies:
            if author_email in members:
                messages.reply(members[author_email], conversation, reply)
    return added
