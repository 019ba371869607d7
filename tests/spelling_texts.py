"""Clean, naturally written paragraphs for the spelling tests (written for this project, not taken
from the generator), with compounds and English loan words the way members really write."""

CLEAN = {
    "en": (
        "I have spent the last eight years helping manufacturing companies plan their supply chains. "
        "At Harwick Industries I led a small team that rebuilt our forecasting process from scratch, "
        "which cut stock shortages by a third. Before that I worked as an analyst in Leeds, where I "
        "learned how much good data depends on people talking to each other. I enjoy mentoring junior "
        "colleagues, running workshops on stakeholder management and onboarding new hires. Outside "
        "work you will usually find me cycling in the Peak District or cooking for far too many friends. "
        "I am always happy to hear from people who care about practical, honest operations work, "
        "whether you are just starting out or have been doing this for decades."
    ),
    "da": (
        "Jeg har arbejdet med arbejdsmarkedspolitik og beskæftigelsesindsatser i over ti år, først i "
        "en kommune og siden i en interesseorganisation. I mit nuværende job har jeg ansvaret for "
        "onboarding af nye medarbejdere, og vi har matchet hver af dem med en erfaren kollega. Jeg "
        "sætter pris på en uformel omgangstone, ordentlige arbejdsgange og en ledelse, der lytter. "
        "Til daglig bruger jeg meget tid på projektledelse, budgetopfølgning og dialog med vores "
        "samarbejdspartnere. I fritiden spiller jeg håndbold og tager gerne på vandreture med "
        "familien, helst et sted hvor der ikke er mobildækning. Skriv endelig, hvis du vil sparre om "
        "rekruttering eller kompetenceudvikling."
    ),
    "sv": (
        "Jag har jobbat som kundtjänstmedarbetare och senare som teamledare inom försäkringsbranschen "
        "i drygt sju år. Just nu ansvarar jag för introduktionen av nya kollegor och för vår "
        "kvalitetsuppföljning, och jag har nyligen matchat ett tjugotal nyanställda med en mentor. "
        "Jag tycker om att förenkla krångliga arbetsflöden och att se till att kunderna får svar "
        "snabbt. På fritiden springer jag orientering, odlar grönsaker på kolonilotten och läser "
        "gärna deckare. Hör av dig om du vill prata om kundupplevelse, ledarskap eller hur man "
        "bygger en stabil arbetsmiljö i ett växande företag."
    ),
    "nb": (
        "Jeg er utdannet sivilingeniør og har jobbet med prosjektledelse i byggebransjen i nesten "
        "femten år. De siste årene har jeg ledet større rehabiliteringsprosjekter for kommunale "
        "bygg, med ansvar for fremdriftsplaner, kostnadskontroll og oppfølging av underleverandører. "
        "Jeg liker å bygge team der folk trives og tør å si ifra tidlig når noe går galt. Vi har "
        "nylig innført en ny onboardingprosess, og jeg har matchet hver nyansatt med en erfaren "
        "fagperson. På fritiden går jeg mye på ski og tilbringer helgene på hytta i Valdres. Ta "
        "gjerne kontakt hvis du vil utveksle erfaringer om bærekraftig byggeri."
    ),
    "nl": (
        "Ik werk al ruim tien jaar in de logistiek, eerst als planner en inmiddels als teamleider "
        "bij een groot distributiecentrum in Tilburg. Mijn projectmanagementervaring gebruik ik om "
        "verbeteringen in het magazijn stap voor stap door te voeren, samen met de mensen op de "
        "werkvloer. Ik ben verantwoordelijk voor de onboarding van nieuwe collega's en heb ze "
        "gematcht met een vaste buddy. Daarnaast houd ik me bezig met veiligheid, "
        "personeelsplanning en klanttevredenheid. In mijn vrije tijd fiets ik graag, ben ik "
        "vrijwilliger bij de voetbalclub van mijn zoon en kook ik voor vrienden. Neem gerust contact "
        "op als je wilt sparren over slimme magazijnprocessen."
    ),
    "de": (
        "Seit über zwölf Jahren arbeite ich im Bereich Personalentwicklung, zuletzt als "
        "Teamleiterin in einem mittelständischen Maschinenbauunternehmen in Baden-Württemberg. Ich "
        "verantworte das Onboarding neuer Mitarbeiterinnen und Mitarbeiter und habe ein "
        "Patenprogramm aufgebaut, bei dem wir jede neue Kollegin mit einer erfahrenen Ansprechperson "
        "gematcht haben. Besonders wichtig sind mir eine offene Feedbackkultur, verlässliche "
        "Arbeitsabläufe und Weiterbildungsangebote, die wirklich genutzt werden. In meiner Freizeit "
        "wandere ich gerne im Schwarzwald und engagiere mich ehrenamtlich in der Flüchtlingshilfe. "
        "Sprechen Sie mich gerne an, wenn Sie sich über Arbeitsmarktpolitik oder Fachkräftesicherung "
        "austauschen möchten."
    ),
}
