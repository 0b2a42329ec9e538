"""Matching at scale: the range query that finds a new job's candidates, against numpy.

Candidates are generated from templates with a fixed seed (twenty role families, tech and not,
skills, twenty cities in fourteen countries, work modes, seniority, salary floors in two
periods, 5% paused). Their vectors are synthetic so embedding does not dominate: each role
family has a random direction and a candidate's vector is that direction plus noise
(``--noise``), unit length; a new job's vector is made the same way from its role.

They are loaded into ``EdgeVectorIndex`` (qdrant-edge in-process, the embedded default) in a
temporary folder. Then, for new jobs, each next to an exact numpy scan in the same run (the
pre-filter's rules written again over numpy columns, a matrix product, the floor):

1. At ``--candidates`` (100,000): ``VectorIndex.candidates_above(job, vector, floor, page)``
   drained page by page, p50/p99 against the numpy scan; recall of the range set against the
   exact set; how many candidates pass the pre-filter and the floor.
2. At ``--million`` vectors (1,000,000; the query alone): the same, on a second index.
3. Memory: the process's resident size after each load, and the numpy matrix's size.
4. The whole path (``--whole``, on by default; ``--whole-candidates``, 100,000): the runtime
   on its embedded default (SecantusDB, redis-server, the edge index under a temporary
   DATA_DIR), ``--whole-candidates`` profiles in MongoDB, ``--eligible`` (5%) of them fitting
   the new jobs (same role family, instant, open filters) and the rest of other families; a
   job is stored approved and ``MatchService.job_approved`` runs: embed (a stand-in that
   returns the synthetic vector), index, page through the range query, score, record the
   matches, make the Apply links and queue the alerts. p50/p99 over ``--whole-jobs`` jobs,
   alerts queued against the eligible count, resident memory.
5. Embedding throughput (``--embed``): ``OnnxEmbedder.embed`` against raw ONNX Runtime.

    .venv/bin/python -m bench.matching             # 100k candidates, 1M vectors, whole path
    .venv/bin/python -m bench.matching --quick     # 10k candidates, no 1M, whole path at 10k
    .venv/bin/python -m bench.matching --optimize  # also build HNSW (out of process) first
    .venv/bin/python -m bench.matching --candidates 0 --million 0 --whole-candidates 2000
                                                   # the whole path alone, a smoke size
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.channels import Channel
from core.domain import (
    EmploymentType,
    Frequency,
    Profile,
    ResumeSummary,
    SalaryFloor,
    Seniority,
    WorkMode,
)
from core.jobs import (
    Extraction,
    JobPosting,
    JobStatus,
    Location,
    Salary,
    SalaryPeriod,
    SourceKind,
    StoredJob,
)
from core.matches import Candidate, JobForMatching
from core.settings import MatchingSettings
from matching.embed import OnnxEmbedder, Vectors, pad_batch
from matching.index import Hit
from matching.index_edge import EdgeVectorIndex
from matching.money import floor_eur, range_eur
from matching.text import candidate_text, job_text
from webhooks.runtime import settle_memory

TODAY = date(2026, 11, 16)
RECALL_GOAL = 0.99
RATIO_GOAL = 2.0  # p99 of the range query at most twice the exact numpy scan
WHOLE_GOAL = 2.0  # seconds: job approved -> every fitting instant candidate's alert queued

# --- templates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    titles: tuple[str, ...]
    skills: tuple[str, ...]
    duties: tuple[str, ...]
    pay: float  # a mid-level yearly salary in EUR


ROLES = [
    Role(
        ("Backend Engineer", "Python Developer", "Software Engineer, Backend"),
        ("Python", "Django", "FastAPI", "PostgreSQL", "Redis", "Docker", "Kubernetes", "AWS"),
        ("design and run the APIs behind our product", "own services from design to on-call"),
        70_000,
    ),
    Role(
        ("Frontend Developer", "React Engineer", "Web Developer"),
        ("TypeScript", "React", "Next.js", "CSS", "GraphQL", "Jest", "Figma", "Accessibility"),
        ("build the screens our customers use daily", "keep the web app fast and accessible"),
        65_000,
    ),
    Role(
        ("Data Engineer", "Analytics Engineer", "Big Data Engineer"),
        ("Spark", "Airflow", "dbt", "SQL", "Kafka", "Python", "Snowflake", "BigQuery"),
        ("keep our data pipelines fast and correct", "model the data our analysts rely on"),
        72_000,
    ),
    Role(
        ("Machine Learning Engineer", "Data Scientist", "AI Engineer"),
        ("Python", "PyTorch", "scikit-learn", "SQL", "MLOps", "Statistics", "LLMs", "Pandas"),
        ("train and ship models to production", "measure what our models really do"),
        80_000,
    ),
    Role(
        ("DevOps Engineer", "Site Reliability Engineer", "Platform Engineer"),
        ("Kubernetes", "Terraform", "AWS", "Linux", "Prometheus", "Go", "CI/CD", "Ansible"),
        ("keep the platform up and the deploys boring", "automate everything we do twice"),
        75_000,
    ),
    Role(
        ("iOS Developer", "Android Developer", "Mobile Engineer"),
        ("Swift", "Kotlin", "SwiftUI", "Jetpack Compose", "Firebase", "REST", "CI/CD"),
        ("ship our mobile apps every two weeks", "make the app feel fast on old phones"),
        68_000,
    ),
    Role(
        ("QA Engineer", "Test Automation Engineer"),
        ("Selenium", "Playwright", "Python", "Java", "Test planning", "Jira", "API testing"),
        ("automate our regression tests", "find the bugs before our customers do"),
        55_000,
    ),
    Role(
        ("Product Manager", "Product Owner"),
        ("Roadmapping", "User research", "Analytics", "Jira", "SQL", "Stakeholder management"),
        ("decide what we build next and why", "talk to customers every week"),
        75_000,
    ),
    Role(
        ("UX Designer", "Product Designer", "UI Designer"),
        ("Figma", "User research", "Prototyping", "Design systems", "Accessibility"),
        ("design flows people understand at first sight", "test prototypes with real users"),
        60_000,
    ),
    Role(
        ("Registered Nurse", "ICU Nurse", "Pflegefachkraft"),
        ("Patient care", "Intensive care", "Medication management", "Wound care", "Triage"),
        ("care for patients on a busy ward", "work night shifts in intensive care"),
        45_000,
    ),
    Role(
        ("Pastry Chef", "Sous Chef", "Line Cook"),
        ("Pastry", "Baking", "Menu planning", "Food safety", "Kitchen management"),
        ("create the desserts of our hotel restaurant", "run the kitchen during service"),
        36_000,
    ),
    Role(
        ("Warehouse Operator", "Logistics Associate", "Forklift Driver"),
        ("Forklift licence", "Inventory", "SAP", "Picking and packing", "Shipping"),
        ("receive, store and ship parcels", "keep the warehouse safe and tidy"),
        32_000,
    ),
    Role(
        ("Truck Driver", "Delivery Driver"),
        ("Driving licence C/CE", "Route planning", "Tachograph", "Customer service"),
        ("deliver goods across the region", "plan routes and load the truck"),
        38_000,
    ),
    Role(
        ("Accountant", "Financial Analyst", "Controller"),
        ("Excel", "IFRS", "DATEV", "SAP", "Financial reporting", "Budgeting", "Tax"),
        ("close the books every month", "report the numbers to leadership"),
        58_000,
    ),
    Role(
        ("Sales Manager", "Account Executive", "Business Development Manager"),
        ("Salesforce", "Negotiation", "B2B sales", "Lead generation", "CRM", "Presentations"),
        ("win new customers in the region", "grow the accounts we already have"),
        62_000,
    ),
    Role(
        ("Customer Support Specialist", "Customer Success Manager"),
        ("Zendesk", "Customer service", "Communication", "CRM", "Onboarding"),
        ("help customers by chat, mail and phone", "turn feedback into product changes"),
        40_000,
    ),
    Role(
        ("HR Business Partner", "Recruiter", "Talent Acquisition Specialist"),
        ("Recruiting", "Employment law", "Onboarding", "Workday", "Interviewing"),
        ("hire the people we need to grow", "advise managers on people topics"),
        55_000,
    ),
    Role(
        ("Primary School Teacher", "Mathematics Teacher"),
        ("Teaching", "Curriculum design", "Classroom management", "Mathematics"),
        ("teach classes of twenty-five children", "prepare lessons and talk to parents"),
        48_000,
    ),
    Role(
        ("Electrician", "Maintenance Technician"),
        ("Electrical installation", "PLC", "Troubleshooting", "Safety regulations"),
        ("install and maintain electrical systems", "fix machines when they stop"),
        42_000,
    ),
    Role(
        ("Marketing Manager", "Content Marketing Manager", "SEO Specialist"),
        ("SEO", "Google Ads", "Copywriting", "HubSpot", "Analytics", "Social media"),
        ("grow our brand and our traffic", "plan campaigns and measure them"),
        58_000,
    ),
]
LEVELS = [
    ("Junior ", Seniority.JUNIOR, 0.75),
    ("", Seniority.MID, 1.0),
    ("", None, 1.0),
    ("Senior ", Seniority.SENIOR, 1.3),
    ("Lead ", Seniority.LEAD, 1.5),
    ("Principal ", Seniority.PRINCIPAL, 1.8),
    ("Intern: ", Seniority.INTERN, 0.35),
]
LEVEL_WEIGHTS = [15, 30, 10, 25, 10, 4, 6]
PLACES = [
    Location(city=city, country=country, raw=f"{city}, {country}")
    for city, country in [
        ("Berlin", "DE"), ("München", "DE"), ("Hamburg", "DE"), ("Paris", "FR"),
        ("Lyon", "FR"), ("Madrid", "ES"), ("Barcelona", "ES"), ("Amsterdam", "NL"),
        ("London", "GB"), ("Dublin", "IE"), ("Warsaw", "PL"), ("Lisbon", "PT"),
        ("Vienna", "AT"), ("Zürich", "CH"), ("New York", "US"), ("Austin", "US"),
        ("Toronto", "CA"), ("Stockholm", "SE"), ("Milan", "IT"), ("Rotterdam", "NL"),
    ]
]  # fmt: skip
REMOTE_EU = Location(region="EU", raw="Remote - EU")
CURRENCY = {"US": ("USD", 1.25), "GB": ("GBP", 0.8), "CH": ("CHF", 1.2), "CA": ("USD", 1.1)}
COMPANIES = ["Acme", "Globex", "Initech GmbH", "Umbrella Health", "Hooli", "Vandelay", "Stark"]
INTROS = [
    "{company} is hiring in {city}: you would {duty}.",
    "Join our team of {size} people and {duty}.",
    "We are growing and need someone to {duty}, working closely with {other}.",
    "In this role you {duty}; no two weeks are the same.",
]
CLOSINGS = [
    "You bring {years}+ years of experience with {skills}.",
    "Nice to have: {skills}. We offer 30 days of holiday and a learning budget.",
    "Our benefits: flexible hours, a pension plan and a public transport ticket.",
    "We value kindness, curiosity and clear writing. German or English required.",
    "Apply with your CV; we answer every application within a week.",
]


def weighted(rng: random.Random, choices: Sequence[Any], weights: Sequence[int]) -> Any:
    return rng.choices(choices, weights=weights)[0]


def make_job(rng: random.Random, number: int) -> JobForMatching:
    role = rng.choice(ROLES)
    prefix, seniority, factor = weighted(rng, LEVELS, LEVEL_WEIGHTS)
    title = f"{prefix}{rng.choice(role.titles)}"
    mode = weighted(
        rng, [WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE, None], [25, 30, 30, 15]
    )
    where = rng.random()
    if mode == WorkMode.REMOTE and where < 0.35:
        locations: tuple[Location, ...] = () if where < 0.2 else (REMOTE_EU,)
    elif where < 0.08:
        locations = ()
    else:
        locations = tuple(rng.sample(PLACES, 1 if where < 0.9 else 2))
    skills = tuple(rng.sample(role.skills, rng.randint(2, min(6, len(role.skills)))))
    company = rng.choice(COMPANIES)
    city = (locations[0].city if locations else None) or "Europe"
    values = {
        "company": company,
        "city": city,
        "duty": rng.choice(role.duties),
        "other": rng.choice(ROLES).titles[0],
        "size": rng.randint(4, 80),
        "years": rng.randint(1, 8),
        "skills": ", ".join(skills),
    }
    sentences = [rng.choice(INTROS), *rng.sample(CLOSINGS, rng.randint(2, 4))]
    description = f"{' '.join(s.format(**values) for s in sentences)} (Req. {number:06d})"
    return JobForMatching(
        id=f"job-{number}",
        posting=JobPosting(
            source_kind=SourceKind.GREENHOUSE,
            extraction=Extraction.ATS_API,
            title=title,
            company=company,
            locations=locations,
            work_mode=mode,
            employment_type=employment_type(rng, seniority),
            seniority=seniority,
            salary=job_salary(rng, role.pay * factor, locations),
            skills=skills,
            description_md=description,
            posted_at=TODAY - timedelta(days=rng.randint(0, 30)),
            language="en",
        ),
    )


def employment_type(rng: random.Random, seniority: Seniority | None) -> EmploymentType | None:
    if seniority == Seniority.INTERN:
        return EmploymentType.INTERNSHIP
    kinds = [EmploymentType.FULL_TIME, EmploymentType.PART_TIME, EmploymentType.CONTRACT, None]
    return weighted(rng, kinds, [75, 10, 10, 5])  # type: ignore[no-any-return]


def job_salary(rng: random.Random, pay: float, locations: Sequence[Location]) -> Salary | None:
    if rng.random() < 0.4:
        return None
    country = (locations[0].country if locations else None) or ""
    currency, local = CURRENCY.get(country, ("EUR", 1.0))
    low = round(pay * local * rng.uniform(0.85, 1.0), -3)
    high = round(low * rng.uniform(1.1, 1.35), -3)
    period, per_year = weighted(
        rng, [(SalaryPeriod.YEAR, 1.0), (SalaryPeriod.MONTH, 12.0), (SalaryPeriod.HOUR, 2080.0)],
        [80, 15, 5],
    )  # fmt: skip
    return Salary(
        minimum=round(low / per_year, 2),
        maximum=round(high / per_year, 2),
        currency=currency,
        period=period,
        annual_minimum=low,
        annual_maximum=high,
    )


def make_candidate(rng: random.Random, number: int) -> Candidate:
    role = rng.choice(ROLES)
    other = role if rng.random() < 0.8 else rng.choice(ROLES)
    roles = tuple(dict.fromkeys([rng.choice(role.titles), rng.choice(other.titles)]))
    _, seniority, factor = weighted(rng, LEVELS, LEVEL_WEIGHTS)
    places = tuple(rng.sample(PLACES, weighted(rng, [0, 1, 2], [20, 65, 15])))
    modes = list(WorkMode)
    floor = None
    if rng.random() < 0.5:
        yearly = round(role.pay * factor * rng.uniform(0.7, 1.1), -3)
        floor = (
            SalaryFloor(amount=int(yearly), currency="EUR")
            if rng.random() < 0.8
            else SalaryFloor(amount=int(yearly / 12), currency="EUR", period="month")
        )
    kinds = [EmploymentType.FULL_TIME, EmploymentType.PART_TIME, EmploymentType.CONTRACT]
    return Candidate(
        user_key=f"tg:{100_000 + number}",
        roles=roles,
        title=rng.choice(role.titles) if rng.random() < 0.6 else None,
        skills=tuple(rng.sample(role.skills, rng.randint(3, min(7, len(role.skills))))),
        seniority=seniority if rng.random() < 0.8 else None,
        places=places,
        work_modes=tuple(rng.sample(modes, rng.randint(1, 2))) if rng.random() < 0.6 else (),
        salary_floor=floor,
        employment_types=tuple(rng.sample(kinds, rng.randint(1, 2))) if rng.random() < 0.4 else (),
        paused=rng.random() < 0.05,
        frequency=rng.choice(list(Frequency)),
    )


# --- the exact search in numpy ------------------------------------------------------------------

RANKS = {level: rank for rank, level in enumerate(Seniority)}
MODES = list(WorkMode)
KINDS = list(EmploymentType)


class ExactCandidates:
    """The candidates as numpy columns, so the pre-filter's rules can be applied exactly."""

    def __init__(self, candidates: Sequence[Candidate], vectors: Vectors) -> None:
        self.keys = [c.user_key for c in candidates]
        self.position = {key: row for row, key in enumerate(self.keys)}
        self.vectors = vectors
        self.paused = np.array([c.paused for c in candidates], dtype=bool)
        # An empty choice (any mode, any type) is True in every column.
        self.modes = np.array(
            [[not c.work_modes or m in c.work_modes for m in MODES] for c in candidates], dtype=bool
        )
        self.kinds = np.array(
            [
                [not c.employment_types or k in c.employment_types for k in KINDS]
                for c in candidates
            ],
            dtype=bool,
        )
        self.anywhere = np.array(
            [not c.places or any(p.country is None for p in c.places) for c in candidates],
            dtype=bool,
        )
        self.countries: dict[str, npt.NDArray[np.bool_]] = {}
        for row, candidate in enumerate(candidates):
            for place in candidate.places:
                if place.country:
                    column = self.countries.setdefault(
                        place.country, np.zeros(len(candidates), dtype=bool)
                    )
                    column[row] = True
        self.ranks = np.array(
            [-1 if c.seniority is None else RANKS[c.seniority] for c in candidates], dtype=np.int64
        )
        self.floors = np.array([floor_eur(c.salary_floor) or 0.0 for c in candidates])

    def mask(self, posting: JobPosting) -> npt.NDArray[np.bool_]:
        keep = ~self.paused
        if posting.work_mode is not None:
            keep &= self.modes[:, MODES.index(posting.work_mode)]
        codes = [place.country for place in posting.locations]
        if codes and all(codes):
            open_to = self.anywhere.copy()
            for code in codes:
                if code in self.countries:
                    open_to |= self.countries[code]
            keep &= open_to
        if posting.seniority is not None:
            rank = RANKS[posting.seniority]
            keep &= (self.ranks == -1) | (np.abs(self.ranks - rank) <= 1)
        if posting.employment_type is not None:
            keep &= self.kinds[:, KINDS.index(posting.employment_type)]
        _, high = range_eur(posting.salary)
        if high is not None:
            keep &= self.floors <= high
        return keep


# --- measuring -----------------------------------------------------------------------------------


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Yields a list that holds the elapsed seconds once the block ends."""
    elapsed: list[float] = []
    started = time.perf_counter()
    yield elapsed
    elapsed.append(time.perf_counter() - started)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_row(what: str, seconds: Sequence[float]) -> None:
    p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
    mean = statistics.fmean(seconds) * 1000
    print(f"  {what:<60}{p50:>9.2f}{p99:>9.2f}{mean:>9.2f}")


def row(what: str, figure: str, goal: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else "met" if met else "NOT met"
    print(f"  {what:<60} {figure:>20}  {goal:>10}  {verdict}")


def rss_mb() -> float:
    """The resident size of this process now, in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


# --- synthetic vectors --------------------------------------------------------------------------


class Directions:
    """One random unit direction per role family; a text's vector is its role's plus noise."""

    def __init__(self, seed: int, dimension: int, noise: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.dimension = dimension
        self.noise = noise
        centres = self.rng.standard_normal((len(ROLES), dimension)).astype(np.float32)
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)

    def near(self, roles: Sequence[int]) -> npt.NDArray[np.float32]:
        spread = np.float32(self.noise / np.sqrt(self.dimension))
        raw = self.centres[list(roles)] + spread * self.rng.standard_normal(
            (len(roles), self.dimension)
        ).astype(np.float32)
        unit: npt.NDArray[np.float32] = raw / np.linalg.norm(raw, axis=1, keepdims=True)
        return unit


def role_of(title: str) -> int:
    for number, role in enumerate(ROLES):
        if any(name in title for name in role.titles):
            return number
    raise ValueError(title)


def people(rng: random.Random, count: int, start: int = 0) -> list[Candidate]:
    return [make_candidate(rng, start + n) for n in range(count)]


def candidate_roles(candidates: Sequence[Candidate]) -> list[int]:
    return [role_of(c.roles[0]) for c in candidates]


async def load(
    index: EdgeVectorIndex, candidates: Sequence[Candidate], vectors: Vectors, chunk: int = 5_000
) -> float:
    with stopwatch() as took:
        for start in range(0, len(candidates), chunk):
            part = range(start, min(start + chunk, len(candidates)))
            await index.upsert_candidates([(candidates[i], vectors[i]) for i in part])
    return took[0]


# --- the range query against numpy --------------------------------------------------------------


async def drain(
    index: EdgeVectorIndex, job: JobForMatching, vector: Vectors, floor: float, page_size: int
) -> list[Hit]:
    found: list[Hit] = []
    async for page in index.candidates_above(job, vector, floor, page_size):
        found.extend(page)
    return found


def exact_above(
    exact: ExactCandidates, posting: JobPosting, vector: Vectors, floor: float
) -> list[str]:
    """The exact range set, best first: what the index should return."""
    scores = exact.vectors @ vector
    rows = np.flatnonzero(exact.mask(posting) & (scores >= floor))
    rows = rows[np.argsort(-scores[rows], kind="stable")]
    return [exact.keys[row] for row in rows]


async def bench_range(
    label: str,
    index: EdgeVectorIndex,
    exact: ExactCandidates,
    new_jobs: Sequence[JobForMatching],
    vectors: Vectors,
    floor: float,
    page_size: int,
) -> None:
    for warm_up in range(min(3, len(new_jobs))):
        await drain(index, new_jobs[warm_up], vectors[warm_up], floor, page_size)
    numpy_times: list[float] = []
    index_times: list[float] = []
    wanted = found_right = found_all = 0
    passing: list[int] = []
    above: list[int] = []
    for job, vector in zip(new_jobs, vectors, strict=True):
        with stopwatch() as took:
            expected = exact_above(exact, job.posting, vector, floor)
        numpy_times += took
        with stopwatch() as took:
            found = await drain(index, job, vector, floor, page_size)
        index_times += took
        keys = {key for key, _ in found}
        wanted += len(expected)
        found_right += len(keys & set(expected))
        found_all += len(found)
        passing.append(int(exact.mask(job.posting).sum()))
        above.append(len(expected))
    print(
        f"\n{label}: {len(new_jobs)} new jobs against {len(exact.keys):,} candidates,"
        f" floor {floor}, pages of {page_size:,}"
    )
    print(f"  {'':<60}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    latency_row("exact numpy scan, same filter and floor (baseline)", numpy_times)
    latency_row("EdgeVectorIndex.candidates_above, every page", index_times)
    ratio = percentile(index_times, 0.99) / percentile(numpy_times, 0.99)
    row("index / numpy, p99", f"{ratio:.2f}x", f"<= {RATIO_GOAL}x", ratio <= RATIO_GOAL)
    ratio50 = statistics.median(index_times) / statistics.median(numpy_times)
    row("index / numpy, p50", f"{ratio50:.2f}x")
    recall = found_right / wanted if wanted else 1.0
    row(
        "recall of the range set against the exact set",
        f"{recall:.4f}",
        f">= {RECALL_GOAL}",
        recall >= RECALL_GOAL,
    )
    row("  returned outside the exact set", f"{found_all - found_right:,}")
    share = statistics.fmean(passing) / max(1, len(exact.keys))
    row(
        "candidates through the pre-filter: mean (share)",
        f"{statistics.fmean(passing):,.0f} ({share:.1%})",
    )
    row("  and above the floor: mean / max", f"{statistics.fmean(above):,.0f} / {max(above):,}")


async def scale(
    label: str,
    folder: Path,
    count: int,
    arguments: argparse.Namespace,
    directions: Directions,
    new_jobs: Sequence[JobForMatching],
    job_vectors: Vectors,
) -> None:
    with stopwatch() as generating:
        rng = random.Random(arguments.seed + count)
        candidates = people(rng, count)
        vectors = directions.near(candidate_roles(candidates))
    exact = ExactCandidates(candidates, vectors)
    settle_memory()
    before = rss_mb()
    index = EdgeVectorIndex(folder / label, model_id="bench", dimension=directions.dimension)
    await index.ensure()
    try:
        took = await load(index, candidates, vectors)
        print(
            f"\n  set-up ({label}): {count:,} candidates generated in {generating[0]:.1f} s,"
            f" stored in {took:.1f} s ({count / took:,.0f} points/s)"
        )
        if arguments.optimize:
            with stopwatch() as optimizing:
                await index.optimize()
            print(f"  set-up ({label}): optimize (HNSW, out of process) {optimizing[0]:.1f} s")
        del candidates
        settle_memory()
        print(
            f"  memory ({label}): the index adds {rss_mb() - before:,.0f} MB resident"
            f" (the numpy matrix of the same vectors: {vectors.nbytes / 1e6:,.0f} MB);"
            f" process {rss_mb():,.0f} MB, peak {peak_rss_mb():,.0f} MB"
        )
        await bench_range(
            f"{label}: candidates for a new job",
            index,
            exact,
            new_jobs,
            job_vectors,
            arguments.floor,
            arguments.page_size,
        )
    finally:
        await index.close()


# --- the whole path: job approved -> alerts queued ----------------------------------------------


class StandIn:
    """The ``Embedder`` port over precomputed vectors: the job's text gives its synthetic
    vector, so the fan-out measures the store and the index, not the model."""

    def __init__(self, model_id: str, vectors: dict[str, Vectors], dimension: int) -> None:
        self.model_id = model_id
        self.dimension = dimension
        self._vectors = vectors

    def embed(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._vectors[text] for text in texts]).astype(np.float32)

    def close(self) -> None:
        return None


def whole_profile(rng: random.Random, eligible: bool) -> Profile:
    """An eligible profile fits every whole-path job (backend, instant, open filters); the rest
    are the templates' people of the other families."""
    if eligible:
        return Profile(
            roles=(rng.choice(ROLES[0].titles),),
            resume=ResumeSummary(skills=ROLES[0].skills),
            frequency=Frequency.INSTANT,
        )
    person = make_candidate(rng, 0)
    while role_of(person.roles[0]) == 0:
        person = make_candidate(rng, 0)
    return Profile(
        roles=person.roles,
        locations=tuple(place.raw or "" for place in person.places),
        work_modes=person.work_modes,
        seniority=person.seniority,
        salary_floor=person.salary_floor,
        employment_types=person.employment_types,
        frequency=person.frequency,
        paused=person.paused,
    )


def whole_job(rng: random.Random, number: int) -> StoredJob:
    role = ROLES[0]
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    posting = JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        external_id=f"whole-{number}",
        title=rng.choice(role.titles),
        company=rng.choice(COMPANIES),
        url=f"https://boards.example.org/jobs/whole-{number}",
        work_mode=WorkMode.REMOTE,
        skills=tuple(rng.sample(role.skills, 4)),
        description_md=f"{rng.choice(role.duties)} (Req. whole-{number})",
        posted_at=TODAY,
        language="en",
    )
    return StoredJob(
        id=f"whole-{number}",
        source_ids=("bench",),
        posting=posting,
        status=JobStatus.APPROVED,
        fingerprint=f"fp-whole-{number}",
        first_seen_at=now,
        last_seen_at=now,
    )


async def bench_whole(arguments: argparse.Namespace) -> None:
    from cryptography.fernet import Fernet
    from pydantic import SecretStr

    from core.logging import configure_logging
    from core.ports.matches import CandidateRecord
    from core.settings import Settings
    from core.store.documents import ConversationDoc, OutboxDoc, UserDoc
    from matching.service import candidate_of
    from webhooks.runtime import Runtime

    configure_logging("ERROR", "console")
    # Tighter than the range-query runs: an eligible candidate's cosine to a job is ~0.8, well
    # above the floor, so every one of them is a fitting candidate the path must alert.
    directions = Directions(arguments.seed + 1, 384, arguments.whole_noise)
    count, share = arguments.whole_candidates, arguments.eligible
    clock = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    rng = random.Random(arguments.seed + 1)
    with tempfile.TemporaryDirectory(prefix="bench-whole-") as folder:
        settings = Settings(
            _env_file=None,
            environment="test",
            data_dir=Path(folder) / "data",
            encryption_keys=SecretStr(Fernet.generate_key().decode()),
            matching=MatchingSettings(
                similarity_floor=arguments.floor, fanout_page_size=arguments.page_size
            ),
        )
        runtime = await Runtime.start(settings, clock=lambda: clock)
        try:
            matches = runtime.matches
            with stopwatch() as seeding:
                eligible = 0
                for start in range(0, count, 5_000):
                    users, states, records, families = [], [], [], []
                    for n in range(start, min(count, start + 5_000)):
                        fits = n % round(1 / share) == 0
                        eligible += fits
                        profile = whole_profile(rng, fits)
                        key, chat = f"telegram:{1_000_000 + n}", str(1_000_000 + n)
                        users.append(
                            {
                                "_id": key,
                                "channel": "telegram",
                                "chat_id": chat,
                                "platform_user_id": chat,
                                "created_at": clock,
                            }
                        )
                        consent = {
                            "purpose": "job_messages",
                            "granted": True,
                            "version": "1",
                            "at": clock,
                        }
                        states.append(
                            {
                                "_id": key,
                                "state": {
                                    "lang": "en",
                                    "onboarded": True,
                                    "consents": [consent],
                                    "profile": profile.model_dump(mode="json"),
                                },
                            }
                        )
                        records.append(
                            CandidateRecord(
                                user_key=key,
                                lang="en",
                                profile=profile,
                                onboarded=True,
                                messages_allowed=True,
                                channel=Channel.TELEGRAM,
                                chat_id=chat,
                                reachable=True,
                            )
                        )
                        families.append(role_of(profile.roles[0]))
                    await UserDoc.collection().insert_many(users)
                    await ConversationDoc.collection().insert_many(states)
                    people = [candidate_of(r, matches.places, matches.taxonomy) for r in records]
                    vectors = directions.near(families)
                    await runtime.index.upsert_candidates(list(zip(people, vectors, strict=True)))
            jobs = [whole_job(rng, n) for n in range(arguments.whole_jobs + 1)]
            job_vectors = directions.near([0] * len(jobs))
            texts = {job_text(job.posting): job_vectors[n] for n, job in enumerate(jobs)}
            matches.embedder = StandIn(runtime.index.model_id, texts, directions.dimension)
            for job in jobs:
                await runtime.admin.jobs.insert(job, f"bench:{job.id}", "bench")
            settle_memory()
            print(
                f"\nWhole path at {count:,} candidates ({eligible:,} eligible, {share:.0%}):"
                f" set-up {seeding[0]:.1f} s (MongoDB profiles and the edge index);"
                f" floor {arguments.floor}, pages of {arguments.page_size:,}"
            )
            await matches.job_approved(jobs[0].id)  # warm-up
            times: list[float] = []
            queued: list[int] = []
            matched: list[int] = []
            for job in jobs[1:]:
                with stopwatch() as took:
                    matched.append(await matches.job_approved(job.id))
                times += took
                queued.append(
                    await OutboxDoc.collection().count_documents(
                        {"job_id": job.id, "kind": "alert"}
                    )
                )
            print(f"  {'':<60}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
            latency_row("job approved -> every fitting instant alert queued", times)
            p99 = percentile(times, 0.99)
            row("p99", f"{p99:.2f} s", f"<= {WHOLE_GOAL} s", p99 <= WHOLE_GOAL)
            row(
                "alerts queued per job: min / max (eligible)",
                f"{min(queued):,} / {max(queued):,} ({eligible:,})",
                "= eligible",
                min(queued) == max(queued) == eligible,
            )
            row("matches recorded per job: min / max", f"{min(matched):,} / {max(matched):,}")
            row(
                "memory: process resident / peak",
                f"{rss_mb():,.0f} / {peak_rss_mb():,.0f} MB",
            )
        finally:
            await runtime.stop()


def embed_all(embedder: OnnxEmbedder, texts: Sequence[str], chunk: int = 2_000) -> Vectors:
    """Embedded in chunks, as rebuild does, so one sort by length never spans everything."""
    parts = [embedder.embed(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dimension), dtype=np.float32)


def bench_embedding(embedder: OnnxEmbedder, name: str, texts: Sequence[str], repeats: int) -> None:
    session, tokenizer = embedder.load()
    encodings = tokenizer.encode_batch_fast(list(texts))
    tokens = statistics.fmean(len(e.ids) for e in encodings)
    size = embedder.batch_size
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    sorted_batches = [
        pad_batch([encodings[i] for i in order[start : start + size]])
        for start in range(0, len(order), size)
    ]
    plain_batches = [pad_batch(encodings[s : s + size]) for s in range(0, len(encodings), size)]
    timings: dict[str, list[float]] = {"ours": [], "raw": [], "raw-unsorted": []}
    for _ in range(repeats):  # interleaved, so a slow moment hits all three alike
        with stopwatch() as took:
            embedder.embed(texts)
        timings["ours"] += took
        with stopwatch() as took:
            for batch in sorted_batches:
                session.run(["last_hidden_state"], batch)
        timings["raw"] += took
        with stopwatch() as took:
            for batch in plain_batches:
                session.run(["last_hidden_state"], batch)
        timings["raw-unsorted"] += took
    # The best run: what the code costs when nothing else wants the CPU at that moment.
    rates = {kind: len(texts) / min(runs) for kind, runs in timings.items()}
    print(
        f"\nEmbedding {len(texts):,} {name} ({tokens:.0f} word pieces on average), batches of"
        f" {size}, {embedder.threads} ONNX Runtime threads; best of {repeats} runs"
    )
    row("raw session.run, pre-tokenized, sorted batches (baseline)", f"{rates['raw']:,.0f} texts/s")
    row(
        "  the same batches in input order (no length sort)",
        f"{rates['raw-unsorted']:,.0f} texts/s",
    )
    row("OnnxEmbedder.embed (tokenize, pad, run, pool, normalize)", f"{rates['ours']:,.0f} texts/s")
    overhead = 1 - rates["ours"] / rates["raw"]
    row("  our overhead over raw ONNX Runtime", f"{overhead:.1%} of the time")


async def main(arguments: argparse.Namespace) -> None:
    started = time.perf_counter()
    if arguments.quick:
        arguments.candidates, arguments.million, arguments.new_jobs = 10_000, 0, 30
        arguments.whole_candidates = 10_000
    print(
        f"Matching benchmark: Python {platform.python_version()}, {os.cpu_count()} CPU cores,"
        f" qdrant-edge-py {metadata.version('qdrant-edge-py')}, numpy {np.__version__}"
    )
    directions = Directions(arguments.seed, 384, arguments.noise)
    rng = random.Random(arguments.seed)
    new_jobs = [make_job(rng, 900_000 + n) for n in range(arguments.new_jobs)]
    job_vectors = directions.near([role_of(j.posting.title) for j in new_jobs])
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as folder:
        if arguments.candidates:
            await scale(
                "100k" if arguments.candidates == 100_000 else f"{arguments.candidates:,}",
                Path(folder),
                arguments.candidates,
                arguments,
                directions,
                new_jobs,
                job_vectors,
            )
        if arguments.million:
            await scale(
                "1M" if arguments.million == 1_000_000 else f"{arguments.million:,}",
                Path(folder),
                arguments.million,
                arguments,
                directions,
                new_jobs[: arguments.million_jobs],
                job_vectors[: arguments.million_jobs],
            )
    if arguments.whole_candidates:
        await bench_whole(arguments)
    if arguments.embed:
        settings = MatchingSettings()
        embedder = OnnxEmbedder(batch_size=settings.embed_batch_size, threads=arguments.threads)
        rng = random.Random(arguments.seed)
        sample = arguments.embed_sample
        job_texts = [job_text(make_job(rng, n).posting) for n in range(sample)]
        candidate_texts = [candidate_text(make_candidate(rng, n)) for n in range(sample)]
        bench_embedding(embedder, "job texts", job_texts, arguments.repeats)
        bench_embedding(embedder, "candidate texts", candidate_texts, arguments.repeats)
    print(f"\nwhole run: {time.perf_counter() - started:.1f} s on {os.cpu_count()} CPU cores")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10k candidates, no 1M: < 1 min")
    parser.add_argument("--candidates", type=int, default=100_000, help="first index")
    parser.add_argument("--million", type=int, default=1_000_000, help="second index; 0: none")
    parser.add_argument("--new-jobs", type=int, default=200, help="jobs looking for candidates")
    parser.add_argument("--million-jobs", type=int, default=50, help="of those, asked at 1M")
    parser.add_argument("--floor", type=float, default=0.5, help="similarity floor")
    parser.add_argument("--page-size", type=int, default=1_000, help="candidates per page")
    parser.add_argument("--noise", type=float, default=1.0, help="spread around a role")
    parser.add_argument("--optimize", action="store_true", help="build HNSW before querying")
    parser.add_argument(
        "--whole-candidates", type=int, default=100_000, help="whole path's profiles; 0: none"
    )
    parser.add_argument("--eligible", type=float, default=0.05, help="share fitting each job")
    parser.add_argument("--whole-jobs", type=int, default=20, help="jobs approved, timed")
    parser.add_argument("--whole-noise", type=float, default=0.5, help="spread, whole path")
    parser.add_argument("--embed", action="store_true", help="also embedding throughput")
    parser.add_argument("--embed-sample", type=int, default=500, help="texts per throughput run")
    parser.add_argument("--repeats", type=int, default=5, help="throughput runs of each kind")
    parser.add_argument("--threads", type=int, default=None, help="ONNX Runtime threads")
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(main(parser.parse_args()))
