"""Hand-written imitations of machine-written (large-language-model style) profiles, six languages.

These templates were written by hand to copy the style such profiles share: polished and free of
errors, generic ("results-driven", "passionate about driving growth"), the same phrasing in the
headline, the about text and every position, few specifics (no numbers, tools, clients), employers
assembled from corporate buzzwords, and careers spread over several countries. They are NOT text
produced by a language model; a model trained on them learns this style as imitated here, which
real machine-written text only partly shares (see the model card).

Slots: {title} {field} {years} {skill} {company}.
"""

from __future__ import annotations

import random

# Employers made of corporate buzzwords, and the world cities such careers wander through.
BUZZ_FIRST = (
    "Global",
    "Apex",
    "Nova",
    "Horizon",
    "Synergy",
    "Vertex",
    "Pinnacle",
    "Quantum",
    "Nexus",
    "Summit",
    "Catalyst",
    "Prime",
    "Elevate",
    "Bright",
    "Future",
    "Green",
    "Smart",
    "Next",
    "Insight",
    "Strategic",
    "Innovative",
    "Dynamic",
    "Blue",
    "Evolve",
    "Visionary",
)
BUZZ_SECOND = (
    "Solutions",
    "Innovations",
    "Partners",
    "Dynamics",
    "Ventures",
    "Strategies",
    "Consulting",
    "Group",
    "Technologies",
    "Systems",
    "Labs",
    "Insights",
    "Global",
    "Advisory",
    "Enterprises",
)
WORLD_CITIES = (
    "Singapore",
    "Dubai",
    "New York",
    "Toronto",
    "Sydney",
    "Hong Kong",
    "São Paulo",
    "Zurich",
    "San Francisco",
    "Mumbai",
    "Cape Town",
    "Tokyo",
    "Chicago",
    "Melbourne",
    "Doha",
    "Lagos",
    "Mexico City",
    "Kuala Lumpur",
    "Bangalore",
    "Johannesburg",
)

STYLE: dict[str, dict[str, list[str]]] = {
    "en": {
        "headline": [
            "Results-Driven {title} | Passionate About Innovation and Sustainable Growth",
            "Dedicated {title} | Driving Strategic Excellence in {field}",
            "{title} | Empowering Organizations Through Innovative {field} Solutions",
        ],
        "about": [
            "Dedicated {title} with over {years} years of experience in helping businesses achieve sustainable growth.",
            "I am passionate about leveraging innovative solutions to drive meaningful impact in {field}.",
            "With a proven track record of delivering results, I thrive in dynamic, fast-paced environments.",
            "I am committed to fostering collaboration with stakeholders and driving strategic excellence.",
            "My expertise spans strategy, innovation and cross-functional leadership across diverse industries.",
            "I believe in the power of innovation to transform organizations and create lasting value.",
        ],
        "duty": [
            "Spearheaded strategic initiatives to drive innovation and sustainable growth.",
            "Collaborated with cross-functional teams to deliver impactful solutions to stakeholders.",
            "Leveraged data-driven insights to optimize processes and drive operational excellence.",
            "Fostered a culture of collaboration and continuous improvement across the organization.",
        ],
    },
    "da": {
        "headline": [
            "Resultatorienteret {title} | Passioneret om innovation og bæredygtig vækst",
            "Dedikeret {title} | Driver strategisk ekspertise inden for {field}",
            "{title} | Styrker organisationer gennem innovative løsninger",
        ],
        "about": [
            "Dedikeret {title} med over {years} års erfaring i at hjælpe virksomheder med at opnå bæredygtig vækst.",
            "Jeg brænder for at udnytte innovative løsninger til at skabe meningsfuld værdi inden for {field}.",
            "Med dokumenterede resultater trives jeg i dynamiske miljøer i højt tempo.",
            "Jeg er engageret i at fremme samarbejde med interessenter og drive strategisk ekspertise.",
            "Min ekspertise spænder over strategi, innovation og tværfagligt lederskab på tværs af brancher.",
            "Jeg tror på innovationens kraft til at transformere organisationer og skabe varig værdi.",
        ],
        "duty": [
            "Stod i spidsen for strategiske initiativer, der drev innovation og bæredygtig vækst.",
            "Samarbejdede med tværfaglige teams om at levere værdiskabende løsninger til interessenter.",
            "Udnyttede datadrevet indsigt til at optimere processer og drive operationel ekspertise.",
            "Fremmede en kultur med samarbejde og løbende forbedring i hele organisationen.",
        ],
    },
    "sv": {
        "headline": [
            "Resultatinriktad {title} | Passionerad för innovation och hållbar tillväxt",
            "Engagerad {title} | Driver strategisk excellens inom {field}",
            "{title} | Stärker organisationer genom innovativa lösningar",
        ],
        "about": [
            "Engagerad {title} med över {years} års erfarenhet av att hjälpa företag att uppnå hållbar tillväxt.",
            "Jag brinner för att använda innovativa lösningar för att skapa meningsfull påverkan inom {field}.",
            "Med dokumenterad förmåga att leverera resultat trivs jag i dynamiska miljöer i högt tempo.",
            "Jag är engagerad i att främja samarbete med intressenter och driva strategisk excellens.",
            "Min expertis spänner över strategi, innovation och tvärfunktionellt ledarskap i olika branscher.",
            "Jag tror på innovationens kraft att förändra organisationer och skapa bestående värde.",
        ],
        "duty": [
            "Ledde strategiska initiativ för att driva innovation och hållbar tillväxt.",
            "Samarbetade med tvärfunktionella team för att leverera värdeskapande lösningar till intressenter.",
            "Använde datadrivna insikter för att optimera processer och driva operativ excellens.",
            "Främjade en kultur av samarbete och ständiga förbättringar i hela organisationen.",
        ],
    },
    "nb": {
        "headline": [
            "Resultatorientert {title} | Lidenskapelig opptatt av innovasjon og bærekraftig vekst",
            "Dedikert {title} | Driver strategisk fremragende arbeid innen {field}",
            "{title} | Styrker organisasjoner gjennom innovative løsninger",
        ],
        "about": [
            "Dedikert {title} med over {years} års erfaring med å hjelpe virksomheter å oppnå bærekraftig vekst.",
            "Jeg brenner for å utnytte innovative løsninger for å skape meningsfull verdi innen {field}.",
            "Med dokumenterte resultater trives jeg i dynamiske miljøer med høyt tempo.",
            "Jeg er engasjert i å fremme samarbeid med interessenter og drive strategisk utvikling.",
            "Min ekspertise spenner over strategi, innovasjon og tverrfaglig lederskap på tvers av bransjer.",
            "Jeg tror på innovasjonens kraft til å transformere organisasjoner og skape varig verdi.",
        ],
        "duty": [
            "Ledet strategiske initiativer for å drive innovasjon og bærekraftig vekst.",
            "Samarbeidet med tverrfaglige team for å levere verdiskapende løsninger til interessenter.",
            "Utnyttet datadrevet innsikt for å optimalisere prosesser og drive operasjonell fremragenhet.",
            "Fremmet en kultur for samarbeid og kontinuerlig forbedring i hele organisasjonen.",
        ],
    },
    "nl": {
        "headline": [
            "Resultaatgerichte {title} | Gepassioneerd door innovatie en duurzame groei",
            "Toegewijde {title} | Stimuleert strategische excellentie in {field}",
            "{title} | Organisaties versterken met innovatieve oplossingen",
        ],
        "about": [
            "Toegewijde {title} met meer dan {years} jaar ervaring in het helpen van bedrijven om duurzame groei te realiseren.",
            "Ik ben gepassioneerd over het inzetten van innovatieve oplossingen om betekenisvolle impact te creëren in {field}.",
            "Met een bewezen staat van dienst gedij ik in dynamische omgevingen met een hoog tempo.",
            "Ik zet me in voor het bevorderen van samenwerking met stakeholders en het stimuleren van strategische excellentie.",
            "Mijn expertise omvat strategie, innovatie en cross-functioneel leiderschap in uiteenlopende sectoren.",
            "Ik geloof in de kracht van innovatie om organisaties te transformeren en blijvende waarde te creëren.",
        ],
        "duty": [
            "Gaf leiding aan strategische initiatieven om innovatie en duurzame groei te stimuleren.",
            "Werkte samen met cross-functionele teams om impactvolle oplossingen aan stakeholders te leveren.",
            "Benutte datagedreven inzichten om processen te optimaliseren en operationele excellentie te stimuleren.",
            "Bevorderde een cultuur van samenwerking en continue verbetering in de hele organisatie.",
        ],
    },
    "de": {
        "headline": [
            "Ergebnisorientierter {title} | Leidenschaft für Innovation und nachhaltiges Wachstum",
            "Engagierter {title} | Strategische Exzellenz im Bereich {field}",
            "{title} | Organisationen mit innovativen Lösungen stärken",
        ],
        "about": [
            "Engagierter {title} mit über {years} Jahren Erfahrung darin, Unternehmen zu nachhaltigem Wachstum zu verhelfen.",
            "Ich brenne dafür, innovative Lösungen zu nutzen, um im Bereich {field} nachhaltige Wirkung zu erzielen.",
            "Mit nachweislichen Erfolgen fühle ich mich in dynamischen, schnelllebigen Umfeldern wohl.",
            "Ich setze mich dafür ein, die Zusammenarbeit mit Stakeholdern zu fördern und strategische Exzellenz voranzutreiben.",
            "Meine Expertise umfasst Strategie, Innovation und funktionsübergreifende Führung in verschiedenen Branchen.",
            "Ich glaube an die Kraft der Innovation, Organisationen zu transformieren und bleibende Werte zu schaffen.",
        ],
        "duty": [
            "Leitete strategische Initiativen, um Innovation und nachhaltiges Wachstum voranzutreiben.",
            "Arbeitete mit funktionsübergreifenden Teams zusammen, um wirkungsvolle Lösungen für Stakeholder zu liefern.",
            "Nutzte datengetriebene Erkenntnisse, um Prozesse zu optimieren und operative Exzellenz voranzutreiben.",
            "Förderte eine Kultur der Zusammenarbeit und kontinuierlichen Verbesserung im gesamten Unternehmen.",
        ],
    },
}

# Pitches and channel moves that established (bought or hijacked) accounts send, per language.
HIJACKED_NOTES: dict[str, list[str]] = {
    "en": [
        "Hi! I have a fantastic investment opportunity for you, write to me on WhatsApp {phone}",
        "Hello, we help professionals like you earn a passive income from crypto trading. Message me on Telegram.",
        "Hi, quick question: can we continue on WhatsApp? My number is {phone}",
    ],
    "da": [
        "Hej! Jeg har en fantastisk investeringsmulighed til dig, skriv til mig på WhatsApp {phone}",
        "Hej, vi hjælper folk som dig med at tjene penge på kryptohandel. Skriv til mig på Telegram.",
    ],
    "sv": [
        "Hej! Jag har en fantastisk investeringsmöjlighet för dig, skriv till mig på WhatsApp {phone}",
        "Hej, vi hjälper personer som du att tjäna pengar på kryptohandel. Skriv till mig på Telegram.",
    ],
    "nb": [
        "Hei! Jeg har en fantastisk investeringsmulighet for deg, skriv til meg på WhatsApp {phone}",
        "Hei, vi hjelper folk som deg med å tjene penger på kryptohandel. Send meg en melding på Telegram.",
    ],
    "nl": [
        "Hoi! Ik heb een fantastische investeringskans voor je, stuur me een bericht op WhatsApp {phone}",
        "Hallo, wij helpen mensen zoals jij geld verdienen met cryptohandel. Stuur me een bericht via Telegram.",
    ],
    "de": [
        "Hallo! Ich habe eine fantastische Investitionsmöglichkeit für Sie, schreiben Sie mir auf WhatsApp {phone}",
        "Hallo, wir helfen Menschen wie Ihnen, mit Krypto-Trading Geld zu verdienen. Schreiben Sie mir auf Telegram.",
    ],
}


def employer(rng: random.Random) -> str:
    """An invented employer: two corporate buzzwords, sometimes glued into one word."""
    first, second = rng.choice(BUZZ_FIRST), rng.choice(BUZZ_SECOND)
    if rng.random() < 0.3:
        return f"{first}{rng.choice(('Tech', 'Core', 'Sphere', 'Wave'))} {second}"
    return f"{first} {second}"


def texts(
    rng: random.Random, lang: str, slots: dict[str, str], n_duties: int, plain: dict[str, list[str]]
) -> dict:
    """Headline, about and position descriptions in machine style for one profile. How polished
    varies: some sentences and duties are plain ones (`plain`: the language's "about" and "duty"
    templates), so the share of stock phrases ranges from a little to nearly all."""
    style = STYLE[lang]
    polish = rng.uniform(0.2, 1.0)
    about = rng.sample(style["about"], rng.randint(2, 5))
    about += [rng.choice(plain["about"]) for _ in range(rng.randint(1, 3) if polish < 0.7 else 0)]
    rng.shuffle(about)
    duties = [
        rng.choice(style["duty"] if rng.random() < polish else plain["duty"])
        for _ in range(n_duties)
    ]
    return {
        "headline": rng.choice(style["headline"]).format_map(slots),
        "about": " ".join(s.format_map(slots) for s in about),
        "duties": [d.format_map(slots) for d in duties],
    }
