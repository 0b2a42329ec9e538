"""Matching: how fast a new job finds its candidates, and what embedding costs.

Jobs and candidates are generated from templates with a fixed seed (tech and non-tech roles,
skills, twenty cities in fourteen countries, work modes, seniority, salaries in four currencies
and three periods), embedded with OnnxEmbedder and loaded into qdrant-client's local mode in a
temporary folder through VectorIndex. Then, each next to a baseline from the same run:

1. Candidates for a new job: ``VectorIndex.candidates_for_job`` for new jobs (p50/p99), against
   an exact numpy search over the same candidate vectors with the same filters applied in numpy;
   recall@10 of the index's top 10 against the exact top 10.
2. Embedding throughput: ``OnnxEmbedder.embed`` against raw ONNX Runtime on the same texts
   (tokenized beforehand, padded batches straight into ``session.run``), so the gap is our
   overhead: tokenization, padding, pooling and normalization.

    .venv/bin/python -m bench.matching                             # 20,000 jobs, 5,000 people
    .venv/bin/python -m bench.matching --jobs 2000 --candidates 500  # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata
from typing import Any

import numpy as np
import numpy.typing as npt
from qdrant_client import AsyncQdrantClient

from core.domain import EmploymentType, Frequency, SalaryFloor, Seniority, WorkMode
from core.jobs import Extraction, JobPosting, Location, Salary, SalaryPeriod, SourceKind
from core.matches import Candidate, JobForMatching
from core.settings import MatchingSettings
from matching.embed import OnnxEmbedder, Vectors, pad_batch
from matching.index import VectorIndex
from matching.money import floor_eur, range_eur
from matching.text import candidate_text, job_text
from webhooks.runtime import settle_memory

TODAY = date(2026, 11, 16)
RECALL_GOAL = 0.99  # local mode searches exactly; a server's HNSW may lose a little
TOP = 10

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

    def search(self, posting: JobPosting, vector: Vectors, top: int) -> tuple[list[str], Any]:
        """The exact top ``top`` keys and every candidate's score (-inf where filtered out)."""
        scores = np.where(self.mask(posting), self.vectors @ vector, -np.inf)
        best = np.argsort(-scores, kind="stable")[:top]
        return [self.keys[i] for i in best if np.isfinite(scores[i])], scores


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


def embed_all(embedder: OnnxEmbedder, texts: Sequence[str], chunk: int = 2_000) -> Vectors:
    """Embedded in chunks, as rebuild does, so one sort by length never spans everything."""
    parts = [embedder.embed(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dimension), dtype=np.float32)


async def bench_candidates_for_job(
    index: VectorIndex,
    exact: ExactCandidates,
    new_jobs: Sequence[JobForMatching],
    vectors: Vectors,
    limit: int,
) -> None:
    for warm_up in range(min(5, len(new_jobs))):
        await index.candidates_for_job(new_jobs[warm_up], vectors[warm_up], limit)
    numpy_times: list[float] = []
    index_times: list[float] = []
    top_times: list[float] = []
    recalls: list[float] = []
    passing: list[int] = []
    for job, vector in zip(new_jobs, vectors, strict=True):
        with stopwatch() as took:
            expected, scores = exact.search(job.posting, vector, TOP)
        numpy_times += took
        with stopwatch() as took:
            found = await index.candidates_for_job(job, vector, limit)
        index_times += took
        with stopwatch() as took:
            await index.candidates_for_job(job, vector, TOP)
        top_times += took
        passing.append(len(found))
        if expected:
            # A returned candidate counts if the exact search scores it at least as high as its
            # own 10th best (identical profiles embed identically, so ties are common).
            floor = scores[exact.position[expected[-1]]] - 1e-5
            hits = sum(scores[exact.position[key]] >= floor for key, _ in found[:TOP])
            recalls.append(hits / len(expected))
    print(
        f"\nCandidates for a new job: {len(new_jobs)} new jobs against {len(exact.keys):,}"
        f" candidates, pre-filtered, limit {limit:,} (MatchingSettings.max_candidates_per_job)"
    )
    print(f"  {'':<60}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    latency_row("exact numpy search, same filters (baseline)", numpy_times)
    latency_row(f"VectorIndex.candidates_for_job, limit {limit:,}", index_times)
    latency_row(f"VectorIndex.candidates_for_job, limit {TOP}", top_times)
    ratio = statistics.median(index_times) / statistics.median(numpy_times)
    row(f"index / exact numpy, p50, limit {limit:,}", f"{ratio:,.1f}x")
    recall = statistics.fmean(recalls) if recalls else float("nan")
    row(
        f"recall@{TOP} against the exact search ({len(recalls)} jobs)",
        f"{recall:.4f}",
        f">= {RECALL_GOAL}",
        recall >= RECALL_GOAL,
    )
    share = statistics.fmean(passing) / max(1, len(exact.keys))
    row(
        "candidates through the pre-filter: mean (share)",
        f"{statistics.fmean(passing):,.0f} ({share:.1%})",
    )
    row("  p50 / max", f"{percentile(passing, 0.5):,} / {max(passing):,}")


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
    settings = MatchingSettings()
    limit = arguments.limit or settings.max_candidates_per_job
    embedder = OnnxEmbedder(batch_size=settings.embed_batch_size, threads=arguments.threads)
    with stopwatch() as generating:
        rng = random.Random(arguments.seed)
        jobs = [make_job(rng, n) for n in range(arguments.jobs)]
        candidates = [make_candidate(rng, n) for n in range(arguments.candidates)]
        new_jobs = [make_job(rng, 900_000 + n) for n in range(arguments.new_jobs)]
        job_texts = [job_text(j.posting) for j in jobs]
        candidate_texts = [candidate_text(c) for c in candidates]
    print(
        f"Matching benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs,"
        f" onnxruntime {metadata.version('onnxruntime')} ({embedder.threads} threads),"
        f" qdrant-client {metadata.version('qdrant-client')} local mode"
    )
    print(
        f"  set-up: {len(jobs):,} jobs, {len(candidates):,} candidates and {len(new_jobs)} new"
        f" jobs generated in {generating[0]:.1f} s (seed {arguments.seed})"
    )
    with stopwatch() as loading:
        embedder.load()
    with stopwatch() as embedding:
        job_vectors = embed_all(embedder, job_texts)
        candidate_vectors = embed_all(embedder, candidate_texts)
    texts = len(job_texts) + len(candidate_texts)
    print(
        f"  set-up: embedding {texts:,} texts took {embedding[0]:.1f} s"
        f" ({texts / embedding[0]:,.0f} texts/s; loading the model {loading[0]:.2f} s)"
    )
    new_vectors = embedder.embed([job_text(j.posting) for j in new_jobs])
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as folder:
        client = AsyncQdrantClient(path=folder)
        try:
            index = VectorIndex.for_embedder(client, embedder)
            await index.ensure()
            with stopwatch() as storing:
                chunk = 1_000
                for start in range(0, len(jobs), chunk):
                    part = range(start, min(start + chunk, len(jobs)))
                    await index.upsert_jobs([(jobs[i], "approved", job_vectors[i]) for i in part])
                await index.upsert_candidates(list(zip(candidates, candidate_vectors, strict=True)))
            print(
                f"  set-up: storing {texts:,} points in Qdrant local mode took {storing[0]:.1f} s"
            )
            settle_memory()  # as a worker does after start-up
            exact = ExactCandidates(candidates, candidate_vectors)
            await bench_candidates_for_job(index, exact, new_jobs, new_vectors, limit)
        finally:
            await client.close()
    sample = arguments.embed_sample
    bench_embedding(embedder, "job texts", job_texts[:sample], arguments.repeats)
    bench_embedding(embedder, "candidate texts", candidate_texts[:sample], arguments.repeats)
    print(f"\nwhole run: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs in the index")
    parser.add_argument("--candidates", type=int, default=5_000, help="candidates in the index")
    parser.add_argument("--new-jobs", type=int, default=200, help="jobs looking for candidates")
    parser.add_argument("--limit", type=int, default=0, help="default: max_candidates_per_job")
    parser.add_argument("--embed-sample", type=int, default=500, help="texts per throughput run")
    parser.add_argument("--repeats", type=int, default=5, help="throughput runs of each kind")
    parser.add_argument("--threads", type=int, default=None, help="ONNX Runtime threads")
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(main(parser.parse_args()))
