"""The categories every installation starts with (created by services.ensure_default_categories)."""

# slug, (name es, pt, en), (description es, pt, en), is_announcements
DEFAULT_CATEGORIES = [
    (
        "anuncios",
        ("Anuncios de la red", "Avisos da rede", "Network announcements"),
        (
            "Noticias de Conecta TT y de la red. Solo moderación abre hilos; todos pueden responder.",
            "Notícias da Conecta TT e da rede. Só a moderação abre tópicos; todos podem responder.",
            "News from Conecta TT and the network. Only moderators start threads; everyone may reply.",
        ),
        True,
    ),
    (
        "licenciamiento-contratos",
        ("Licenciamiento y contratos", "Licenciamento e contratos", "Licensing and contracts"),
        (
            "Acuerdos de licencia, regalías, cláusulas, confidencialidad y transferencia de materiales.",
            "Acordos de licença, royalties, cláusulas, confidencialidade e transferência de materiais.",
            "Licence agreements, royalties, clauses, confidentiality and material transfer.",
        ),
        False,
    ),
    (
        "patentes-busquedas",
        ("Patentes y búsquedas", "Patentes e buscas", "Patents and search"),
        (
            "Redacción, estrategia de protección, PCT, búsquedas de anterioridades y vigilancia tecnológica.",
            "Redação, estratégia de proteção, PCT, buscas de anterioridade e prospecção tecnológica.",
            "Drafting, protection strategy, PCT, prior-art searches and technology watch.",
        ),
        False,
    ),
    (
        "regulatorio",
        ("Regulatorio", "Regulatório", "Regulatory"),
        (
            "Registros sanitarios, normas técnicas, aprobaciones y su relación con la propiedad intelectual.",
            "Registros sanitários, normas técnicas, aprovações e sua relação com a propriedade intelectual.",
            "Health registrations, technical standards, approvals and how they meet intellectual property.",
        ),
        False,
    ),
    (
        "recursos-geneticos",
        ("Recursos genéticos", "Recursos genéticos", "Genetic resources"),
        (
            "Protocolo de Nagoya, acceso y participación en los beneficios, conocimientos tradicionales.",
            "Protocolo de Nagoia, acesso e repartição de benefícios, conhecimentos tradicionais.",
            "The Nagoya Protocol, access and benefit-sharing, traditional knowledge.",
        ),
        False,
    ),
    (
        "spin-offs-startups",
        ("Spin-offs y startups", "Spin-offs e startups", "Spin-offs and start-ups"),
        (
            "Empresas de base tecnológica, valuación, inversión y participación de las universidades.",
            "Empresas de base tecnológica, valoração, investimento e participação das universidades.",
            "Technology-based companies, valuation, investment and university equity.",
        ),
        False,
    ),
    (
        "eventos-capacitacion",
        ("Eventos y capacitación", "Eventos e capacitação", "Events and training"),
        (
            "Congresos, webinarios, cursos y becas para profesionales de TT y PI.",
            "Congressos, webinars, cursos e bolsas para profissionais de TT e PI.",
            "Conferences, webinars, courses and grants for TT and IP professionals.",
        ),
        False,
    ),
    (
        "mexico-centroamerica-caribe",
        (
            "México, Centroamérica y el Caribe",
            "México, América Central e Caribe",
            "Mexico, Central America and the Caribbean",
        ),
        (
            "La práctica de TT y PI en México, Costa Rica, Cuba y sus vecinos.",
            "A prática de TT e PI no México, na Costa Rica, em Cuba e nos países vizinhos.",
            "TT and IP practice in Mexico, Costa Rica, Cuba and their neighbours.",
        ),
        False,
    ),
    (
        "region-andina",
        ("Región andina", "Região andina", "Andean region"),
        (
            "La práctica de TT y PI en Colombia, Perú y la Comunidad Andina.",
            "A prática de TT e PI na Colômbia, no Peru e na Comunidade Andina.",
            "TT and IP practice in Colombia, Peru and the Andean Community.",
        ),
        False,
    ),
    (
        "cono-sur-brasil",
        ("Cono Sur y Brasil", "Cone Sul e Brasil", "Southern Cone and Brazil"),
        (
            "La práctica de TT y PI en Argentina, Brasil, Chile y el Mercosur.",
            "A prática de TT e PI na Argentina, no Brasil, no Chile e no Mercosul.",
            "TT and IP practice in Argentina, Brazil, Chile and Mercosur.",
        ),
        False,
    ),
]
