"""The default expertise taxonomy and the languages members can say they speak."""

from functools import cache

from babel import Locale

# (slug, English, Spanish, Portuguese), in the order pickers show them. Admins add more on the admin
# page; `services.ensure_default_expertise` inserts whichever of these are missing.
DEFAULT_EXPERTISE = [
    ("licensing", "Licensing", "Licenciamiento", "Licenciamento"),
    ("patent-search", "Patent search and analytics", "Búsqueda y análisis de patentes", "Busca e análise de patentes"),
    (
        "patent-drafting",
        "Patent drafting and prosecution",
        "Redacción y tramitación de patentes",
        "Redação e processamento de patentes",
    ),
    ("ip-policy", "IP policy", "Política de propiedad intelectual", "Política de propriedade intelectual"),
    ("valuation", "Technology valuation", "Valoración de tecnologías", "Valoração de tecnologias"),
    ("spin-offs", "Spin-offs and start-ups", "Spin-offs y empresas de base tecnológica", "Spin-offs e startups"),
    ("regulatory-affairs", "Regulatory affairs", "Asuntos regulatorios", "Assuntos regulatórios"),
    (
        "genetic-resources",
        "Genetic resources and traditional knowledge",
        "Recursos genéticos y conocimientos tradicionales",
        "Recursos genéticos e conhecimentos tradicionais",
    ),
    ("health-technologies", "Health technologies", "Tecnologías para la salud", "Tecnologias em saúde"),
    ("biotechnology", "Biotechnology", "Biotecnología", "Biotecnologia"),
    ("agri-food", "Agri-food", "Agroalimentos", "Agroalimentar"),
    ("digital-technologies", "Digital technologies", "Tecnologías digitales", "Tecnologias digitais"),
]

# ISO 639-1 codes: the network's languages, the region's indigenous languages that have one, and the
# languages of its usual partners.
SPOKEN_LANGUAGES = (
    "es", "pt", "en", "fr", "de", "it", "nl", "zh", "ja", "ko", "ru", "ar", "hi", "qu", "ay", "gn",
)  # fmt: skip


@cache
def spoken_language_name(code: str, language: str) -> str:
    """A spoken language's name in the page's language, e.g. "quechua" on a Spanish page."""
    name = Locale.parse(language).languages.get(code, code)
    return name[:1].upper() + name[1:]


def spoken_language_choices(language: str) -> list[tuple[str, str]]:
    return [(code, spoken_language_name(code, language)) for code in SPOKEN_LANGUAGES]
