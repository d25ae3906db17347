"""Demo profiles: rich, varied profiles for the demo members of the eight countries, and their institutions."""

from sqlalchemy import select

from community.accounts.models import User
from community.extensions import db
from community.markdown import render_markdown
from community.profiles.models import (
    ExpertiseArea,
    Institution,
    InstitutionDomain,
    OrganizationType,
    Profile,
    ProfileLanguage,
    Visibility,
)
from community.profiles.services import ensure_default_expertise, refresh_domain_verifications

U, R, T, G, C, S, N, L = (
    OrganizationType.UNIVERSITY,
    OrganizationType.PUBLIC_RESEARCH_CENTRE,
    OrganizationType.TECH_TRANSFER_OFFICE,
    OrganizationType.GOVERNMENT_IP_OFFICE,
    OrganizationType.COMPANY,
    OrganizationType.STARTUP,
    OrganizationType.NON_PROFIT,
    OrganizationType.LAW_CONSULTING_FIRM,
)

# (name, country, e-mail domains)
DEMO_INSTITUTIONS = [
    ("Universidad Nacional Autónoma de México", "MX", ["unam.example.mx"]),
    ("Instituto Mexicano de la Propiedad Industrial", "MX", ["impi.example.mx"]),
    ("CONICET", "AR", ["conicet.example.ar"]),
    ("Fundação Oswaldo Cruz (Fiocruz)", "BR", ["fiocruz.example.br"]),
    ("Embrapa", "BR", ["embrapa.example.br"]),
    ("Universidad de Chile", "CL", ["uchile.example.cl"]),
    ("Universidad de Costa Rica", "CR", ["ucr.example.cr"]),
    ("Indecopi", "PE", ["indecopi.example.pe"]),
]

# e-mail → (headline, job title, organization, type, city, expertise slugs, languages, open to
# (collaboration, mentoring, speaking), public?, bio, ORCID iD or None)
DEMO_PROFILES = {
    "lucia.hernandez@unam.example.mx": (
        "Licenciamiento y spin-offs en la oficina de transferencia de la UNAM", "Coordinadora de transferencia",
        "UNAM", T, "Ciudad de México", ["licensing", "spin-offs", "valuation"], ["es", "en"], (True, True, True),
        True, "Llevo doce años negociando **licencias** de tecnologías universitarias y acompañando *spin-offs*.\n\n"
        "- Modelos de licencia para universidades públicas\n- Valoración temprana", "0000-0002-1825-0097",
    ),
    "jose.martinez@impi.example.mx": (
        "Examinador de patentes en biotecnología", "Examinador de patentes", "IMPI", G, "Ciudad de México",
        ["patent-drafting", "patent-search", "biotechnology"], ["es", "en"], (True, False, True), False,
        "Examino solicitudes de patente en biotecnología y doy talleres sobre redacción de reivindicaciones.", None,
    ),
    "martin.perez@conicet.example.ar": (
        "Valoración de tecnologías de la investigación pública", "Analista de vinculación tecnológica", "CONICET", R,
        "Buenos Aires", ["valuation", "licensing", "agri-food"], ["es", "en", "pt"], (True, True, False), True,
        "Valoración de tecnologías del sector agroalimentario y negociación con empresas.", None,
    ),
    "valentina.sanchez@uba.example.ar": (
        "Investigadora en política de propiedad intelectual", "Investigadora", "Universidad de Buenos Aires", U,
        "Buenos Aires",
        ["ip-policy", "genetic-resources"], ["es", "en", "fr"], (True, False, True), False,
        "Investigo políticas de propiedad intelectual y acceso a recursos genéticos en América Latina.",
        "0000-0002-1694-233X",
    ),
    "joao.araujo@inpi.example.br": (
        "Busca e análise de patentes no INPI", "Pesquisador em propriedade industrial", "INPI", G, "Rio de Janeiro",
        ["patent-search", "ip-policy"], ["pt", "es", "en"], (True, True, True), True,
        "Trabalho com **buscas de anterioridade** e estudos de prospecção tecnológica.", None,
    ),
    "ana.goncalves@fiocruz.example.br": (
        "Caminho regulatório na ANVISA para tecnologias em saúde", "Gestora de inovação", "Fiocruz", R,
        "Rio de Janeiro",
        ["regulatory-affairs", "health-technologies", "licensing"], ["pt", "es", "en"], (True, True, False), True,
        "Acompanho projetos de vacinas e diagnósticos desde a pesquisa até o registro na ANVISA.", None,
    ),
    "luiza.brandao@embrapa.example.br": (
        "Licenciamento agroalimentar e cultivares", "Analista de transferência de tecnologia", "Embrapa", R,
        "Brasília", ["agri-food", "licensing", "genetic-resources"], ["pt", "es"], (True, False, False), False,
        "Licenciamento de cultivares e contratos de acesso ao patrimônio genético.", None,
    ),
    "camila.munoz@uchile.example.cl": (
        "Licenciamiento en ciencias de la vida", "Ejecutiva de licenciamiento", "Universidad de Chile", U, "Santiago",
        ["licensing", "biotechnology", "health-technologies"], ["es", "en"], (True, True, False), True,
        "Licencias de tecnologías biomédicas y acuerdos de investigación con la industria.", None,
    ),
    "andres.nunez@corfo.example.cl": (
        "Financiamiento para spin-offs y startups", "Ejecutivo de emprendimiento", "CORFO", G, "Valparaíso",
        ["spin-offs", "valuation"], ["es", "en"], (False, True, True), True,
        "Diseño instrumentos públicos para empresas de base científico-tecnológica.", None,
    ),
    "sebastian.ramirez@unal.example.co": (
        "Transferencia de tecnologías digitales", "Profesional de transferencia", "Universidad Nacional de "
        "Colombia", T, "Bogotá", ["digital-technologies", "licensing", "spin-offs"], ["es", "en"],
        (True, False, False), False, "Software, datos y licencias abiertas en la universidad pública.", None,
    ),
    "maria.lozano@sic.example.co": (
        "Marcas y patentes en la SIC", "Asesora jurídica", "Superintendencia de Industria y Comercio", G, "Bogotá",
        ["ip-policy", "patent-drafting"], ["es"], (False, False, True), True,
        "Asesoría en política pública de propiedad industrial.", None,
    ),
    "sofia.jimenez@ucr.example.cr": (
        "Biodiversidad, acceso y distribución de beneficios", "Gestora de vinculación", "Universidad de Costa Rica", U,
        "San José", ["genetic-resources", "biotechnology", "agri-food"], ["es", "en"], (True, True, True), True,
        "Contratos de acceso a recursos genéticos y conocimientos tradicionales.", None,
    ),
    "yaimi.rodriguez@ocpi.example.cu": (
        "Redacción de patentes para centros de investigación", "Especialista en propiedad industrial", "OCPI", G,
        "La Habana",
        ["patent-drafting", "patent-search"], ["es", "en"], (True, False, False), False,
        "Redacción de solicitudes y vigilancia tecnológica.", None,
    ),
    "raul.echevarria@cigb.example.cu": (
        "Licencias biotecnológicas y vacunas", "Director de negocios", "CIGB", R, "La Habana",
        ["biotechnology", "health-technologies", "licensing"], ["es", "en", "ru"], (True, True, True), True,
        "Licencias internacionales de productos biotecnológicos y vacunas.", None,
    ),
    "rosa.quispe@indecopi.example.pe": (
        "Recursos genéticos y conocimientos tradicionales", "Especialista en conocimientos tradicionales", "Indecopi",
        G, "Lima", ["genetic-resources", "ip-policy"], ["es", "qu", "en"], (True, True, True), True,
        "Registro de conocimientos colectivos de pueblos indígenas y protección contra la biopiratería.", None,
    ),
    "diego.alarcon@pucp.example.pe": (
        "Emprendimiento y licencias en la PUCP", "Gestor de innovación", "PUCP", U, "Lima",
        ["spin-offs", "licensing", "digital-technologies"], ["es", "en"], (True, False, False), False,
        "Acompaño a emprendedores universitarios desde la idea hasta la primera licencia.", None,
    ),
    "emily.carter@wipo.example.int": (
        "Capacity building for technology transfer", "Programme officer", "WIPO", N, "Geneva",
        ["ip-policy", "licensing", "valuation"], ["en", "es", "fr"], (True, True, True), True,
        "I run **technology-transfer** training programmes with offices across Latin America.", None,
    ),
}


def load_profiles_demo() -> int:
    """Add the demo institutions and the demo members' profiles (skipping what exists); return profiles added."""
    ensure_default_expertise()
    areas = {area.slug: area for area in db.session.scalars(select(ExpertiseArea))}
    known = set(db.session.scalars(select(InstitutionDomain.domain)))
    for name, country, domains in DEMO_INSTITUTIONS:
        if known.isdisjoint(domains):
            links = [InstitutionDomain(domain=domain) for domain in domains]
            db.session.add(Institution(name=name, country=country, domains=links))
    db.session.flush()
    added = 0
    users = db.session.scalars(select(User).where(User.email.in_(DEMO_PROFILES)))
    for user in users:
        if user.profile is not None and user.profile.headline:
            continue
        (headline, job_title, organization, kind, city, expertise, languages, (collab, mentor, speak), public, bio,
         orcid) = DEMO_PROFILES[user.email]
        profile = user.profile or Profile(user=user)
        db.session.add(profile)
        profile.headline, profile.job_title, profile.organization = headline, job_title, organization
        profile.organization_type, profile.city = kind, city
        profile.expertise = [areas[slug] for slug in expertise]
        profile.languages = [ProfileLanguage(code=code) for code in languages]
        profile.open_to_collaboration, profile.open_to_mentoring, profile.open_to_speaking = collab, mentor, speak
        profile.visibility = Visibility.PUBLIC if public else Visibility.MEMBERS
        profile.bio, profile.bio_html = bio, str(render_markdown(bio))
        profile.orcid = orcid
        profile.website = f"https://www.{user.email.rpartition('@')[2]}"
        added += 1
    for _name, _country, domains in DEMO_INSTITUTIONS:
        for domain in domains:
            refresh_domain_verifications(domain)
    db.session.commit()
    return added
