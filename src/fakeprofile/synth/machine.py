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


# More voices of the same style, so that no one template, sentence length or phrase stands for
# it: a warm, people-first voice and a structured one with lists. Slots as above, and {n} (a
# small number).
VOICES: dict[str, list[dict[str, list[str]]]] = {
    "en": [
        {
            "headline": [
                "{title} | People-Focused Leader | Building Teams Where Everyone Can Thrive",
                "Enthusiastic {title} with a Heart for {field}",
            ],
            "about": [
                "I am a compassionate and collaborative {title} who believes that great results start with people.",
                "Over the past {years} years I have had the privilege of working with inspiring colleagues and clients.",
                "Known for my positive attitude and attention to detail, I enjoy turning complex challenges into practical solutions.",
                "Outside of work, you will find me hiking, reading or spending quality time with family and friends.",
                "I am always open to connecting with like-minded professionals, so feel free to reach out!",
                "What drives me is the opportunity to make a real difference, one project at a time.",
            ],
            "duty": [
                "Partnered with senior leaders to deliver high-quality outcomes for clients.",
                "Ensured a seamless experience for customers while maintaining the highest standards.",
                "Mentored junior colleagues and championed a culture of learning and inclusion.",
            ],
        },
        {
            "headline": [
                "{title} | {field} | Strategy • Execution • Results",
                "Senior {title} | Helping Organizations Unlock Their Full Potential",
            ],
            "about": [
                "Accomplished {title} with {years}+ years of experience across {field}.",
                "Key strengths: • Strategic planning • Stakeholder management • Team leadership • Process optimization",
                "My approach combines analytical thinking with a genuine commitment to excellence.",
                "I excel at translating business objectives into actionable plans that deliver measurable results.",
                "Core competencies include {skill}, change management and end-to-end project delivery.",
                "Let's connect!",
            ],
            "duty": [
                "Developed and implemented robust processes that improved efficiency and quality.",
                "Managed key client relationships and ensured alignment with business objectives.",
                "Led end-to-end delivery of strategic projects, on time and within budget.",
            ],
        },
    ],
    "de": [
        {
            "headline": [
                "{title} | Mit Herz und Verstand für {field}",
                "{title} | Menschen verbinden, Zukunft gestalten",
            ],
            "about": [
                "Als engagierte Fachkraft mit über {years} Jahren Erfahrung verfüge ich über fundierte Kenntnisse im Bereich {field}.",
                "Ich zeichne mich durch eine strukturierte Arbeitsweise und ausgeprägte Kommunikationsstärke aus.",
                "Es liegt mir besonders am Herzen, Teams zu befähigen und gemeinsam echten Mehrwert zu schaffen.",
                "In meiner Freizeit wandere ich gerne, lese viel und verbringe Zeit mit meiner Familie.",
                "Ich freue mich auf den Austausch mit Gleichgesinnten!",
            ],
            "duty": [
                "Verantwortung für die erfolgreiche Umsetzung strategischer Projekte.",
                "Enge Zusammenarbeit mit internen und externen Partnern auf Augenhöhe.",
                "Kontinuierliche Optimierung von Prozessen und Sicherstellung höchster Qualität.",
            ],
        },
        {
            "headline": [
                "{title} | Strategie • Umsetzung • Ergebnisse",
                "Erfahrener {title} | Lösungsorientiert. Zielorientiert. Kundenorientiert.",
            ],
            "about": [
                "Mit mehr als {years} Jahren Berufserfahrung unterstütze ich Unternehmen dabei, ihr volles Potenzial zu entfalten.",
                "Meine Kernkompetenzen: ✅ {skill} ✅ Projektmanagement ✅ Stakeholder-Management ✅ Prozessoptimierung",
                "Was mich antreibt? Nachhaltige Lösungen, die begeistern.",
                "Ich lege großen Wert auf partnerschaftliche Zusammenarbeit und ein hohes Maß an Eigenverantwortung.",
                "Lassen Sie uns vernetzen!",
            ],
            "duty": [
                "Leitung eines interdisziplinären Teams und Verantwortung für Budget und Ressourcen.",
                "Entwicklung maßgeschneiderter Lösungen in enger Abstimmung mit den Kunden.",
                "Einführung agiler Methoden und Förderung einer offenen Innovationskultur.",
            ],
        },
    ],
    "nl": [
        {
            "headline": [
                "{title} | Verbinder | Samen het verschil maken",
                "Gedreven {title} met hart voor {field}",
            ],
            "about": [
                "Als betrokken {title} met ruim {years} jaar ervaring haal ik energie uit samenwerken en mensen in beweging brengen.",
                "Mijn kracht ligt in het verbinden van verschillende belangen en het creëren van draagvlak.",
                "Collega's omschrijven mij als enthousiast, proactief en communicatief sterk.",
                "In mijn vrije tijd wandel ik graag, lees ik veel en geniet ik van tijd met familie en vrienden.",
                "Altijd in voor een goed gesprek!",
            ],
            "duty": [
                "Verantwoordelijk voor het succesvol realiseren van strategische projecten.",
                "Nauwe samenwerking met interne en externe stakeholders.",
                "Bijdragen aan een cultuur van continu verbeteren en kennisdeling.",
            ],
        },
        {
            "headline": [
                "{title} | Strategie • Uitvoering • Resultaat",
                "Resultaatgerichte {title} | Oplossingsgericht en klantgericht",
            ],
            "about": [
                "Met meer dan {years} jaar ervaring help ik organisaties hun ambities waar te maken.",
                "Kerncompetenties: ✔ {skill} ✔ Projectmanagement ✔ Stakeholdermanagement ✔ Procesoptimalisatie",
                "Ik geloof in de kracht van samenwerking en duurzame oplossingen met blijvende waarde.",
                "Mijn drijfveer? Organisaties laten groeien en mensen laten excelleren.",
                "Laten we connecten!",
            ],
            "duty": [
                "Aansturen van een multidisciplinair team en bewaken van planning en budget.",
                "Ontwikkelen van oplossingen op maat in nauwe samenwerking met klanten.",
                "Implementeren van verbeteringen die efficiëntie en kwaliteit verhoogden.",
            ],
        },
    ],
    "da": [
        {
            "headline": [
                "{title} | Skaber resultater gennem mennesker",
                "Engageret {title} med hjertet på rette sted",
            ],
            "about": [
                "Som erfaren {title} med over {years} års erfaring brænder jeg for at skabe ejerskab og engagement.",
                "Jeg er kendt for min strukturerede tilgang og mit positive gå-på-mod.",
                "Jeg trives bedst i en omskiftelig hverdag med mange bolde i luften.",
                "I min fritid nyder jeg naturen, god litteratur og tid med familien.",
                "Du er altid velkommen til at kontakte mig.",
            ],
            "duty": [
                "Ansvarlig for den succesfulde gennemførelse af strategiske projekter.",
                "Tæt samarbejde med interessenter på tværs af organisationen.",
                "Bidrog til en kultur præget af tillid, kvalitet og løbende forbedringer.",
            ],
        },
        {
            "headline": [
                "{title} | Strategi • Eksekvering • Resultater",
                "Resultatorienteret {title} | Løsningsorienteret og nysgerrig",
            ],
            "about": [
                "Med mere end {years} års erfaring hjælper jeg virksomheder med at omsætte strategi til handling.",
                "Kernekompetencer: ✔ {skill} ✔ Projektledelse ✔ Interessenthåndtering ✔ Procesoptimering",
                "Jeg er drevet af at skabe værdi og varige resultater sammen med dygtige kolleger.",
                "Jeg sætter en ære i at levere høj kvalitet og i at udvikle mine medarbejdere.",
                "Lad os forbinde!",
            ],
            "duty": [
                "Ledelse af et tværfagligt team med ansvar for budget og ressourcer.",
                "Udvikling af skræddersyede løsninger i tæt dialog med kunderne.",
                "Implementering af nye arbejdsgange, der øgede effektiviteten.",
            ],
        },
    ],
    "sv": [
        {
            "headline": [
                "{title} | Driver förändring med människan i fokus",
                "Engagerad {title} med hjärta för {field}",
            ],
            "about": [
                "Som erfaren {title} med över {years} års erfarenhet brinner jag för att skapa engagemang och tydlighet i team.",
                "Jag är en lösningsorienterad och strukturerad person som trivs när jag får samordna människor och mål.",
                "Kollegor beskriver mig som nyfiken, relationsskapande och målinriktad.",
                "På fritiden tycker jag om att vandra, läsa och umgås med familj och vänner.",
                "Tveka inte att höra av dig!",
            ],
            "duty": [
                "Ansvarade för att framgångsrikt genomföra strategiska projekt.",
                "Nära samarbete med intressenter i hela organisationen.",
                "Bidrog till en kultur präglad av tillit, kvalitet och ständiga förbättringar.",
            ],
        },
        {
            "headline": [
                "{title} | Strategi • Genomförande • Resultat",
                "Resultatinriktad {title} | Lösningsorienterad och driven",
            ],
            "about": [
                "Med mer än {years} års erfarenhet hjälper jag företag att gå från strategi till handling.",
                "Kärnkompetenser: ✔ {skill} ✔ Projektledning ✔ Intressenthantering ✔ Processförbättring",
                "Jag drivs av att skapa verkligt värde och långsiktiga resultat tillsammans med andra.",
                "Jag har en bevisad förmåga att leverera i högt tempo utan att tumma på kvaliteten.",
                "Låt oss knyta kontakt!",
            ],
            "duty": [
                "Ledde ett tvärfunktionellt team med ansvar för budget och resurser.",
                "Utvecklade skräddarsydda lösningar i nära dialog med kunderna.",
                "Införde nya arbetssätt som ökade effektiviteten.",
            ],
        },
    ],
    "nb": [
        {
            "headline": [
                "{title} | Skaper resultater gjennom samarbeid",
                "Engasjert {title} med hjerte for {field}",
            ],
            "about": [
                "Som erfaren {title} med over {years} års erfaring brenner jeg for å skape engasjement og eierskap.",
                "Jeg er strukturert, løsningsorientert og trives best når jeg får lede tverrfaglige team.",
                "Kolleger beskriver meg som nysgjerrig, relasjonsorientert og handlekraftig.",
                "På fritiden liker jeg å gå på tur, lese og være sammen med familie og venner.",
                "Ta gjerne kontakt!",
            ],
            "duty": [
                "Ansvarlig for vellykket gjennomføring av strategiske prosjekter.",
                "Tett samarbeid med interessenter på tvers av organisasjonen.",
                "Bidro til en kultur preget av tillit, kvalitet og kontinuerlig forbedring.",
            ],
        },
        {
            "headline": [
                "{title} | Strategi • Gjennomføring • Resultater",
                "Resultatorientert {title} | Løsningsorientert og visjonær",
            ],
            "about": [
                "Med mer enn {years} års erfaring hjelper jeg virksomheter med å omsette strategi til handling.",
                "Kjernekompetanse: ✔ {skill} ✔ Prosjektledelse ✔ Interessenthåndtering ✔ Prosessforbedring",
                "Jeg drives av å skape verdi og varige resultater sammen med dyktige kolleger.",
                "Jeg har dokumenterte resultater fra krevende prosjekter i høyt tempo.",
                "La oss koble oss!",
            ],
            "duty": [
                "Ledet et tverrfaglig team med ansvar for budsjett og ressurser.",
                "Utviklet skreddersydde løsninger i tett dialog med kundene.",
                "Innførte nye arbeidsmåter som økte effektiviteten.",
            ],
        },
    ],
}

# A little specificity mixed into the style (a number, a tool, a team size): real machine-written
# profiles are often asked for "some concrete achievements" and add a few.
SPECIFIC: dict[str, list[str]] = {
    "en": [
        "Led a team of {n} people and worked daily with {skill}.",
        "Certified in {skill} since {year}.",
        "Reduced turnaround times by {n}% within the first year.",
    ],
    "de": [
        "Führung eines Teams von {n} Mitarbeitenden, täglich mit {skill}.",
        "Zertifiziert in {skill} seit {year}.",
        "Senkung der Durchlaufzeiten um {n}% im ersten Jahr.",
    ],
    "nl": [
        "Leiding aan een team van {n} mensen, dagelijks met {skill}.",
        "Gecertificeerd in {skill} sinds {year}.",
        "Doorlooptijden binnen een jaar met {n}% verkort.",
    ],
    "da": [
        "Ledelse af et team på {n} medarbejdere med daglig brug af {skill}.",
        "Certificeret i {skill} siden {year}.",
        "Reducerede gennemløbstiden med {n}% det første år.",
    ],
    "sv": [
        "Ledde ett team på {n} personer med {skill} i vardagen.",
        "Certifierad inom {skill} sedan {year}.",
        "Minskade ledtiderna med {n}% under första året.",
    ],
    "nb": [
        "Ledet et team på {n} personer med daglig bruk av {skill}.",
        "Sertifisert i {skill} siden {year}.",
        "Reduserte ledetiden med {n}% det første året.",
    ],
}

# Polished networking notes that say nothing about the addressee.
NOTES: dict[str, list[str]] = {
    "en": [
        "Hi! I came across your profile and was impressed by your experience. I'd love to connect and exchange insights.",
        "Hello, I'm always looking to expand my network with like-minded professionals. Would be great to connect!",
        "Dear colleague, I would be honoured to add you to my professional network.",
    ],
    "de": [
        "Hallo! Ich bin auf Ihr Profil gestoßen und würde mich freuen, mich mit Ihnen zu vernetzen.",
        "Guten Tag, ich möchte mein berufliches Netzwerk erweitern und freue mich auf den Austausch.",
    ],
    "nl": [
        "Hoi! Ik kwam je profiel tegen en zou graag met je connecten.",
        "Beste, ik breid graag mijn netwerk uit met professionals zoals u. Laten we connecten!",
    ],
    "da": [
        "Hej! Jeg faldt over din profil og vil meget gerne forbinde med dig.",
        "Hej, jeg vil gerne udvide mit netværk med dygtige fagfolk. Lad os forbinde!",
    ],
    "sv": [
        "Hej! Jag hittade din profil och skulle gärna vilja lägga till dig i mitt nätverk.",
        "Hej, jag vill gärna utöka mitt nätverk och utbyta erfarenheter. Vi hörs!",
    ],
    "nb": [
        "Hei! Jeg kom over profilen din og vil gjerne koble meg til deg.",
        "Hei, jeg ønsker å utvide nettverket mitt med dyktige folk. Ta gjerne kontakt!",
    ],
}

# Employers that sound like real firms (a surname or a place and a trade), for the share of a
# machine-written career that is not made of buzzwords.
PLAIN_FIRST = (
    "Hartley",
    "Nordlund",
    "Meyer",
    "Vossberg",
    "Lindholm",
    "Kessler",
    "Brandt",
    "Holm",
    "Aalto",
    "Riverside",
    "Lakeside",
    "Westbrook",
    "Fjord",
    "Krone",
    "Hansa",
    "Dalen",
)
PLAIN_SECOND = (
    "& Partners",
    "Engineering",
    "Logistics",
    "Health",
    "Foods",
    "Bank",
    "Retail",
    "Energy",
    "Klinik",
    "Bygg",
    "Maskin",
    "Consulting",
    "Advokater",
    "Industri",
)


def plain_employer(rng: random.Random) -> str:
    """A plausible-sounding (still invented) employer."""
    return f"{rng.choice(PLAIN_FIRST)} {rng.choice(PLAIN_SECOND)}"


def varied_texts(
    rng: random.Random, lang: str, slots: dict[str, str], n_duties: int, plain: dict[str, list[str]]
) -> dict:
    """`texts` in one of several voices of the style, mixed with specifics and the member's own
    plain sentences, so that density, sentence length and specificity vary from profile to
    profile as they do in real machine-written text."""
    voices = [STYLE[lang], *VOICES[lang]]
    voice = rng.choice(voices)
    other = rng.choice(voices)
    polish = rng.uniform(0.3, 1.0)
    fill = slots | {"n": str(rng.randint(3, 40)), "year": str(rng.randint(2012, 2023))}
    about = rng.sample(voice["about"], rng.randint(2, min(5, len(voice["about"]))))
    if rng.random() < 0.4:
        about.append(rng.choice(other["about"]))
    about += [rng.choice(plain["about"]) for _ in range(rng.randint(0, 3) if polish < 0.7 else 0)]
    if rng.random() < 0.5:
        about.append(rng.choice(SPECIFIC[lang]))
    rng.shuffle(about)
    duties = []
    for _ in range(n_duties):
        r = rng.random()
        if r < 0.15:
            duties.append(None)  # not every position is described
        elif r < 0.15 + 0.7 * polish:
            duties.append(rng.choice(rng.choice(voices)["duty"]))
        elif r < 0.9:
            duties.append(rng.choice(plain["duty"]))
        else:
            duties.append(rng.choice(SPECIFIC[lang]))
    sep = rng.choice((" ", " ", "\n\n"))
    return {
        "headline": rng.choice(voice["headline"]).format_map(fill),
        "about": sep.join(s.format_map(fill) for s in about),
        "duties": [None if d is None else d.format_map(fill) for d in duties],
    }
