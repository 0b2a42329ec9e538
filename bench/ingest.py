"""Ingestion throughput, and what an unchanged re-crawl saves over a naive one.

Five measurements in one run, each next to a baseline from the same run:

1. ATS JSON: Greenhouse- and Lever-shaped board replies, generated from templates (varied titles,
   locations, salaries and HTML descriptions, every description unique so normalize's
   description cache never hits): parse alone, then parse + normalize.
2. JSON-LD career pages, generated in five shapes: extract_structured alone, then + normalize.
3. JavaScript-built job pages from a CareerSite on loopback, rendered in Debian's Chromium
   through PageRenderer; the baseline is a plain HTTP fetch of the same pages.
4. An unchanged re-crawl of a CareerSite (career pages with ETags and a Greenhouse-shaped board)
   through Collector.collect: with the stored validators (304, nothing parsed) against a naive
   re-crawl that fetches, parses and normalizes everything again; medians of interleaved runs.
5. Career pages without structured data (issue 14): field accuracy of the labelled sites in
   tests/fixtures/pages/labelled (heuristics alone, detail pages followed, the script-built
   site rendered) and of the schema.org fixtures; then the detail fetches' politeness at a
   real per-host delay (requests in flight, gaps between request starts).

The career site runs in this process, so CPU time (time.process_time) includes serving it;
Chromium's own CPU time is not included.

    .venv/bin/python -m bench.ingest
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from core.jobs import JobPosting, RawPosting, Source, SourceKind, Validators
from core.logging import configure_logging
from core.settings import CrawlSettings
from core.skills import SkillTaxonomy
from crawlers import normalize as normalize_module
from crawlers.accuracy import Score, score, score_sites, total
from crawlers.crawl import Collector
from crawlers.fetch import HttpFetcher
from crawlers.normalize import Dropped, description_markdown, normalize
from crawlers.render import PageRenderer
from crawlers.sources.ats import SOURCES
from crawlers.sources.base import AtsSource, FetchRequest
from crawlers.sources.page import extract_structured
from tests.fakes.career_site import LABELLED, CareerSite, serve_labelled
from webhooks.runtime import settle_memory

TODAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ATS_GOAL = 1_000.0  # postings/s
PAGE_GOAL = 200.0  # pages/s
RECRAWL_GOAL = 10.0  # times cheaper than the naive re-crawl
PLAIN_GOAL = 0.90  # field accuracy on pages without structured data, heuristics alone
STRUCTURED_GOAL = 0.98  # field accuracy on schema.org pages
BOARD_SIZE = 100  # postings per generated board reply

# --- templates ---------------------------------------------------------------------------------

COMPANIES = ["Acme Robotics", "Globex", "Initech GmbH", "Umbrella Health", "Hooli", "Vandelay"]
ROLES = [
    "Backend Engineer", "Data Engineer", "Product Manager", "Registered Nurse (ICU)",
    "Sales Manager DACH", "Frontend Developer (React)", "Site Reliability Engineer",
    "Customer Support Specialist", "Warehouse Operator", "Softwareentwickler (m/w/d) Backend",
    "Ingeniera de Datos", "Marketing Lead", "QA Tester", "Machine Learning Engineer",
    "Account Executive", "HR Business Partner", "Financial Analyst", "DevOps Engineer",
    "UX Designer", "Office Coordinator", "Pflegefachkraft (m/w/d)", "Mobile Developer (iOS)",
]  # fmt: skip
LEVELS = ["", "", "Senior ", "Junior ", "Lead ", "Staff ", "Principal "]
SUFFIXES = ["", "", "", ", Payments", " - Platform", " (Remote)", " – Berlin", ", EMEA"]
LOCATIONS = [
    "Berlin, Germany", "München", "London, United Kingdom", "New York, NY", "San Francisco, CA",
    "Remote - EU", "Amsterdam, Netherlands", "Madrid, Spain", "Toronto, ON", "Paris, France",
    "Lisbon, Portugal", "Remote - US", "Hamburg", "Dublin, Ireland", "Zürich, Switzerland",
    "Barcelona", "Austin, TX", "Vienna, Austria", "Warsaw, Poland", "Stockholm, Sweden",
]  # fmt: skip
COUNTRIES = {"Germany": "DE", "United Kingdom": "GB", "NY": "US", "CA": "US", "TX": "US"}
DEPARTMENTS = ["Engineering", "Data", "Product", "Sales", "Operations", "People", "Finance"]
SKILLS = [
    "Python", "PostgreSQL", "Kafka", "Kubernetes", "React", "TypeScript", "AWS", "Terraform",
    "Go", "Rust", "Docker", "Spark", "Airflow", "dbt", "Java", "Kotlin", "Swift", "SQL", "Figma",
    "Salesforce", "Excel", "GraphQL", "Redis", "Linux",
]  # fmt: skip
SALARIES: list[tuple[float, float, str, str] | None] = [
    (70_000, 90_000, "EUR", "year"), (85_000, 110_000, "EUR", "year"),
    (120_000, 160_000, "USD", "year"), (55_000, 65_000, "GBP", "year"),
    (3_800, 4_600, "EUR", "month"), (42.5, 55, "USD", "hour"), None, None,
]  # fmt: skip
EMPLOYMENT = ["Full-time", "Part-time", "Contract", "Internship", "Full-time", "Full-time"]
WORKPLACE = ["Hybrid", "Remote", "On-site", "Hybrid"]
INTROS = [
    "Our {dept} team moves &euro;2bn a year through infrastructure we build ourselves.",
    "We are a team of {size} people in {city} building tools that {company} customers use daily.",
    "Wir suchen Verstärkung für unser Team in {city}: du arbeitest mit uns an {skill}.",
    "Buscamos una persona para nuestro equipo de {dept} en {city} con experiencia en {skill}.",
    "Join {company} and help us ship the next version of our {skill} platform.",
]
DUTIES = [
    "Own the {skill} services end to end, from the first design document to running them in"
    " production, including the on-call rotation that comes with them",
    "Work with product and design on <strong>weekly</strong> releases, and help decide what goes"
    " into each one and what waits",
    "Mentor colleagues, review their code with care, and make our onboarding a little better"
    " for every person who joins after you",
    "Keep our {skill} pipelines fast, cheap and observable, so that the {dept} team can trust"
    " the numbers it reports every morning",
    "Talk to customers every week and turn what you hear into roadmap items, experiments and"
    " the occasional quick fix",
    "Plan shifts and keep the {dept} team in {city} running smoothly during our busiest months"
    " of the year",
    "Write the design documents that the rest of {company} builds on, and keep them up to date"
    " when reality disagrees with them",
    "Take part in a fair on-call rotation (one week in eight, with a day off after every"
    " night that got interrupted)",
    "Improve how we test, deploy and monitor {skill}, from unit tests to the dashboards we"
    " look at during incidents",
    "Report on the numbers that matter to the {dept} leadership every month, and explain"
    " what changed and why",
    "Run workshops for new colleagues in {city} and online, and keep the material current",
    "Help choose which problems we <em>do not</em> solve this quarter, and say so early",
]
NICE = [
    "Experience with {skill} in a production setting, ideally at a company of our size",
    "German or Spanish at a professional level: many of our customers prefer it",
    "A public portfolio, blog or GitHub profile that shows how you work",
]
BENEFITS = [
    "30 days of paid holiday, plus your birthday off",
    "A learning budget of &euro;1,500 a year for books, courses and conferences",
    "Flexible hours: we care about results, not about when you start your day",
    "A public transport ticket for the whole region, or a parking space if you need one",
    "A company pension scheme with a 50% employer contribution",
    "Home-office equipment of your choice up to &euro;1,000",
    "Private health insurance for you and your family",
    "Four weeks a year working from anywhere in the EU",
    "Sixteen weeks of fully paid parental leave, for every parent",
    "Bike leasing and a gym membership subsidy",
    "Team off-sites twice a year, somewhere nice",
    "Confidential mental-health support through an external provider",
]
ABOUT = [
    "{company} was founded in 2014 and today serves more than 4,000 customers in 30 countries."
    " We are profitable, independent and growing at a steady pace, which means we can invest in"
    " doing things properly instead of chasing the next funding round.",
    "Our offices in {city}, Lisbon and Toronto are open to everyone, and most teams meet in"
    " person two days a week. The rest of the time you decide where you work best, and we"
    " provide the equipment to make that work.",
    "We believe that small teams with clear goals and real ownership build better products."
    " That is why every team at {company} runs its own services and talks to its own customers.",
    "The {dept} group is {size} people today and will grow to about twice that over the next"
    " two years. You would be one of the people shaping how it works.",
]
STEPS = [
    "A 30-minute call with our recruiter", "A conversation with your future manager",
    "A practical exercise (paid, at most three hours)", "Meet the team in {city} or online",
    "References and an offer within a week",
]  # fmt: skip


def title_of(rng: random.Random) -> str:
    return f"{rng.choice(LEVELS)}{rng.choice(ROLES)}{rng.choice(SUFFIXES)}"


def description_html(rng: random.Random, number: int, company: str, city: str) -> str:
    """1.5-5 kB of HTML in varied sections; ``number`` makes every description unique.

    A third are "pasted from a word processor": every text wrapped in a styled ``<span>``, as
    many real boards are, which doubles the elements to convert.
    """
    dept, skills = rng.choice(DEPARTMENTS), rng.sample(SKILLS, 8)
    values = {"dept": dept, "city": city, "company": company, "skill": skills[0]}
    values["size"] = str(rng.randint(4, 80))
    pasted = rng.random() < 1 / 3

    def span(text: str) -> str:
        return f'<span style="font-weight: 400;">{text}</span>' if pasted else text

    def items(templates: Sequence[str], low: int, high: int) -> str:
        chosen = rng.sample(templates, rng.randint(low, min(high, len(templates))))
        return "".join(
            f"<li>{span(item.format(**values | {'skill': rng.choice(skills)}))}</li>"
            for item in chosen
        )

    wanted = "".join(
        f"<li>{span(f'{rng.randint(2, 8)}+ years of {skill}')}</li>"
        for skill in skills[: rng.randint(3, 7)]
    )
    sections = [
        f"<h2><strong>About the role</strong></h2><p>{span(rng.choice(INTROS).format(**values))}"
        f" Requisition R-{number:06d}: you would join a {dept} group of {values['size']} people"
        f" in {city}, working closely with {rng.choice(DEPARTMENTS)} and"
        f" {rng.choice(DEPARTMENTS)}.</p>",
        f"<h3>What you will do</h3><ul>{items(DUTIES, 4, 9)}</ul>",
        f"<h3>What you bring</h3><ul>{wanted}</ul>",
    ]
    if rng.random() < 0.5:
        sections.append(f"<h3>Nice to have</h3><ul>{items(NICE, 1, 3)}</ul>")
    sections.append(f"<h3>Benefits</h3><ul>{items(BENEFITS, 4, 9)}</ul>")
    salary = rng.choice(SALARIES)
    if salary is not None and rng.random() < 0.3:
        sections.append(
            f"<p>Salary: {salary[2]} {salary[0]:,.0f}&nbsp;&ndash;&nbsp;{salary[1]:,.0f}"
            f" per {salary[3]}</p>"
        )
    if rng.random() < 0.7:
        about = "".join(
            f"<p>{span(p.format(**values))}</p>" for p in rng.sample(ABOUT, rng.randint(1, 4))
        )
        sections.append(f"<h3>About {company}</h3>{about}")
    if rng.random() < 0.4:
        sections.append(f"<h3>How we hire</h3><ol>{items(STEPS, 3, 5)}</ol>")
    sections.append(
        f"<p>Read <a href='https://{company.split()[0].lower()}.example/blog/{number}'>how we"
        f" work</a> before you apply.</p><p><em>{company} is an equal opportunity"
        " employer.</em>&nbsp;We welcome applications from people of every background, and we"
        " adapt the interview process on request.</p>"
    )
    return "".join(sections)


def greenhouse_job(rng: random.Random, number: int, board: str) -> dict[str, Any]:
    company, location = rng.choice(COMPANIES), rng.choice(LOCATIONS)
    city = location.split(",")[0]
    job_id = 4_800_000_000 + number
    salary = rng.choice(SALARIES)
    metadata = [
        {
            "id": 1,
            "name": "Employment Type",
            "value": rng.choice(EMPLOYMENT),
            "value_type": "single_select",
        },
        {
            "id": 2,
            "name": "Workplace Type",
            "value": rng.choice(WORKPLACE),
            "value_type": "single_select",
        },
        {
            "id": 3,
            "name": "Cost Center",
            "value": f"{rng.randint(1000, 9999)}",
            "value_type": "short_text",
        },
    ]
    pay = (
        [
            {
                "min_cents": int(salary[0] * 100),
                "max_cents": int(salary[1] * 100),
                "currency_type": salary[2],
                "title": "Base salary",
                "blurb": "",
            }
        ]
        if salary is not None and salary[3] == "year"
        else []
    )
    return {
        "absolute_url": f"https://job-boards.greenhouse.io/{board}/jobs/{job_id}",
        "internal_job_id": job_id - 400_000_000,
        "location": {"name": location},
        "metadata": metadata if rng.random() < 0.7 else None,
        "id": job_id,
        "updated_at": f"2026-10-{rng.randint(1, 28):02d}T09:41:17-04:00",
        "requisition_id": f"R-{number:06d}",
        "title": title_of(rng),
        "company_name": company,
        "first_published": f"2026-09-{rng.randint(1, 28):02d}T10:12:44-04:00",
        "language": "en",
        # Greenhouse escapes the description's HTML once more.
        "content": html.escape(description_html(rng, number, company, city)),
        "departments": [{"id": 40 + number % 7, "name": rng.choice(DEPARTMENTS)}],
        "offices": [{"id": 30, "name": city, "location": location}],
        "pay_input_ranges": pay,
    }


def lever_posting(rng: random.Random, number: int) -> dict[str, Any]:
    company, location = rng.choice(COMPANIES), rng.choice(LOCATIONS)
    city = location.split(",")[0]
    body = description_html(rng, number, company, city)
    intro, _, rest = body.partition("<h3>What you bring</h3>")
    wanted, _, closing = rest.partition("</ul>")
    salary = rng.choice(SALARIES)
    posting_id = f"{rng.getrandbits(32):08x}-{number:04x}-4f7a-9e21-{rng.getrandbits(48):012x}"
    return {
        "id": posting_id,
        "text": title_of(rng),
        "categories": {
            "commitment": rng.choice(EMPLOYMENT),
            "department": rng.choice(DEPARTMENTS),
            "location": location,
            "team": rng.choice(DEPARTMENTS),
            "allLocations": [location, *rng.sample(LOCATIONS, rng.randint(0, 2))],
        },
        "createdAt": int(datetime(2026, 9, 1, tzinfo=UTC).timestamp() * 1000) + number * 60_000,
        "description": intro,
        "descriptionPlain": "",
        "lists": [{"text": "What you bring", "content": wanted.removeprefix("<ul>")}],
        "additional": closing,
        "additionalPlain": "",
        "country": COUNTRIES.get(location.rsplit(", ", 1)[-1]),
        "workplaceType": rng.choice(["hybrid", "remote", "onsite", "unspecified"]),
        "salaryRange": None
        if salary is None
        else {
            "currency": salary[2],
            "interval": f"per-{salary[3]}-salary",
            "min": salary[0],
            "max": salary[1],
        },
        "salaryDescriptionPlain": "Plus equity and benefits." if rng.random() < 0.3 else "",
        "hostedUrl": f"https://jobs.lever.co/acme/{posting_id}",
        "applyUrl": f"https://jobs.lever.co/acme/{posting_id}/apply",
    }


def greenhouse_boards(postings: int, seed: int) -> list[tuple[FetchRequest, bytes]]:
    """Board replies of BOARD_SIZE postings each, with the requests that asked for them."""
    rng = random.Random(seed)
    replies = []
    for first in range(0, postings, BOARD_SIZE):
        board = f"board{seed}x{first}"
        (request,) = SOURCES[SourceKind.GREENHOUSE].start(board)
        jobs = [
            greenhouse_job(rng, n, board) for n in range(first, min(first + BOARD_SIZE, postings))
        ]
        replies.append((request, json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}).encode()))
    return replies


def lever_sites(postings: int, seed: int) -> list[tuple[FetchRequest, bytes]]:
    rng = random.Random(seed)
    replies = []
    for first in range(0, postings, BOARD_SIZE):
        (request,) = SOURCES[SourceKind.LEVER].start(f"site{seed}x{first}")
        numbers = range(first, min(first + BOARD_SIZE, postings))
        replies.append((request, json.dumps([lever_posting(rng, n) for n in numbers]).encode()))
    return replies


# --- career pages ------------------------------------------------------------------------------


def job_posting_ld(rng: random.Random, number: int, shape: int) -> dict[str, Any]:
    """One schema.org JobPosting; ``shape`` picks how the location, salary and text are given."""
    company, location = rng.choice(COMPANIES), rng.choice(LOCATIONS)
    city, _, country = location.partition(", ")
    salary = rng.choice(SALARIES)
    node: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": title_of(rng),
        "description": description_html(rng, number, company, city),
        "identifier": {"@type": "PropertyValue", "name": company, "value": f"JP-{number}"},
        "datePosted": f"2026-10-{rng.randint(1, 28):02d}",
        "validThrough": f"2027-0{rng.randint(1, 3)}-01T00:00",
        "employmentType": rng.choice(["FULL_TIME", "PART_TIME", "CONTRACTOR", "INTERN"]),
        "hiringOrganization": {"@type": "Organization", "name": company},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressCountry": COUNTRIES.get(country, country or "DE"),
            },
        },
        "url": f"/careers/jobs/{number}",
    }
    if salary is not None:
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": salary[2],
            "value": {
                "@type": "QuantitativeValue",
                "minValue": salary[0],
                "maxValue": salary[1],
                "unitText": salary[3].upper(),
            },
        }
    if shape == 1:  # remote, hourly, applicants from a few countries, plain-text description
        node["jobLocationType"] = "TELECOMMUTE"
        node["applicantLocationRequirements"] = [
            {"@type": "Country", "name": name} for name in ("USA", "Canada", "Germany")
        ]
        node["description"] = f"Help customers succeed with {rng.choice(SKILLS)} (#{number})."
    elif shape == 2:  # German: escaped HTML, numbers as strings, a country object
        node["inLanguage"] = "de-DE"
        node["description"] = html.escape(node["description"])
        node["jobLocation"]["address"]["addressCountry"] = {"@type": "Country", "name": "DE"}
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "minValue": "3.800",
            "maxValue": "4.600",
            "unitText": "MONTH",
        }
    return node


def career_page(rng: random.Random, number: int) -> str:
    """A career page of 25-80 kB: site chrome, the posting as text, a framework's inline state
    and JSON-LD in five shapes (one posting, remote, German, an @graph, a list)."""
    shape = number % 5
    company = rng.choice(COMPANIES)
    if shape == 3:  # an @graph with the organisation referenced by @id
        postings = [job_posting_ld(rng, number * 10 + k, 0) for k in range(2)]
        for posting in postings:
            del posting["@context"]
            posting["hiringOrganization"] = {"@id": "https://example.com/#org"}
        document: Any = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "@id": "https://example.com/#org", "name": company},
                *postings,
            ],
        }
    elif shape == 4:  # a list of postings on one page
        document = [job_posting_ld(rng, number * 10 + k, 0) for k in range(rng.randint(2, 4))]
    else:
        document = job_posting_ld(rng, number * 10, shape)
    first = document["@graph"][1] if shape == 3 else document[0] if shape == 4 else document
    nav = "".join(
        f"<li><a href='/{section}/{k}'>{section.title()} {k}</a></li>"
        for section in ("about", "teams", "blog", "locations")
        for k in range(10)
    )
    others = "".join(
        f"<li class='job-card'><a href='/careers/jobs/{number}-{k}'>{title_of(rng)}</a>"
        f"<span class='location'>{rng.choice(LOCATIONS)}</span></li>"
        for k in range(rng.randint(25, 60))
    )
    style = "".join(f".c{k}{{margin:{k}px;padding:{k % 7}px;color:#{k:06x}}}" for k in range(120))
    teasers = [
        {"id": f"{number}-{k}", "title": title_of(rng), "team": rng.choice(DEPARTMENTS)}
        for k in range(rng.randint(100, 600))
    ]
    state = json.dumps({"props": {"pageProps": {"company": company, "teasers": teasers}}})
    footer = "".join(f"<a href='/legal/{k}'>Legal notice {k}</a>" for k in range(40))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(first['title'])} – {company}</title>"
        f"<meta property='og:site_name' content='{company}'><style>{style}</style>"
        f"<script id='__NEXT_DATA__' type='application/json'>{state}</script>"
        f"<script type='application/ld+json'>{json.dumps(document, ensure_ascii=False)}</script>"
        f"</head><body><header><nav><ul>{nav}</ul></nav></header><main>"
        f"<h1>{html.escape(first['title'])}</h1><article>{html.unescape(first['description'])}"
        f"</article><section><h2>More open roles</h2><ul>{others}</ul></section></main>"
        f"<footer><p>© 2026 {company}</p>{footer}</footer></body></html>"
    )


RENDERED_SHELL = """<!DOCTYPE html><html><head><meta charset='utf-8'><title>Careers</title></head>
<body><h1>Open positions</h1><ul id='jobs'></ul>
<script>
fetch('/api/render/{number}.json')
  .then((response) => response.json())
  .then((postings) => {{
    const data = document.createElement('script');
    data.type = 'application/ld+json';
    data.textContent = JSON.stringify(postings);
    document.head.appendChild(data);
    const list = document.getElementById('jobs');
    for (const posting of postings) {{
      const item = document.createElement('li');
      item.innerHTML = `<a href="${{posting.url}}">${{posting.title}}</a>` + posting.description;
      list.appendChild(item);
    }}
  }});
</script></body></html>"""


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0


@contextlib.contextmanager
def timed() -> Iterator[Timing]:
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    yield timing
    timing.wall = time.perf_counter() - wall
    timing.cpu = time.process_time() - cpu


def row(what: str, figure: str, goal: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else "met" if met else "NOT met"
    print(f"  {what:<50} {figure:>20}  {goal:>12}  {verdict}")


def section(title: str) -> None:
    print(f"\n{title}")


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def normalize_all(raws: Sequence[RawPosting], taxonomy: SkillTaxonomy) -> tuple[int, int]:
    """Normalized and dropped counts."""
    kept = dropped = 0
    for raw in raws:
        if isinstance(normalize(raw, today=TODAY, taxonomy=taxonomy), Dropped):
            dropped += 1
        else:
            kept += 1
    return kept, dropped


def bench_ats(
    name: str, api: AtsSource, replies: list[tuple[FetchRequest, bytes]], taxonomy: SkillTaxonomy
) -> None:
    size = sum(len(body) for _, body in replies)
    with timed() as parse_only:
        count = sum(len(api.parse(request, body).postings) for request, body in replies)
    with timed() as full:
        raws = [p for request, body in replies for p in api.parse(request, body).postings]
        kept, dropped = normalize_all(raws, taxonomy)
    descriptions = [(raw.description_html, raw.description_text) for raw in raws]
    normalize_module._converted.cache_clear()  # these were just converted: start cold again
    with timed() as converting:
        for description_html, description_text in descriptions:
            description_markdown(description_html, description_text)
    described = statistics.mean(len(raw.description_html or "") for raw in raws)
    section(
        f"ATS JSON, {name}: {count:,} postings, replies of {BOARD_SIZE} postings"
        f" ({size / len(replies) / 1e6:.2f} MB each), HTML descriptions of"
        f" {described / 1000:.1f} kB on average"
    )
    parse_rate, full_rate = rate(count, parse_only.wall), rate(count, full.wall)
    goal = f">= {ATS_GOAL:,.0f}/s"
    row("parse only (baseline)", f"{parse_rate:,.0f} postings/s", goal, parse_rate >= ATS_GOAL)
    row("parse + normalize", f"{full_rate:,.0f} postings/s", goal, full_rate >= ATS_GOAL)
    row("  normalize's share of the time", f"{1 - parse_only.wall / full.wall:.0%}")
    row("  HTML -> Markdown's share (description_markdown)", f"{converting.wall / full.wall:.0%}")
    row("  kept / dropped by normalize", f"{kept:,} / {dropped:,}")


def bench_pages(pages: list[tuple[str, str]], taxonomy: SkillTaxonomy) -> None:
    size = sum(len(page) for _, page in pages)
    with timed() as extract_only:
        found = sum(len(extract_structured(page, url)) for url, page in pages)
    with timed() as full:
        raws = [p for url, page in pages for p in extract_structured(page, url)]
        kept, dropped = normalize_all(raws, taxonomy)
    section(
        f"JSON-LD career pages: {len(pages):,} pages of {size / len(pages) / 1000:.0f} kB on"
        f" average in 5 shapes, {found:,} postings"
    )
    extract_rate, full_rate = rate(len(pages), extract_only.wall), rate(len(pages), full.wall)
    goal = f">= {PAGE_GOAL:,.0f}/s"
    row(
        "extract_structured (baseline)",
        f"{extract_rate:,.0f} pages/s",
        goal,
        extract_rate >= PAGE_GOAL,
    )
    row("extract_structured + normalize", f"{full_rate:,.0f} pages/s", goal, full_rate >= PAGE_GOAL)
    row("  normalize's share of the time", f"{1 - extract_only.wall / full.wall:.0%}")
    row("  kept / dropped by normalize", f"{kept:,} / {dropped:,}")


def crawl_settings(**overrides: Any) -> CrawlSettings:
    # No delay between requests to one host: the site is ours. The limit of 2 at once stays.
    values: dict[str, Any] = {"allow_loopback": True, "per_domain_delay_s": 0.0}
    return CrawlSettings.model_validate(values | overrides)


class LoopbackSite(CareerSite):
    """The fixture career site, counting the bytes it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes_sent = 0  # response headers (as the app sent them) and bodies
        self.clients: list[tuple[str, int]] = []  # each request's client address and port

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("client"):
            host, port = scope["client"]
            self.clients.append((host, port))

        async def metered(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.bytes_sent += sum(len(k) + len(v) + 4 for k, v in message.get("headers", []))
            elif message["type"] == "http.response.body":
                self.bytes_sent += len(message.get("body", b""))
            await send(message)

        await super()._asgi(scope, receive, metered)


async def bench_render(pages: int, concurrency: int) -> None:
    rng = random.Random(3)
    site = LoopbackSite()
    async with site:
        urls = []
        for number in range(pages + 1):  # the extra page warms Chromium up
            postings = [job_posting_ld(rng, number * 10 + k, 0) for k in range(rng.randint(1, 3))]
            body = json.dumps(postings)
            site.add_page(f"/api/render/{number}.json", body, content_type="application/json")
            site.add_page(f"/render/{number}", RENDERED_SHELL.format(number=number))
            urls.append(site.url(f"/render/{number}"))
        urls, warm_up_url = urls[1:], urls[0]
        settings = crawl_settings()
        async with HttpFetcher(settings) as fetcher:
            await fetcher.fetch(warm_up_url)
            with timed() as fetching:
                served = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
        plain = sum(len(extract_structured(r.body.decode(), r.url)) for r in served)
        async with PageRenderer(settings, max_pages=concurrency) as renderer:
            with timed() as launch:
                await renderer.render(warm_up_url)
            with timed() as alone:
                await renderer.render(warm_up_url)
            with timed() as rendering:
                rendered = await asyncio.gather(*(renderer.render(url) for url in urls))
        found = sum(
            len(extract_structured(page, url)) for url, page in zip(urls, rendered, strict=True)
        )
    section(
        f"Rendered pages: {pages} JavaScript-built pages from a CareerSite on loopback,"
        f" {concurrency} at a time, Debian's Chromium"
    )
    fetch_rate, render_rate = rate(pages, fetching.wall), rate(pages, rendering.wall)
    row("plain HTTP fetch of the same pages (baseline)", f"{fetch_rate:,.1f} pages/s")
    row("  postings found without JavaScript", f"{plain}")
    row("PageRenderer.render", f"{render_rate:,.1f} pages/s", "none set")
    row("  one page on its own (latency)", f"{alone.wall:.2f} s")
    row(f"  one page, {concurrency} at a time", f"{rendering.wall * concurrency / pages:.2f} s")
    row("  postings found after rendering", f"{found}")
    row("  Chromium launch + first page (not counted)", f"{launch.wall:.2f} s")


@dataclass
class Recrawl:
    timing: Timing
    requests: int
    connections: int  # TCP connections the requests came on
    bytes_sent: int
    postings: int
    unchanged: int


async def crawl_all(
    crawler: Collector, site: LoopbackSite, sources: list[Source], taxonomy: SkillTaxonomy
) -> tuple[Recrawl, list[Source]]:
    """Collect every source at once (the fetcher keeps 2 requests per host), then normalize
    what was collected, as the ingestor would; returns the sources with their new validators."""
    requests, sent, clients = len(site.requests), site.bytes_sent, len(site.clients)
    with timed() as timing:
        collected = await asyncio.gather(*(crawler.collect(source) for source in sources))
        raws = [posting for result in collected for posting in result.postings]
        normalize_all(raws, taxonomy)
    updated = [
        source.model_copy(update={"validators": result.validators})
        for source, result in zip(sources, collected, strict=True)
    ]
    run = Recrawl(
        timing=timing,
        requests=len(site.requests) - requests,
        connections=len(set(site.clients[clients:])),
        bytes_sent=site.bytes_sent - sent,
        postings=len(raws),
        unchanged=sum(result.unchanged for result in collected),
    )
    return run, updated


async def bench_recrawl(
    pages: int, board_postings: int, repeats: int, taxonomy: SkillTaxonomy
) -> None:
    rng = random.Random(4)
    site = LoopbackSite()
    async with site:
        for number in range(pages):
            body = career_page(rng, 50_000 + number)
            site.add_page(f"/careers/{number}", body, etag=f'"p{number}-v1"')
        jobs = [greenhouse_job(rng, 90_000 + n, "acme") for n in range(board_postings)]
        site.add_page(
            "/v1/boards/acme/jobs",
            json.dumps({"jobs": jobs, "meta": {"total": len(jobs)}}),
            etag='"board-v1"',
            content_type="application/json",
        )
        settings = crawl_settings(ats_base_urls={str(SourceKind.GREENHOUSE): site.base_url})
        sources = [
            Source(
                id=f"page-{n}",
                kind=SourceKind.PAGE,
                locator=site.url(f"/careers/{n}"),
                name=f"Career page {n}",
                created_at=NOW,
            )
            for n in range(pages)
        ]
        sources.append(
            Source(
                id="acme", kind=SourceKind.GREENHOUSE, locator="acme", name="Acme", created_at=NOW
            )
        )
        async with HttpFetcher(settings) as fetcher:
            crawler = Collector(
                fetcher=fetcher,
                settings=settings,
            )
            first, stored = await crawl_all(crawler, site, sources, taxonomy)
            forgetful = [
                source.model_copy(update={"validators": Validators()}) for source in sources
            ]
            conditional: list[Recrawl] = []
            naive_warm: list[Recrawl] = []
            naive_cold: list[Recrawl] = []
            for _ in range(repeats):  # interleaved, so a slow moment hits all three alike
                conditional.append((await crawl_all(crawler, site, stored, taxonomy))[0])
                naive_warm.append((await crawl_all(crawler, site, forgetful, taxonomy))[0])
                # Between two crawls of a source a worker crawls many others, whose descriptions
                # push these out of normalize's cache of converted descriptions (1,024 entries).
                normalize_module._converted.cache_clear()
                naive_cold.append((await crawl_all(crawler, site, forgetful, taxonomy))[0])

    section(
        f"Unchanged re-crawl: {pages} career pages with ETags and a Greenhouse-shaped board of"
        f" {board_postings} postings; Collector.collect, then normalize; median of {repeats} runs"
    )
    print(
        f"  {'':<36}{'wall ms':>9}{'CPU ms':>9}{'requests':>10}{'connections':>13}"
        f"{'kB sent':>10}{'postings':>10}"
    )
    medians = {
        "naive, warm description cache": median_run(naive_warm),
        "naive, cold description cache": median_run(naive_cold),
        "conditional": median_run(conditional),
    }
    unchanged = medians["conditional"].unchanged
    for name, run in [("first crawl (stores the validators)", first), *medians.items()]:
        label = f"{name} ({unchanged} of {len(sources)} 304)" if name == "conditional" else name
        print(
            f"  {label:<36}{run.timing.wall * 1000:9,.0f}{run.timing.cpu * 1000:9,.0f}"
            f"{run.requests:10,}{run.connections:13,}{run.bytes_sent / 1000:10,.1f}"
            f"{run.postings:10,}"
        )
    goal = f">= {RECRAWL_GOAL:.0f}x"
    cheap = medians["conditional"]
    for name in ("cold", "warm"):
        naive = medians[f"naive, {name} description cache"]
        for what, ratio in (
            ("wall time", naive.timing.wall / cheap.timing.wall),
            ("CPU time", naive.timing.cpu / cheap.timing.cpu),
        ):
            label = f"naive ({name} cache) / conditional, {what}"
            row(label, f"{ratio:,.2f}x", goal, ratio >= RECRAWL_GOAL)
    volume = medians["naive, cold description cache"].bytes_sent / max(cheap.bytes_sent, 1)
    row("naive / conditional, bytes sent", f"{volume:,.0f}x", goal, volume >= RECRAWL_GOAL)


async def bench_plain_pages(delay: float, taxonomy: SkillTaxonomy) -> None:
    """Issue 14: the labelled career sites without structured data, crawled through the real
    crawler (detail pages followed, the script-built one rendered), heuristics alone; then
    the schema.org fixtures; then the politeness of the detail fetches at a real delay."""
    site = LoopbackSite()
    async with site:
        data = serve_labelled(site)
        today = date.fromisoformat(data["today"])
        fast = crawl_settings()
        async with HttpFetcher(fast) as fetcher, PageRenderer(fast) as renderer:
            crawler = Collector(
                fetcher=fetcher,
                settings=fast,
                renderer=renderer,
            )

            async def collect(url: str) -> Sequence[RawPosting]:
                source = Source(
                    id="plain", kind=SourceKind.PAGE, locator=url, name="plain", created_at=NOW
                )
                return (await crawler.collect(source)).postings

            with timed() as reading:
                scores = await score_sites(
                    collect, data["sites"], base_url=site.base_url, today=today, taxonomy=taxonomy
                )
        overall = total(scores)
        structured = structured_fixture_score(taxonomy)

        # Politeness: the same sites again, from a fresh fetcher, at a real per-host delay.
        site.reset()
        serve_labelled(site)
        polite = crawl_settings(per_domain_delay_s=delay)
        async with HttpFetcher(polite) as fetcher:
            crawler = Collector(
                fetcher=fetcher,
                settings=polite,
            )
            plain = [entry for entry in data["sites"] if not entry["rendered"]]
            with timed() as polite_run:
                collected = await asyncio.gather(
                    *(
                        crawler.collect(
                            Source(
                                id=entry["name"],
                                kind=SourceKind.PAGE,
                                locator=site.url(entry["list"]),
                                name=entry["name"],
                                created_at=NOW,
                            )
                        )
                        for entry in plain
                    )
                )
        starts = sorted(request.started for request in site.requests)
        gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    stated = overall.stated
    section(
        f"Career pages without structured data (issue 14): {len(data['sites'])} labelled sites,"
        f" {sum(len(e['postings']) for e in data['sites'])} postings, {stated} stated fields;"
        " heuristics alone, detail pages followed"
    )
    goal = f">= {PLAIN_GOAL:.2f}"
    row(
        "field accuracy, heuristics alone",
        f"{overall.accuracy:.3f}",
        goal,
        overall.accuracy >= PLAIN_GOAL,
    )
    for name, part in scores.items():
        row(f"  {name}", f"{part.accuracy:.3f} ({part.right}/{part.stated})")
    for wrong in overall.wrong[:10]:
        print(f"    wrong: {wrong}")
    row("  crawl of all sites (incl. Chromium)", f"{reading.wall:.2f} s")
    goal = f">= {STRUCTURED_GOAL:.2f}"
    row(
        "field accuracy, schema.org fixtures",
        f"{structured.accuracy:.3f} ({structured.right}/{structured.stated})",
        goal,
        structured.accuracy >= STRUCTURED_GOAL,
    )
    requests = sum(result.requests for result in collected)
    min_gap = min(gaps) if gaps else 0.0
    row(f"politeness at {delay:.2f} s per host, {len(plain)} plain sites at once", "")
    row("  requests (listings + detail pages)", f"{requests}")
    row("  robots.txt requests", f"{sum(r.path == '/robots.txt' for r in site.requests)}")
    row(
        "  most requests in flight at once",
        f"{site.max_in_flight}",
        f"<= {polite.per_domain_concurrency}",
        site.max_in_flight <= polite.per_domain_concurrency,
    )
    row(
        "  shortest gap between request starts",
        f"{min_gap:.3f} s",
        f">= {delay:.2f} s",
        min_gap >= delay * 0.95,  # timer granularity
    )
    row("  wall time", f"{polite_run.wall:.2f} s")


def structured_fixture_score(taxonomy: SkillTaxonomy) -> Score:
    """Field accuracy of extract_structured + normalize on the labelled schema.org fixtures."""
    labels = json.loads((LABELLED / "expected_structured.json").read_text(encoding="utf-8"))
    today = date.fromisoformat(labels["today"])
    overall = Score()
    for name, entry in labels["pages"].items():
        html_text = (LABELLED.parent / name).read_text(encoding="utf-8")
        postings = [
            job
            for raw in extract_structured(html_text, entry["url"])
            if isinstance(job := normalize(raw, today=today, taxonomy=taxonomy), JobPosting)
        ]
        overall.add(score(postings, entry["postings"]))
    return overall


def median_run(runs: list[Recrawl]) -> Recrawl:
    return sorted(runs, key=lambda run: run.timing.wall)[len(runs) // 2]


def warm_up(taxonomy: SkillTaxonomy) -> float:
    """First use loads tables (cities, countries, the skill taxonomy); not counted anywhere."""
    started = time.perf_counter()
    (request, body), *_ = greenhouse_boards(5, seed=99)
    normalize_all(SOURCES[SourceKind.GREENHOUSE].parse(request, body).postings, taxonomy)
    page = career_page(random.Random(99), 0)
    normalize_all(extract_structured(page, "https://example.com/careers"), taxonomy)
    return time.perf_counter() - started


async def main(arguments: argparse.Namespace) -> None:
    started = time.perf_counter()
    configure_logging("WARNING", "console")  # the guard proxy logs Chromium's refused calls home
    taxonomy = SkillTaxonomy.load()
    loading = warm_up(taxonomy)
    settle_memory()  # start-up garbage must not be re-scanned inside the measurements
    greenhouse = greenhouse_boards(arguments.postings, seed=1)
    lever = lever_sites(arguments.postings, seed=2)
    rng = random.Random(5)
    pages = [
        (f"https://careers{n % 7}.example/jobs/{n}", career_page(rng, n))
        for n in range(arguments.pages)
    ]
    print(
        f"Ingestion benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs;"
        f" first use of normalize's tables took {loading:.2f} s (not counted)"
    )
    print(f"  {'measure':<50} {'figure':>20}  {'goal':>12}  verdict")
    bench_ats("Greenhouse", SOURCES[SourceKind.GREENHOUSE], greenhouse, taxonomy)
    bench_ats("Lever", SOURCES[SourceKind.LEVER], lever, taxonomy)
    bench_pages(pages, taxonomy)
    await bench_render(arguments.rendered, arguments.concurrency)
    await bench_recrawl(arguments.sites, arguments.board, arguments.repeats, taxonomy)
    await bench_plain_pages(arguments.polite_delay, taxonomy)
    print(f"\nwhole run: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postings", type=int, default=5_000, help="per ATS kind")
    parser.add_argument("--pages", type=int, default=500, help="JSON-LD career pages")
    parser.add_argument("--rendered", type=int, default=20, help="pages rendered in Chromium")
    parser.add_argument("--concurrency", type=int, default=2, help="pages rendered at once")
    parser.add_argument("--sites", type=int, default=50, help="career pages in the re-crawl")
    parser.add_argument("--board", type=int, default=200, help="postings on the re-crawled board")
    parser.add_argument("--repeats", type=int, default=5, help="re-crawls of each kind")
    parser.add_argument(
        "--polite-delay",
        type=float,
        default=0.25,
        help="per-host delay (s) for the politeness check of detail-page fetches",
    )
    asyncio.run(main(parser.parse_args()))
