"""Words and sentences for benchmark data: what TT and IP professionals write, in es, pt and en.

Texts are assembled from these pieces at random, so that pages show realistic lengths, accents and
Markdown without anyone having to write 200,000 posts.
"""

FIRST_NAMES = {
    "es": ["Lucía", "José", "Martín", "Valentina", "Camila", "Andrés", "Sebastián", "María", "Sofía", "Yaimí",
           "Raúl", "Rosa", "Diego", "Carmen", "Javier", "Paula", "Ignacio", "Daniela", "Tomás", "Gabriela"],
    "pt": ["João", "Ana", "Luíza", "Pedro", "Beatriz", "Rafael", "Mariana", "Gustavo", "Juliana", "Thiago",
           "Fernanda", "Lucas", "Camila", "Rodrigo", "Patrícia"],
    "en": ["Emily", "James", "Sarah", "Michael", "Olivia", "David", "Grace", "Daniel"],
}  # fmt: skip
LAST_NAMES = {
    "es": ["Hernández", "Martínez", "Pérez", "Sánchez", "Muñoz", "Núñez", "Ramírez", "Lozano", "Jiménez",
           "Rodríguez", "Echevarría", "Quispe", "Alarcón", "Gómez", "Castillo", "Ortiz", "Solís", "Fonseca"],
    "pt": ["Araújo", "Gonçalves", "Brandão", "Conceição", "Silva", "Souza", "Oliveira", "Pereira", "Lima",
           "Carvalho", "Ribeiro", "Almeida"],
    "en": ["Carter", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke"],
}  # fmt: skip

# country: (main language, share of members)
COUNTRIES = {
    "MX": ("es", 18), "BR": ("pt", 22), "AR": ("es", 12), "CL": ("es", 9), "CO": ("es", 11),
    "CR": ("es", 5), "CU": ("es", 5), "PE": ("es", 8), "US": ("en", 3), "ES": ("es", 3),
    "PT": ("pt", 2), "CH": ("en", 2),
}  # fmt: skip

ORGANIZATIONS = {
    "es": ["Universidad Nacional", "Instituto de Investigaciones Biomédicas", "Oficina de Transferencia Tecnológica",
           "Instituto Nacional de Propiedad Industrial", "Centro de Biotecnología", "Laboratorios Andinos S.A."],
    "pt": ["Universidade Federal", "Núcleo de Inovação Tecnológica", "Instituto Nacional da Propriedade Industrial",
           "Empresa de Pesquisa Agropecuária", "Fundação de Pesquisa em Saúde", "Biotec Startups Ltda."],
    "en": ["World IP Organization", "Tech Transfer Associates", "Global Health Licensing LLC", "Innovation Hub"],
}  # fmt: skip

JOB_TITLES = {
    "es": ["Gestora de transferencia tecnológica", "Abogado de propiedad intelectual", "Examinadora de patentes",
           "Coordinador de vinculación", "Investigadora en biotecnología"],
    "pt": ["Gestora de inovação", "Advogado de propriedade intelectual", "Examinadora de patentes",
           "Coordenador do NIT", "Pesquisadora em biotecnologia"],
    "en": ["Licensing officer", "IP counsel", "Patent examiner", "Technology transfer manager", "Researcher"],
}  # fmt: skip

TITLES = {
    "es": ["¿Cómo negociar regalías en una licencia exclusiva?", "Búsqueda de anterioridades en bases gratuitas",
           "Protocolo de Nagoya y acceso a recursos genéticos", "Valuación de una spin-off universitaria",
           "Registro sanitario y patentes de medicamentos", "Contratos de transferencia de material biológico",
           "Vigilancia tecnológica para pymes", "Licenciamiento de software académico",
           "Cláusulas de confidencialidad en proyectos conjuntos", "Fase nacional del PCT: plazos y costos"],
    "pt": ["Como negociar royalties em licenciamento exclusivo?", "Busca de anterioridade em bases gratuitas",
           "Protocolo de Nagoia e acesso ao patrimônio genético", "Valoração de spin-offs acadêmicas",
           "Registro sanitário e patentes de medicamentos", "Acordos de transferência de material biológico",
           "Prospecção tecnológica para pequenas empresas", "Licenciamento de software universitário",
           "Cláusulas de confidencialidade em projetos conjuntos", "Fase nacional do PCT: prazos e custos"],
    "en": ["Negotiating royalties in an exclusive licence", "Prior-art searches in free databases",
           "The Nagoya Protocol and access to genetic resources", "Valuing a university spin-off",
           "Marketing authorisation and drug patents", "Material transfer agreements for biological samples",
           "Technology watch for small companies", "Licensing academic software",
           "Confidentiality clauses in joint projects", "PCT national phase: deadlines and costs"],
}  # fmt: skip

SENTENCES = {
    "es": ["En nuestra oficina usamos una regalía escalonada con un mínimo anual garantizado.",
           "La búsqueda en Espacenet y PATENTSCOPE nos dio buenos resultados para el estado de la técnica.",
           "¿Alguien tiene un modelo de acuerdo de confidencialidad en español?",
           "El IMPI publicó nuevos lineamientos para el examen de fondo.",
           "Recomiendo revisar la cláusula de mejoras antes de firmar la licencia.",
           "La universidad conserva la titularidad y otorga una licencia no exclusiva.",
           "Para los recursos genéticos necesitamos el consentimiento fundamentado previo.",
           "¡Gracias por compartir! Nos sirve mucho para el próximo convenio.",
           "La valuación por flujo de caja descontado no siempre es adecuada para tecnologías tempranas.",
           "Compartimos la experiencia en el taller de la conferencia de Ciudad de México."],
    "pt": ["No nosso NIT usamos royalties escalonados com um mínimo anual garantido.",
           "A busca no Espacenet e no PATENTSCOPE deu bons resultados para o estado da técnica.",
           "Alguém tem um modelo de acordo de confidencialidade em português?",
           "O INPI publicou novas diretrizes para o exame prioritário.",
           "Recomendo revisar a cláusula de melhorias antes de assinar a licença.",
           "A universidade mantém a titularidade e concede uma licença não exclusiva.",
           "Para o patrimônio genético precisamos do cadastro no SisGen.",
           "Obrigado por compartilhar! Vai ajudar muito no próximo convênio.",
           "A valoração por fluxo de caixa descontado nem sempre serve para tecnologias iniciais.",
           "Compartilhamos a experiência na oficina da conferência na Cidade do México."],
    "en": ["Our office uses a tiered royalty with a guaranteed annual minimum.",
           "Searching Espacenet and PATENTSCOPE gave us good prior-art results.",
           "Does anyone have a template confidentiality agreement in English?",
           "WIPO published new guidance on the national phase.",
           "I recommend reviewing the improvements clause before signing the licence.",
           "The university keeps ownership and grants a non-exclusive licence.",
           "For genetic resources we need prior informed consent.",
           "Thanks for sharing! This helps a lot with our next agreement.",
           "Discounted cash flow is not always right for early-stage technologies.",
           "We shared our experience at the workshop of the Mexico City conference."],
}  # fmt: skip

EVENT_TITLES = {
    "es": ["Taller de negociación de licencias", "Webinario: búsqueda de patentes", "Reunión de seguimiento regional",
           "Curso de valuación de tecnologías", "Encuentro de oficinas de transferencia"],
    "pt": ["Oficina de negociação de licenças", "Webinário: busca de patentes", "Reunião de acompanhamento regional",
           "Curso de valoração de tecnologias", "Encontro de núcleos de inovação"],
    "en": ["Licence negotiation workshop", "Webinar: patent searching", "Regional follow-up meeting",
           "Technology valuation course", "Tech transfer offices meet-up"],
}  # fmt: skip

CITIES = {"MX": "Ciudad de México", "BR": "São Paulo", "AR": "Buenos Aires", "CL": "Santiago", "CO": "Bogotá",
          "CR": "San José", "CU": "La Habana", "PE": "Lima", "US": "Washington", "ES": "Madrid", "PT": "Lisboa",
          "CH": "Genève"}  # fmt: skip
