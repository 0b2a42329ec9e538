"""Job titles: normalization, role families and how close two titles are (pure).

A *role family* is a stable key ("software_engineer", "nurse", "warehouse") for titles that
name the same kind of work: "SWE", "Backend Developer" and "Softwareentwickler (m/w/d)" are all
``software_engineer``. The table below is data: each family lists its aliases in English,
German and Spanish; ``RELATED`` says how close two different families are.

A title is read in three steps:

1. ``clean_title``: gender tags ("(m/w/d)", "(all genders)", "Entwickler:in", "enfermero/a")
   dropped, accents folded, lower case, punctuation to spaces. Seniority is kept, so dedupe can
   tell "Senior Engineer" from "Junior Engineer".
2. ``core_title``: also without seniority ("Senior", "Jr.", "Lead", "III", "Werkstudent"),
   work words ("Remote", "Vollzeit") and "Head of".
3. ``role_family``: the family of the longest alias found in the core title, as whole words;
   ties go to the family listed first. A few German compounds match by their tail
   ("Backendentwickler" ends in "entwickler"), below any whole-word alias.

Feminine forms are folded onto the masculine ones on both sides ("Entwicklerin" ->
"entwickler", "desarrolladora" -> "desarrollador", "enfermera" -> "enfermero"), so the table
lists each word once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.text import fold, strip_gender_tag

# --- the table ---------------------------------------------------------------------------------

FAMILIES: Mapping[str, tuple[str, ...]] = {
    "software_engineer": (
        "software engineer", "software developer", "software development engineer",
        "software engineering", "swe", "sde", "developer", "programmer", "coder",
        "backend", "back end", "backend developer", "backend engineer", "back end developer",
        "back end engineer", "full stack", "fullstack", "full stack developer",
        "full stack engineer", "fullstack developer", "fullstack engineer",
        "application developer", "applications engineer", "game developer", "tech lead",
        "softwareentwickler", "software entwickler", "entwickler", "anwendungsentwickler",
        "programmierer", "softwareingenieur", "fachinformatiker anwendungsentwicklung",
        "backend entwickler", "desarrollador", "desarrollador de software",
        "desarrollador backend", "ingeniero de software", "programador",
        "desarrollador full stack",
    ),
    "frontend_engineer": (
        "frontend", "front end", "frontend developer", "frontend engineer",
        "front end developer", "front end engineer", "ui engineer", "ui developer",
        "web developer", "javascript developer", "react developer", "angular developer",
        "vue developer", "frontend entwickler", "webentwickler", "web entwickler",
        "desarrollador frontend", "desarrollador front end", "desarrollador web",
        "maquetador",
    ),
    "mobile_engineer": (
        "mobile developer", "mobile engineer", "ios developer", "ios engineer",
        "android developer", "android engineer", "app developer", "flutter developer",
        "react native developer", "app entwickler", "desarrollador movil",
        "desarrollador ios", "desarrollador android",
    ),
    "ml_engineer": (
        "machine learning engineer", "ml engineer", "ai engineer", "mlops engineer",
        "deep learning engineer", "nlp engineer", "computer vision engineer",
        "machine learning scientist", "ki entwickler", "ingeniero de machine learning",
        "ingeniero de ia",
    ),
    "data_scientist": (
        "data scientist", "applied scientist", "research scientist", "data science",
        "datenwissenschaftler", "cientifico de datos",
    ),
    "data_engineer": (
        "data engineer", "big data engineer", "analytics engineer", "etl developer",
        "data platform engineer", "data warehouse engineer", "data warehouse developer",
        "dateningenieur", "ingeniero de datos",
    ),
    "data_analyst": (
        "data analyst", "business intelligence analyst", "bi analyst", "bi developer",
        "reporting analyst", "analytics analyst", "product analyst", "datenanalyst",
        "analista de datos", "analista bi",
    ),
    "devops_engineer": (
        "devops", "devops engineer", "sre", "site reliability engineer",
        "site reliability engineering", "platform engineer", "cloud engineer",
        "infrastructure engineer", "cloud architect", "devsecops engineer",
        "build engineer", "release engineer", "devops ingenieur", "cloud ingenieur",
        "ingeniero devops", "ingeniero cloud",
    ),
    "sysadmin": (
        "system administrator", "systems administrator", "sysadmin", "it administrator",
        "linux administrator", "network administrator", "network engineer",
        "systemadministrator", "fachinformatiker systemintegration", "netzwerkadministrator",
        "server administrator", "server engineer", "windows administrator",
        "administrador de sistemas", "tecnico de sistemas",
    ),
    "security_engineer": (
        "security engineer", "security analyst", "cybersecurity", "cyber security",
        "penetration tester", "pentester", "information security", "it security",
        "soc analyst", "it sicherheit", "ingeniero de ciberseguridad",
        "analista de ciberseguridad",
    ),
    "it_support": (
        "it support", "help desk", "helpdesk", "service desk", "desktop support",
        "it support specialist", "support engineer", "technical support", "it techniker",
        "it supporter", "first level support", "second level support", "tecnico de soporte",
        "soporte tecnico", "tecnico informatico", "tecnico helpdesk",
    ),
    "qa_engineer": (
        "qa", "qa engineer", "quality assurance engineer", "test engineer", "tester",
        "software tester", "test automation engineer", "sdet", "software engineer in test",
        "qa analyst", "qa automation engineer", "testingenieur", "softwaretester",
        "testmanager", "ingeniero qa", "tester qa", "analista qa",
    ),
    "software_architect": (
        "software architect", "solution architect", "solutions architect",
        "enterprise architect", "softwarearchitekt", "arquitecto de software",
    ),
    "engineering_manager": (
        "engineering manager", "head of engineering", "vp engineering",
        "vp of engineering", "director of engineering", "cto", "engineering lead",
        "development manager", "entwicklungsleiter", "responsable de desarrollo",
    ),
    "product_manager": (
        "pm", "product manager", "product owner", "product lead", "group product manager",
        "head of product", "produktmanager", "produkt manager", "product management",
        "gerente de producto", "responsable de producto",
    ),
    "project_manager": (
        "project manager", "program manager", "programme manager", "scrum master",
        "delivery manager", "agile coach", "project lead", "projektmanager",
        "projektleiter", "projekt manager", "jefe de proyecto", "gestor de proyectos",
        "director de proyecto",
    ),
    "designer": (
        "designer", "ux designer", "ui designer", "ux ui designer", "ui ux designer",
        "product designer", "interaction designer", "visual designer", "graphic designer",
        "web designer", "ux researcher", "design lead", "mediengestalter", "grafikdesigner",
        "grafiker", "kommunikationsdesigner", "disenador", "disenador grafico",
        "disenador ux", "disenador ui",
    ),
    "marketing": (
        "marketing", "marketing manager", "digital marketing", "online marketing",
        "performance marketing", "content marketing", "marketing specialist",
        "product marketing manager", "growth marketer", "growth manager", "seo",
        "seo manager", "sem", "social media manager", "community manager",
        "content manager", "brand manager", "marketing coordinator", "copywriter",
        "marketingmanager", "onlinemarketing", "texter", "especialista en marketing",
        "responsable de marketing", "tecnico de marketing",
    ),
    "sales": (
        "sales", "account executive", "ae", "sales representative", "sales manager",
        "sales development representative", "sdr", "business development representative",
        "bdr", "business developer", "business development", "business development manager",
        "account manager", "key account manager", "inside sales", "sales executive",
        "sales consultant", "sales associate", "vertrieb", "vertriebsmitarbeiter",
        "vertriebsmanager", "vertriebsinnendienst", "aussendienstmitarbeiter",
        "aussendienst", "verkaufsberater", "kundenberater", "comercial",
        "ejecutivo de ventas", "ejecutivo comercial", "asesor comercial",
        "representante de ventas", "ventas",
    ),
    "presales": (
        "sales engineer", "solutions engineer", "presales", "pre sales",
        "presales consultant", "technical account manager", "ingeniero preventa",
    ),
    "customer_success": (
        "customer success", "customer success manager", "customer success specialist",
        "client success manager", "onboarding specialist", "kundenerfolgsmanager",
    ),
    "customer_support": (
        "customer support", "customer service", "customer support agent",
        "customer service representative", "customer care", "support agent",
        "support specialist", "call center agent", "call centre agent", "contact center",
        "kundenservice", "kundenservicemitarbeiter", "kundenbetreuer", "kundendienst",
        "callcenter agent", "callcenter", "atencion al cliente", "agente de atencion al cliente",
        "teleoperador", "servicio al cliente",
    ),
    "retail": (
        "retail", "retail sales", "retail sales associate", "sales assistant",
        "store associate", "shop assistant", "cashier", "store manager", "retail associate",
        "verkaufer", "einzelhandelskaufmann", "kassierer", "filialleiter", "dependiente",
        "cajero", "vendedor",
    ),
    "accountant": (
        "accountant", "accounting", "bookkeeper", "accounts payable", "accounts receivable",
        "accounts payable specialist", "payroll specialist", "tax accountant",
        "staff accountant", "accounting specialist", "buchhalter", "finanzbuchhalter",
        "bilanzbuchhalter", "lohnbuchhalter", "steuerfachangestellter", "buchhaltung",
        "contable", "contador", "tecnico contable", "administrativo contable",
    ),
    "finance": (
        "financial analyst", "finance manager", "controller", "financial controller",
        "fp a analyst", "finance analyst", "treasury analyst", "cfo", "finanzanalyst",
        "controlling", "analista financiero", "controller financiero",
    ),
    "nurse": (
        "nurse", "registered nurse", "rn", "staff nurse", "icu nurse", "charge nurse",
        "pflegefachkraft", "pflegefachfrau", "pflegefachmann", "pflegefachmann frau",
        "krankenschwester", "krankenpfleger", "altenpfleger",
        "kinderkrankenpfleger", "gesundheits und krankenpfleger", "pflegekraft",
        "fachkrankenpfleger", "intensivpfleger", "enfermero", "diplomado en enfermeria",
        "graduado en enfermeria",
    ),
    # Advanced practice: a further licence (APRN) and prescribing, not a nurse's job.
    "nurse_practitioner": (
        "nurse practitioner", "np", "advanced practice nurse", "aprn", "family nurse practitioner",
        "fnp", "enfermero de practica avanzada",
    ),
    "care_assistant": (
        "care assistant", "caregiver", "carer", "healthcare assistant", "nursing assistant",
        "certified nursing assistant", "cna", "pflegehelfer", "pflegeassistent",
        "betreuungskraft", "auxiliar de enfermeria", "tcae", "gerocultor", "cuidador",
    ),
    "medical_assistant": (
        "medical assistant", "medizinische fachangestellte", "mfa", "arzthelfer",
        "auxiliar administrativo sanitario",
    ),
    "physician": (
        "physician", "doctor", "medical doctor", "arzt", "arztin", "assistenzarzt",
        "facharzt", "oberarzt", "medico",
    ),
    "teacher": (
        "teacher", "lehrer", "lehrkraft", "professor", "lecturer", "tutor", "educator",
        "instructor", "dozent", "nachhilfelehrer", "profesor", "maestro", "docente",
        "language teacher", "english teacher", "math teacher",
    ),
    "early_childhood": (
        "erzieher", "kindergartner", "kita", "preschool teacher", "nursery teacher",
        "early childhood educator", "childcare worker", "educador infantil",
        "tecnico en educacion infantil",
    ),
    "warehouse": (
        "warehouse", "warehouse worker", "warehouse associate", "warehouse operative",
        "picker", "packer", "order picker", "picker packer", "forklift driver",
        "forklift operator", "stocker", "lagerist", "lagermitarbeiter", "lagerhelfer",
        "lagerarbeiter", "fachlagerist", "fachkraft fur lagerlogistik", "kommissionierer",
        "staplerfahrer", "gabelstaplerfahrer", "mozo de almacen", "operario de almacen",
        "carretillero", "preparador de pedidos", "mozo almacen",
    ),
    "logistics": (
        "logistics coordinator", "logistics manager", "logistics specialist",
        "supply chain analyst", "supply chain manager", "dispatcher", "disponent",
        "logistiker", "speditionskaufmann", "tecnico de logistica", "coordinador logistico",
    ),
    "driver": (
        "driver", "truck driver", "delivery driver", "hgv driver", "van driver",
        "courier", "berufskraftfahrer", "kraftfahrer", "lkw fahrer", "fahrer",
        "auslieferungsfahrer", "kurierfahrer", "conductor", "repartidor", "chofer",
    ),
    "cook": (
        "cook", "chef", "line cook", "sous chef", "head chef", "kitchen assistant",
        "koch", "kochin", "jungkoch", "kuchenhilfe", "cocinero", "ayudante de cocina",
        "jefe de cocina",
    ),
    "food_service": (
        "waiter", "waitress", "server", "bartender", "barista", "host", "kellner",
        "servicekraft", "restaurantfachmann", "camarero", "barman",
    ),
    "hr": (
        "recruiter", "talent acquisition", "talent acquisition specialist",
        "technical recruiter", "hr manager", "hr generalist", "hr business partner",
        "human resources", "people partner", "people operations", "hr specialist",
        "personalreferent", "personalsachbearbeiter", "personalentwickler",
        "personaler", "recruiting", "reclutador", "tecnico de recursos humanos",
        "tecnico de rrhh", "responsable de rrhh",
    ),
    "office_admin": (
        "office manager", "administrative assistant", "executive assistant",
        "office assistant", "receptionist", "secretary", "team assistant",
        "burokaufmann", "kaufmann fur buromanagement", "kauffrau fur buromanagement",
        "burokauffrau", "sachbearbeiter", "sekretar", "empfangsmitarbeiter", "assistenz",
        "administrativo", "auxiliar administrativo", "recepcionista", "secretario",
    ),
    "lawyer": (
        "lawyer", "attorney", "legal counsel", "counsel", "associate lawyer",
        "rechtsanwalt", "jurist", "syndikusrechtsanwalt", "abogado", "asesor juridico",
    ),
    "paralegal": (
        "paralegal", "legal assistant", "rechtsanwaltsfachangestellte", "refa",
        "asistente legal",
    ),
    "electrician": (
        "electrician", "elektriker", "elektroniker", "elektroinstallateur",
        "electricista",
    ),
    "mechanical_engineer": (
        "mechanical engineer", "design engineer", "maschinenbauingenieur", "konstrukteur",
        "produktentwickler", "ingeniero mecanico",
    ),
}  # fmt: skip

# Tails of German compounds: any word ending in one of these belongs to the family, unless a
# whole word of the table says otherwise ("Personalentwickler" is in hr).
COMPOUND_TAILS: Mapping[str, str] = {
    "entwickler": "software_engineer",
    "programmierer": "software_engineer",
    "buchhalter": "accountant",
    "krankenpfleger": "nurse",
    "lagerist": "warehouse",
}

# How close two different families are, 0..1; symmetric, anything unlisted is unrelated.
RELATED: Mapping[tuple[str, str], float] = {
    ("software_engineer", "frontend_engineer"): 0.7,
    ("software_engineer", "mobile_engineer"): 0.6,
    ("software_engineer", "software_architect"): 0.7,
    ("software_engineer", "devops_engineer"): 0.5,
    ("software_engineer", "data_engineer"): 0.5,
    ("software_engineer", "ml_engineer"): 0.5,
    ("software_engineer", "engineering_manager"): 0.5,
    ("software_engineer", "qa_engineer"): 0.4,
    ("software_engineer", "security_engineer"): 0.3,
    ("frontend_engineer", "mobile_engineer"): 0.5,
    ("frontend_engineer", "designer"): 0.3,
    ("ml_engineer", "data_scientist"): 0.7,
    ("ml_engineer", "data_engineer"): 0.5,
    ("data_scientist", "data_analyst"): 0.6,
    ("data_scientist", "data_engineer"): 0.5,
    ("data_engineer", "data_analyst"): 0.4,
    ("devops_engineer", "sysadmin"): 0.6,
    ("devops_engineer", "security_engineer"): 0.4,
    ("devops_engineer", "software_architect"): 0.4,
    ("sysadmin", "it_support"): 0.6,
    ("sysadmin", "security_engineer"): 0.4,
    ("it_support", "customer_support"): 0.5,
    ("product_manager", "project_manager"): 0.4,
    ("marketing", "sales"): 0.3,
    ("sales", "presales"): 0.6,
    ("sales", "customer_success"): 0.5,
    ("sales", "retail"): 0.4,
    ("customer_support", "customer_success"): 0.6,
    ("customer_support", "retail"): 0.3,
    ("accountant", "finance"): 0.6,
    ("accountant", "office_admin"): 0.3,
    ("nurse", "care_assistant"): 0.6,
    ("nurse", "medical_assistant"): 0.5,
    ("nurse", "physician"): 0.3,
    ("nurse", "nurse_practitioner"): 0.6,
    ("nurse_practitioner", "physician"): 0.4,
    ("care_assistant", "medical_assistant"): 0.4,
    ("teacher", "early_childhood"): 0.6,
    ("warehouse", "logistics"): 0.5,
    ("warehouse", "driver"): 0.4,
    ("logistics", "driver"): 0.3,
    ("cook", "food_service"): 0.5,
    ("hr", "office_admin"): 0.3,
    ("lawyer", "paralegal"): 0.6,
}

# Words that say how senior, not what the job is; and words about how or where it is done.
_SENIORITY_PHRASES = (
    "team lead", "tech lead", "mid level", "mid senior", "entry level",
    "semi senior", "working student",
)  # fmt: skip
_SENIORITY_WORDS = frozenset(
    {
        "senior", "sr", "snr", "junior", "jr", "jnr", "lead", "principal", "staff", "mid",
        "midlevel", "medior", "intermediate", "graduate", "intern", "internship", "trainee",
        "werkstudent", "praktikant", "praktikum", "azubi", "auszubildender", "becario",
        "practicas", "ssr", "i", "ii", "iii", "iv", "experienced", "erfahrener", "expert",
        "associate",
    }
)  # fmt: skip
_WORK_PHRASES = ("home office", "full time", "part time", "work from home")
_WORK_WORDS = frozenset(
    {
        "remote", "hybrid", "onsite", "vollzeit", "teilzeit", "minijob", "remoto",
        "teletrabajo", "hibrido", "fulltime", "parttime", "befristet", "unbefristet",
    }
)  # fmt: skip
# Words that carry little of what a job is: they count less when titles are compared by words.
_GENERIC_WORDS = frozenset(
    {
        "engineer", "developer", "manager", "specialist", "assistant", "analyst", "consultant",
        "officer", "representative", "coordinator", "administrator", "worker", "agent",
        "executive", "technician", "operator", "team", "mitarbeiter", "fachkraft", "referent",
        "berater", "sachbearbeiter", "helfer", "ingenieur", "techniker", "leiter", "tecnico",
        "especialista", "asistente", "responsable", "gerente", "ingeniero", "auxiliar",
        "operario", "analista", "jefe", "coordinador", "asesor",
    }
)  # fmt: skip
_STOP_WORDS = frozenset(
    {
        "and", "of", "for", "the", "in", "at", "with", "to", "a", "an", "und", "fur", "im",
        "der", "die", "das", "als", "mit", "de", "del", "la", "el", "en", "y", "para", "al",
        "los", "las", "e", "o", "or", "oder", "m", "w", "f", "d", "x",
    }
)  # fmt: skip
GENERIC_WEIGHT = 0.3

# Different families whose titles share words ("Sales Engineer", "Software Engineer") are still
# different jobs: word overlap between them counts for at most this much.
UNRELATED_CAP = 0.3
# Word overlap between titles outside the table counts a little under a family match.
OVERLAP_SCALE = 0.9

# --- normalization -----------------------------------------------------------------------------

# "Entwickler:in", "Entwickler*innen", "Entwickler/-in", "EntwicklerIn", "Kaufmann/-frau",
# "desarrollador/a", "enfermero(a)".
_GENDER_SUFFIX = re.compile(
    r"(?<=\w)(?:[:*_]|/-?)(?:in(?:nen)?)\b|(?:(?<=er)|(?<=nt)|(?<=ist)|(?<=eur))In(?:nen)?\b"
    r"|(?<=\w)/-?(?:frau|mann)\b|(?<=[a-zñ])(?:/a|/as|\(a\)|\(as\))(?!\w)"
)
_NON_WORD = re.compile(r"[^a-z0-9+#]+")
# Feminine endings onto masculine ones, the same on both sides of every comparison.
_FEMININE = (("erinnen", "er"), ("erin", "er"), ("ora", "or"), ("era", "ero"), ("ica", "ico"))


def _masculine(word: str) -> str:
    for ending, replacement in _FEMININE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    return word


def _words(text: str) -> tuple[str, ...]:
    return tuple(_masculine(word) for word in _NON_WORD.split(fold(text)) if word)


def clean_title(title: str) -> str:
    """The title folded for comparison: no gender tags, no accents, lower case, single spaces;
    seniority kept ("Senior Backend-Entwickler (m/w/d)" -> "senior backend entwickler")."""
    text = _GENDER_SUFFIX.sub("", strip_gender_tag(title))
    return " ".join(_words(text))


def _drop_phrases(words: tuple[str, ...], phrases: Iterable[tuple[str, ...]]) -> list[str]:
    out = list(words)
    for phrase in phrases:
        size = len(phrase)
        index = 0
        while index + size <= len(out):
            if tuple(out[index : index + size]) == phrase:
                del out[index : index + size]
            else:
                index += 1
    return out


@functools.cache
def _phrase_tuples(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_words(phrase)) for phrase in phrases)


@functools.lru_cache(maxsize=8192)
def core_title(title: str) -> str:
    """What the job is, without how senior or where: "Sr. Software Engineer III (Remote)" ->
    "software engineer"."""
    words = tuple(clean_title(title).split())
    kept = _drop_phrases(words, _phrase_tuples(_SENIORITY_PHRASES + _WORK_PHRASES))
    return " ".join(w for w in kept if w not in _SENIORITY_WORDS and w not in _WORK_WORDS)


# --- families ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Alias:
    words: tuple[str, ...]
    family: str
    order: int  # position of the family in the table: earlier wins a tie


@functools.cache
def _aliases_by_first_word() -> Mapping[str, tuple[_Alias, ...]]:
    seen: dict[tuple[str, ...], str] = {}
    index: dict[str, list[_Alias]] = {}
    for order, (family, aliases) in enumerate(FAMILIES.items()):
        for alias in aliases:
            words = _words(alias)
            owner = seen.setdefault(words, family)
            if owner != family:
                raise ValueError(f"title alias {alias!r} is in {owner!r} and {family!r}")
            index.setdefault(words[0], []).append(_Alias(words, family, order))
    return {first: tuple(found) for first, found in index.items()}


def _family_of_words(words: tuple[str, ...]) -> str | None:
    index = _aliases_by_first_word()
    best: tuple[int, int, int] | None = None  # (words, characters, -order)
    found: str | None = None
    for start, word in enumerate(words):
        for alias in index.get(word, ()):
            if words[start : start + len(alias.words)] == alias.words:
                rank = (len(alias.words), sum(map(len, alias.words)), -alias.order)
                if best is None or rank > best:
                    best, found = rank, alias.family
    if found is not None:
        return found
    for word in words:
        for tail, family in COMPOUND_TAILS.items():
            if word.endswith(tail) and len(word) > len(tail) + 1:
                return family
    return None


@functools.lru_cache(maxsize=8192)
def role_family(title: str) -> str | None:
    """The stable key of the kind of role a title names ("Backend-Entwickler (m/w/d)" ->
    "software_engineer"), or None when the table does not know it.

    Aliases are looked up with seniority still in the title first ("Product Lead", "Staff
    Nurse" are aliases), then without it ("Software (Senior) Engineer").
    """
    found = _family_of_words(tuple(clean_title(title).split()))
    return found if found is not None else _family_of_words(tuple(core_title(title).split()))


def family_relatedness(first: str, second: str) -> float:
    """1 for the same family, the ``RELATED`` value for related ones, else 0."""
    if first == second:
        return 1.0
    return RELATED.get((first, second), RELATED.get((second, first), 0.0))


def _weight(word: str) -> float:
    if word in _STOP_WORDS:
        return 0.0
    return GENERIC_WEIGHT if word in _GENERIC_WORDS else 1.0


def word_overlap(first: str, second: str) -> float:
    """Weighted Dice overlap of the words of two core titles, 0..1; generic words such as
    "engineer" or "manager" count less than the words that say what the job is."""
    a, b = set(first.split()), set(second.split())
    total = sum(map(_weight, a)) + sum(map(_weight, b))
    if total == 0:
        return 0.0
    return 2 * sum(_weight(word) for word in a & b) / total


def title_similarity(wanted: str, job_title: str) -> float:
    """How well a job title answers a title someone asked for, 0..1.

    1 when both are the same family (or the same words) once seniority and gender tags are
    gone; the ``RELATED`` value for related families; otherwise the weighted word overlap,
    scaled a little down, and capped at ``UNRELATED_CAP`` when the table puts the two titles
    in different, unrelated families.
    """
    first, second = core_title(wanted), core_title(job_title)
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    family_a, family_b = role_family(wanted), role_family(job_title)
    overlap = OVERLAP_SCALE * word_overlap(first, second)
    if family_a is None or family_b is None:
        return overlap
    related = family_relatedness(family_a, family_b)
    if related == 0.0:
        return min(overlap, UNRELATED_CAP)
    return max(related, overlap) if related < 1.0 else 1.0
