"""The demo catalogue: made-up postings, written from templates with a fixed seed, saved in the raw
formats real sources produce (ATS API replies, career pages with JSON-LD) under data/demo/.

``python -m crawlers.demo`` rewrites the files; the same seed gives the same bytes, and a test
checks that the committed files are exactly what this module generates. Every company is
fictional and every link points at a reserved ``.example`` host, so no demo link can lead to a
real company's board.

Dates: a fixed catalogue cannot know when it is loaded, so live postings state no posting or
closing date (matching then treats their age as unknown, not as a year old); the expired ones
close on fixed past dates and are dropped as expired when loaded.

Layout: ``data/demo/<kind>/<board>.<json|html>``: one file per board, as its API answers, and
one per SmartRecruiters posting (that API lists ids and answers each posting on its own). Lever
and Ashby replies never name the company: their file name is the board token, which is.
"""

from __future__ import annotations

import html
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from core.jobs import SourceKind

SEED = 20261010
OUT = Path(__file__).resolve().parent / "data" / "demo"
EXPIRED_ON = ("2025-03-31", "2025-06-30", "2025-09-30", "2025-11-15")

Lang = str  # "en", "de", "es"


@dataclass(frozen=True)
class Role:
    key: str
    sector: str
    titles: dict[Lang, str]
    skills: tuple[str, ...]
    pay: tuple[float, float]  # EUR for ``period`` in a mid-priced country, mid level
    period: str = "year"  # "year", "month" or "hour"
    employment: str = "full_time"  # full_time, part_time, contract, internship, temporary
    modes: tuple[str, ...] = ("onsite",)
    levels: bool = False  # junior / senior variants exist


@dataclass(frozen=True)
class Company:
    name: str
    token: str
    kind: str
    lang: Lang
    country: str  # ISO alpha-2
    country_name: str
    cities: tuple[str, ...]
    currency: str
    eur_per_unit: float
    pay_level: float  # local pay relative to the mid-priced reference
    sectors: tuple[str, ...]
    jobs: int
    host: str  # the (reserved) web host of its postings


@dataclass(frozen=True)
class Posting:
    company: Company
    role: Role
    id: str
    title: str
    city: str
    mode: str
    employment: str
    salary: tuple[float, float, str] | None  # (min, max, period) in the company's currency
    expired_on: str | None
    duties: tuple[str, ...]
    requirements: tuple[str, ...]
    benefits: tuple[str, ...]
    department: str


TECH = ("remote", "hybrid", "onsite")
OFFICE = ("hybrid", "onsite", "remote")

ROLES: tuple[Role, ...] = (
    Role(
        "backend",
        "tech",
        {
            "en": "Backend Engineer",
            "de": "Backend-Entwickler (m/w/d)",
            "es": "Desarrollador/a Backend",
        },
        ("Python", "PostgreSQL", "Docker", "REST APIs"),
        (55_000, 75_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "backend_go",
        "tech",
        {
            "en": "Software Engineer, Go",
            "de": "Softwareentwickler Go (m/w/d)",
            "es": "Ingeniero/a de Software Go",
        },
        ("Go", "Kubernetes", "gRPC", "PostgreSQL"),
        (60_000, 80_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "java",
        "tech",
        {"en": "Java Developer", "de": "Java-Entwickler (m/w/d)", "es": "Desarrollador/a Java"},
        ("Java", "Spring Boot", "Microservices", "Kafka"),
        (52_000, 72_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "frontend",
        "tech",
        {
            "en": "Frontend Engineer",
            "de": "Frontend-Entwickler (m/w/d)",
            "es": "Desarrollador/a Frontend",
        },
        ("React", "TypeScript", "CSS", "Jest"),
        (50_000, 70_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "fullstack",
        "tech",
        {
            "en": "Full-Stack Developer",
            "de": "Full-Stack-Entwickler (m/w/d)",
            "es": "Desarrollador/a Full Stack",
        },
        ("TypeScript", "Node.js", "React", "PostgreSQL"),
        (52_000, 72_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "mobile",
        "tech",
        {
            "en": "Mobile Developer (iOS)",
            "de": "iOS-Entwickler (m/w/d)",
            "es": "Desarrollador/a iOS",
        },
        ("Swift", "iOS", "SwiftUI", "Git"),
        (55_000, 72_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "devops",
        "tech",
        {"en": "DevOps Engineer", "de": "DevOps Engineer (m/w/d)", "es": "Ingeniero/a DevOps"},
        ("Kubernetes", "Terraform", "AWS", "CI/CD"),
        (58_000, 78_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "sre",
        "tech",
        {
            "en": "Site Reliability Engineer",
            "de": "Site Reliability Engineer (m/w/d)",
            "es": "Ingeniero/a de Fiabilidad (SRE)",
        },
        ("Linux", "Prometheus", "Kubernetes", "Go"),
        (62_000, 82_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "qa",
        "tech",
        {
            "en": "QA Automation Engineer",
            "de": "Testautomatisierer (m/w/d)",
            "es": "Ingeniero/a de QA",
        },
        ("Test Automation", "Cypress", "Python", "CI/CD"),
        (45_000, 62_000),
        modes=TECH,
    ),
    Role(
        "security",
        "tech",
        {
            "en": "Security Engineer",
            "de": "IT-Security Engineer (m/w/d)",
            "es": "Ingeniero/a de Ciberseguridad",
        },
        ("Cybersecurity", "Penetration Testing", "SIEM", "Linux"),
        (60_000, 82_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "data_eng",
        "data",
        {"en": "Data Engineer", "de": "Data Engineer (m/w/d)", "es": "Ingeniero/a de Datos"},
        ("Python", "Apache Spark", "Apache Airflow", "SQL"),
        (56_000, 76_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "data_analyst",
        "data",
        {"en": "Data Analyst", "de": "Datenanalyst (m/w/d)", "es": "Analista de Datos"},
        ("SQL", "Power BI", "Microsoft Excel", "Data Analysis"),
        (42_000, 58_000),
        modes=OFFICE,
        levels=True,
    ),
    Role(
        "ml",
        "data",
        {
            "en": "Machine Learning Engineer",
            "de": "Machine Learning Engineer (m/w/d)",
            "es": "Ingeniero/a de Machine Learning",
        },
        ("Python", "PyTorch", "Machine Learning", "MLOps"),
        (62_000, 85_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "designer",
        "design",
        {"en": "Product Designer", "de": "UX/UI Designer (m/w/d)", "es": "Diseñador/a de Producto"},
        ("Figma", "UX Design", "Prototyping", "User Research"),
        (48_000, 66_000),
        modes=TECH,
        levels=True,
    ),
    Role(
        "pm",
        "product",
        {"en": "Product Manager", "de": "Product Manager (m/w/d)", "es": "Product Manager"},
        ("Product Management", "Jira", "Agile", "Stakeholder Management"),
        (58_000, 78_000),
        modes=OFFICE,
        levels=True,
    ),
    Role(
        "project",
        "product",
        {"en": "Project Manager", "de": "Projektmanager (m/w/d)", "es": "Jefe/a de Proyecto"},
        ("Project Management", "Scrum", "Risk Management", "Microsoft Project"),
        (50_000, 68_000),
        modes=OFFICE,
    ),
    Role(
        "ae",
        "sales",
        {
            "en": "Account Executive",
            "de": "Account Executive (m/w/d)",
            "es": "Ejecutivo/a de Cuentas",
        },
        ("B2B Sales", "Salesforce", "Negotiation", "Pipeline Management"),
        (45_000, 65_000),
        modes=OFFICE,
        levels=True,
    ),
    Role(
        "sdr",
        "sales",
        {
            "en": "Sales Development Representative",
            "de": "Vertriebsmitarbeiter Innendienst (m/w/d)",
            "es": "Representante de Ventas",
        },
        ("Lead Generation", "Cold Calling", "CRM", "HubSpot"),
        (36_000, 46_000),
        modes=OFFICE,
    ),
    Role(
        "field_sales",
        "sales",
        {
            "en": "Field Sales Representative",
            "de": "Außendienstmitarbeiter (m/w/d)",
            "es": "Comercial de Campo",
        },
        ("Field Sales", "Key Account Management", "Negotiation", "Driver's License"),
        (40_000, 55_000),
    ),
    Role(
        "retail",
        "sales",
        {
            "en": "Retail Sales Associate",
            "de": "Verkäufer im Einzelhandel (m/w/d)",
            "es": "Dependiente/a de Tienda",
        },
        ("Retail Sales", "Cash Handling", "Customer Service", "POS Systems"),
        (13, 16),
        period="hour",
        employment="part_time",
    ),
    Role(
        "marketing",
        "marketing",
        {
            "en": "Performance Marketing Manager",
            "de": "Performance Marketing Manager (m/w/d)",
            "es": "Responsable de Marketing Digital",
        },
        ("Performance Marketing", "Google Ads", "Google Analytics", "SEO"),
        (46_000, 64_000),
        modes=OFFICE,
    ),
    Role(
        "content",
        "marketing",
        {
            "en": "Content Marketing Specialist",
            "de": "Content Marketing Manager (m/w/d)",
            "es": "Especialista en Marketing de Contenidos",
        },
        ("Content Marketing", "Copywriting", "SEO", "Social Media Marketing"),
        (38_000, 52_000),
        modes=OFFICE,
    ),
    Role(
        "accountant",
        "finance",
        {"en": "Accountant", "de": "Buchhalter (m/w/d)", "es": "Contable"},
        ("Accounting", "Month-End Closing", "SAP FI/CO", "Microsoft Excel"),
        (42_000, 56_000),
        modes=("hybrid", "onsite"),
    ),
    Role(
        "controller",
        "finance",
        {"en": "Financial Controller", "de": "Controller (m/w/d)", "es": "Controller Financiero"},
        ("Controlling", "Financial Reporting", "Budgeting", "IFRS"),
        (55_000, 75_000),
        modes=("hybrid", "onsite"),
        levels=True,
    ),
    Role(
        "payroll",
        "finance",
        {"en": "Payroll Specialist", "de": "Lohnbuchhalter (m/w/d)", "es": "Técnico/a de Nóminas"},
        ("Payroll", "DATEV", "Microsoft Excel", "Taxation"),
        (40_000, 52_000),
        modes=("hybrid", "onsite"),
    ),
    Role(
        "recruiter",
        "hr",
        {
            "en": "Talent Acquisition Partner",
            "de": "Recruiter (m/w/d)",
            "es": "Técnico/a de Selección",
        },
        ("Recruiting", "Active Sourcing", "Interviewing", "Employer Branding"),
        (42_000, 58_000),
        modes=OFFICE,
    ),
    Role(
        "hr_generalist",
        "hr",
        {
            "en": "HR Generalist",
            "de": "Personalreferent (m/w/d)",
            "es": "Técnico/a de Recursos Humanos",
        },
        ("HR Management", "Labor Law", "Onboarding", "Personnel Administration"),
        (44_000, 58_000),
        modes=("hybrid", "onsite"),
    ),
    Role(
        "support",
        "support",
        {
            "en": "Customer Support Specialist",
            "de": "Kundenservice-Mitarbeiter (m/w/d)",
            "es": "Agente de Atención al Cliente",
        },
        ("Customer Service", "Zendesk", "Complaint Handling", "Live Chat Support"),
        (30_000, 38_000),
        modes=("remote", "onsite", "hybrid"),
    ),
    Role(
        "csm",
        "support",
        {
            "en": "Customer Success Manager",
            "de": "Customer Success Manager (m/w/d)",
            "es": "Customer Success Manager",
        },
        ("Customer Success", "Account Management", "CRM", "Presentation Skills"),
        (45_000, 60_000),
        modes=OFFICE,
    ),
    Role(
        "nurse",
        "health",
        {"en": "Registered Nurse", "de": "Pflegefachkraft (m/w/d)", "es": "Enfermero/a"},
        ("Nursing", "Patient Care", "Medication Administration", "Clinical Documentation"),
        (38_000, 48_000),
    ),
    Role(
        "icu_nurse",
        "health",
        {
            "en": "ICU Nurse",
            "de": "Fachkrankenpfleger Intensivpflege (m/w/d)",
            "es": "Enfermero/a de UCI",
        },
        ("Intensive Care", "Nursing", "Vital Signs Monitoring", "Advanced Cardiac Life Support"),
        (42_000, 54_000),
    ),
    Role(
        "caregiver",
        "health",
        {"en": "Care Assistant", "de": "Altenpfleger (m/w/d)", "es": "Auxiliar de Geriatría"},
        ("Geriatric Care", "Patient Care", "First Aid", "Care Planning"),
        (14, 17),
        period="hour",
        employment="part_time",
    ),
    Role(
        "mfa",
        "health",
        {
            "en": "Medical Assistant",
            "de": "Medizinische Fachangestellte (m/w/d)",
            "es": "Auxiliar de Enfermería",
        },
        ("Medical Assistance", "Phlebotomy", "Electronic Health Records", "Scheduling"),
        (32_000, 40_000),
    ),
    Role(
        "physio",
        "health",
        {"en": "Physiotherapist", "de": "Physiotherapeut (m/w/d)", "es": "Fisioterapeuta"},
        ("Physical Therapy", "Patient Care", "Clinical Documentation", "Care Planning"),
        (36_000, 46_000),
        employment="part_time",
    ),
    Role(
        "warehouse",
        "logistics",
        {"en": "Warehouse Associate", "de": "Lagermitarbeiter (m/w/d)", "es": "Mozo/a de Almacén"},
        ("Order Picking", "Packing", "RF Scanning", "Forklift Operation"),
        (13, 16),
        period="hour",
    ),
    Role(
        "forklift",
        "logistics",
        {"en": "Forklift Operator", "de": "Staplerfahrer (m/w/d)", "es": "Carretillero/a"},
        (
            "Forklift Operation",
            "Shipping and Receiving",
            "Inventory Management",
            "Occupational Safety",
        ),
        (14, 17.5),
        period="hour",
    ),
    Role(
        "driver",
        "logistics",
        {
            "en": "Delivery Driver",
            "de": "Berufskraftfahrer (m/w/d)",
            "es": "Conductor/a de Reparto",
        },
        ("Commercial Driving", "Driver's License", "Dispatching", "Customer Service"),
        (14, 18),
        period="hour",
    ),
    Role(
        "dispatcher",
        "logistics",
        {
            "en": "Logistics Coordinator",
            "de": "Disponent (m/w/d)",
            "es": "Coordinador/a de Logística",
        },
        ("Dispatching", "Logistics", "SAP", "Freight Forwarding"),
        (38_000, 48_000),
        modes=("onsite", "hybrid"),
    ),
    Role(
        "supply",
        "logistics",
        {
            "en": "Supply Chain Analyst",
            "de": "Supply Chain Analyst (m/w/d)",
            "es": "Analista de Cadena de Suministro",
        },
        ("Supply Chain Management", "SAP", "Microsoft Excel", "Inventory Management"),
        (45_000, 60_000),
        modes=OFFICE,
    ),
    Role(
        "cook",
        "hospitality",
        {"en": "Line Cook", "de": "Koch (m/w/d)", "es": "Cocinero/a"},
        ("Cooking", "Food Preparation", "Food Safety", "Menu Planning"),
        (13.5, 17),
        period="hour",
    ),
    Role(
        "barista",
        "hospitality",
        {"en": "Barista", "de": "Barista (m/w/d)", "es": "Barista"},
        ("Barista", "Cash Handling", "Customer Service", "Food Safety"),
        (12.5, 15),
        period="hour",
        employment="part_time",
    ),
    Role(
        "front_desk",
        "hospitality",
        {"en": "Front Desk Agent", "de": "Rezeptionist (m/w/d)", "es": "Recepcionista de Hotel"},
        (
            "Front Desk Operations",
            "Reservations Management",
            "Property Management Systems",
            "Customer Service",
        ),
        (28_000, 34_000),
    ),
    Role(
        "housekeeping",
        "hospitality",
        {
            "en": "Room Attendant",
            "de": "Zimmermädchen / Roomboy (m/w/d)",
            "es": "Camarero/a de Pisos",
        },
        ("Housekeeping", "Customer Service", "Infection Control", "Scheduling"),
        (12.5, 14.5),
        period="hour",
        employment="part_time",
    ),
    Role(
        "event",
        "hospitality",
        {
            "en": "Events Coordinator",
            "de": "Veranstaltungskaufmann (m/w/d)",
            "es": "Coordinador/a de Eventos",
        },
        ("Event Planning", "Catering", "Customer Service", "Microsoft Excel"),
        (32_000, 40_000),
        employment="temporary",
    ),
    Role(
        "teacher",
        "teaching",
        {
            "en": "Primary School Teacher",
            "de": "Grundschullehrer (m/w/d)",
            "es": "Maestro/a de Primaria",
        },
        ("Teaching", "Lesson Planning", "Classroom Management", "Assessment and Grading"),
        (38_000, 50_000),
    ),
    Role(
        "language_teacher",
        "teaching",
        {"en": "English Teacher", "de": "Englischlehrer (m/w/d)", "es": "Profesor/a de Inglés"},
        ("Language Teaching", "Lesson Planning", "E-Learning", "Tutoring"),
        (22, 32),
        period="hour",
        employment="part_time",
        modes=("onsite", "remote"),
    ),
    Role(
        "educator",
        "teaching",
        {"en": "Early Years Educator", "de": "Erzieher (m/w/d)", "es": "Educador/a Infantil"},
        ("Early Childhood Education", "Youth Work", "First Aid", "Lesson Planning"),
        (33_000, 41_000),
    ),
    Role(
        "trainer",
        "teaching",
        {
            "en": "Corporate Trainer",
            "de": "Trainer Weiterbildung (m/w/d)",
            "es": "Formador/a de Empresa",
        },
        (
            "Corporate Training",
            "Instructional Design",
            "Presentation Skills",
            "Learning Management Systems",
        ),
        (44_000, 56_000),
        modes=("hybrid", "onsite"),
        employment="contract",
    ),
    Role(
        "electrician",
        "trades",
        {"en": "Electrician", "de": "Elektriker (m/w/d)", "es": "Electricista"},
        ("Electrical Installation", "Blueprint Reading", "Troubleshooting", "Occupational Safety"),
        (36_000, 48_000),
    ),
    Role(
        "plumber",
        "trades",
        {"en": "Plumber", "de": "Anlagenmechaniker SHK (m/w/d)", "es": "Fontanero/a"},
        ("Plumbing", "HVAC", "Power Tools", "Blueprint Reading"),
        (35_000, 46_000),
    ),
    Role(
        "carpenter",
        "trades",
        {"en": "Carpenter", "de": "Tischler (m/w/d)", "es": "Carpintero/a"},
        ("Carpentry", "Power Tools", "Blueprint Reading", "Occupational Safety"),
        (16, 21),
        period="hour",
    ),
    Role(
        "welder",
        "trades",
        {"en": "Welder", "de": "Schweißer (m/w/d)", "es": "Soldador/a"},
        ("Welding", "Metalworking", "Blueprint Reading", "Quality Control"),
        (17, 22),
        period="hour",
    ),
    Role(
        "site_manager",
        "trades",
        {"en": "Construction Site Manager", "de": "Bauleiter (m/w/d)", "es": "Jefe/a de Obra"},
        ("Construction Management", "Cost Estimation", "AutoCAD", "Occupational Safety"),
        (52_000, 70_000),
    ),
    Role(
        "maintenance",
        "trades",
        {
            "en": "Maintenance Technician",
            "de": "Industriemechaniker (m/w/d)",
            "es": "Técnico/a de Mantenimiento",
        },
        ("Mechanical Maintenance", "PLC Programming", "Troubleshooting", "CNC Machining"),
        (38_000, 50_000),
    ),
    Role(
        "solar",
        "trades",
        {
            "en": "Solar Installer",
            "de": "Solarteur (m/w/d)",
            "es": "Instalador/a de Placas Solares",
        },
        ("Solar Installation", "Electrical Installation", "Roofing", "Occupational Safety"),
        (15, 20),
        period="hour",
        employment="temporary",
    ),
    Role(
        "office_manager",
        "admin",
        {"en": "Office Manager", "de": "Office Manager (m/w/d)", "es": "Office Manager"},
        ("Office Management", "Microsoft Office", "Scheduling", "Business Correspondence"),
        (36_000, 46_000),
        modes=("onsite", "hybrid"),
    ),
    Role(
        "assistant",
        "admin",
        {
            "en": "Executive Assistant",
            "de": "Assistenz der Geschäftsführung (m/w/d)",
            "es": "Asistente de Dirección",
        },
        ("Scheduling", "Microsoft Outlook", "Business Correspondence", "Document Management"),
        (40_000, 52_000),
        modes=("onsite", "hybrid"),
    ),
    Role(
        "paralegal",
        "legal",
        {
            "en": "Paralegal",
            "de": "Rechtsanwaltsfachangestellte (m/w/d)",
            "es": "Asistente Jurídico/a",
        },
        ("Paralegal Work", "Legal Research", "Contract Drafting", "Document Management"),
        (38_000, 48_000),
        modes=("hybrid", "onsite"),
    ),
    Role(
        "compliance",
        "legal",
        {
            "en": "Compliance Officer",
            "de": "Compliance Manager (m/w/d)",
            "es": "Técnico/a de Cumplimiento",
        },
        ("Compliance", "GDPR", "Anti-Money Laundering", "Risk Management"),
        (55_000, 72_000),
        modes=OFFICE,
    ),
    Role(
        "intern",
        "tech",
        {
            "en": "Software Engineering Intern",
            "de": "Praktikant Softwareentwicklung (m/w/d)",
            "es": "Becario/a de Desarrollo de Software",
        },
        ("Python", "Git", "JavaScript", "SQL"),
        (1_200, 1_600),
        period="month",
        employment="internship",
        modes=("hybrid", "onsite"),
    ),
)

COMPANIES: tuple[Company, ...] = (
    # Greenhouse boards
    Company(
        "Brightwave Analytics",
        "brightwave",
        "greenhouse",
        "en",
        "US",
        "United States",
        ("New York, NY", "Austin, TX", "Chicago, IL"),
        "USD",
        0.92,
        1.35,
        ("tech", "data", "product", "sales", "design"),
        16,
        "boards.greenhouse.example",
    ),
    Company(
        "Copperleaf Health",
        "copperleaf",
        "greenhouse",
        "en",
        "GB",
        "United Kingdom",
        ("London", "Manchester", "Leeds"),
        "GBP",
        1.17,
        0.95,
        ("health", "tech", "admin", "finance"),
        14,
        "boards.greenhouse.example",
    ),
    Company(
        "Lumen Freight GmbH",
        "lumenfreight",
        "greenhouse",
        "de",
        "DE",
        "Germany",
        ("Hamburg", "Bremen", "Duisburg"),
        "EUR",
        1.0,
        1.0,
        ("logistics", "tech", "finance", "sales"),
        14,
        "boards.greenhouse.example",
    ),
    Company(
        "Ortiva Pagos",
        "ortiva",
        "greenhouse",
        "es",
        "ES",
        "Spain",
        ("Madrid", "Barcelona"),
        "EUR",
        1.0,
        0.75,
        ("tech", "data", "legal", "support", "finance"),
        12,
        "boards.greenhouse.example",
    ),
    Company(
        "Maple Row Hotels",
        "maplerow",
        "greenhouse",
        "en",
        "CA",
        "Canada",
        ("Toronto, ON", "Vancouver, BC", "Montreal, QC"),
        "CAD",
        0.66,
        1.3,
        ("hospitality", "admin", "sales"),
        12,
        "boards.greenhouse.example",
    ),
    # Lever sites (the site name is the company's name: Lever replies state no other)
    Company(
        "Quillfern",
        "Quillfern",
        "lever",
        "en",
        "US",
        "United States",
        ("San Francisco, CA", "Seattle, WA", "Denver, CO"),
        "USD",
        0.92,
        1.45,
        ("tech", "data", "design", "marketing"),
        14,
        "jobs.lever.example",
    ),
    Company(
        "Tidewell",
        "Tidewell",
        "lever",
        "en",
        "IE",
        "Ireland",
        ("Dublin", "Cork"),
        "EUR",
        1.0,
        1.05,
        ("support", "tech", "sales", "hr"),
        12,
        "jobs.lever.example",
    ),
    Company(
        "Kernhaus",
        "Kernhaus",
        "lever",
        "de",
        "DE",
        "Germany",
        ("Berlin", "Leipzig"),
        "EUR",
        1.0,
        1.0,
        ("tech", "product", "marketing", "hr"),
        12,
        "jobs.lever.example",
    ),
    Company(
        "Solvento",
        "Solvento",
        "lever",
        "es",
        "MX",
        "Mexico",
        ("Ciudad de México", "Guadalajara", "Monterrey"),
        "MXN",
        0.05,
        0.45,
        ("tech", "support", "sales", "finance"),
        12,
        "jobs.lever.example",
    ),
    # Ashby boards
    Company(
        "Northloop",
        "Northloop",
        "ashby",
        "en",
        "US",
        "United States",
        ("Boston, MA", "New York, NY"),
        "USD",
        0.92,
        1.4,
        ("tech", "data", "product"),
        12,
        "jobs.ashby.example",
    ),
    Company(
        "Fernlicht",
        "Fernlicht",
        "ashby",
        "de",
        "CH",
        "Switzerland",
        ("Zürich", "Basel"),
        "CHF",
        1.05,
        1.5,
        ("tech", "finance", "legal", "data"),
        11,
        "jobs.ashby.example",
    ),
    Company(
        "Orbitale",
        "Orbitale",
        "ashby",
        "en",
        "NL",
        "Netherlands",
        ("Amsterdam", "Rotterdam"),
        "EUR",
        1.0,
        1.1,
        ("tech", "design", "marketing", "sales"),
        11,
        "jobs.ashby.example",
    ),
    # Workable accounts
    Company(
        "Harbour & Vine Restaurants",
        "harbour-vine",
        "workable",
        "en",
        "GB",
        "United Kingdom",
        ("Bristol", "Brighton", "London"),
        "GBP",
        1.17,
        0.9,
        ("hospitality", "admin", "marketing", "hr", "finance"),
        10,
        "apply.workable.example",
    ),
    Company(
        "Verdantia Energía",
        "verdantia",
        "workable",
        "es",
        "ES",
        "Spain",
        ("Sevilla", "Valencia", "Zaragoza"),
        "EUR",
        1.0,
        0.75,
        ("trades", "admin", "sales"),
        12,
        "apply.workable.example",
    ),
    Company(
        "Alpenkeller Gastro GmbH",
        "alpenkeller",
        "workable",
        "de",
        "AT",
        "Austria",
        ("Wien", "Salzburg", "Innsbruck"),
        "EUR",
        1.0,
        0.95,
        ("hospitality", "admin", "marketing", "finance"),
        10,
        "apply.workable.example",
    ),
    Company(
        "Greenfield Learning",
        "greenfield-learning",
        "workable",
        "en",
        "AU",
        "Australia",
        ("Sydney, NSW", "Melbourne, VIC"),
        "AUD",
        0.60,
        1.45,
        ("teaching", "admin", "marketing", "support"),
        9,
        "apply.workable.example",
    ),
    # SmartRecruiters companies (one detail reply per posting)
    Company(
        "Meridian Care Group",
        "MeridianCare",
        "smartrecruiters",
        "en",
        "US",
        "United States",
        ("Philadelphia, PA", "Columbus, OH", "Phoenix, AZ"),
        "USD",
        0.92,
        1.2,
        ("health", "admin", "hr", "finance", "support"),
        12,
        "jobs.smartrecruiters.example",
    ),
    Company(
        "Rheinwerk Industrie AG",
        "RheinwerkIndustrie",
        "smartrecruiters",
        "de",
        "DE",
        "Germany",
        ("Köln", "Düsseldorf", "Stuttgart"),
        "EUR",
        1.0,
        1.0,
        ("trades", "logistics", "finance", "tech"),
        13,
        "jobs.smartrecruiters.example",
    ),
    Company(
        "Grupo Atalaya",
        "GrupoAtalaya",
        "smartrecruiters",
        "es",
        "ES",
        "Spain",
        ("Madrid", "Málaga", "Bilbao"),
        "EUR",
        1.0,
        0.75,
        ("logistics", "sales", "hr"),
        11,
        "jobs.smartrecruiters.example",
    ),
    Company(
        "Polaris Retail",
        "PolarisRetail",
        "smartrecruiters",
        "en",
        "PL",
        "Poland",
        ("Warsaw", "Kraków"),
        "PLN",
        0.23,
        0.55,
        ("sales", "logistics", "tech"),
        10,
        "jobs.smartrecruiters.example",
    ),
    # Career pages with JSON-LD
    Company(
        "Klinikum Seeblick",
        "klinikum-seeblick",
        "page",
        "de",
        "DE",
        "Germany",
        ("Konstanz", "Friedrichshafen"),
        "EUR",
        1.0,
        1.0,
        ("health", "admin", "hospitality", "trades", "hr"),
        12,
        "karriere.klinikum-seeblick.example",
    ),
    Company(
        "Hospital San Rafael",
        "hospital-san-rafael",
        "page",
        "es",
        "ES",
        "Spain",
        ("Valencia", "Alicante"),
        "EUR",
        1.0,
        0.75,
        ("health", "admin", "hr", "finance", "hospitality"),
        10,
        "empleo.hospital-san-rafael.example",
    ),
    Company(
        "Colegio Los Olivos",
        "colegio-los-olivos",
        "page",
        "es",
        "ES",
        "Spain",
        ("Granada",),
        "EUR",
        1.0,
        0.75,
        ("teaching", "admin", "hospitality"),
        7,
        "colegio-los-olivos.example",
    ),
    Company(
        "Stadtwerke Auental",
        "stadtwerke-auental",
        "page",
        "de",
        "DE",
        "Germany",
        ("Kassel", "Göttingen"),
        "EUR",
        1.0,
        1.0,
        ("trades", "finance", "admin", "tech"),
        12,
        "jobs.stadtwerke-auental.example",
    ),
    Company(
        "Bluebell Community Schools",
        "bluebell-schools",
        "page",
        "en",
        "GB",
        "United Kingdom",
        ("Norwich", "Cambridge"),
        "GBP",
        1.17,
        0.9,
        ("teaching", "admin", "hr", "support"),
        8,
        "careers.bluebell-schools.example",
    ),
    Company(
        "Pinecrest Logistics",
        "pinecrest",
        "page",
        "en",
        "US",
        "United States",
        ("Memphis, TN", "Louisville, KY", "Indianapolis, IN"),
        "USD",
        0.92,
        1.15,
        ("logistics", "trades", "admin"),
        14,
        "careers.pinecrest-logistics.example",
    ),
    Company(
        "Bäckerei Sonnenkorn",
        "sonnenkorn",
        "page",
        "de",
        "DE",
        "Germany",
        ("München", "Augsburg"),
        "EUR",
        1.0,
        1.0,
        ("hospitality", "sales", "logistics"),
        10,
        "sonnenkorn.example",
    ),
    Company(
        "Banco Cordillera",
        "banco-cordillera",
        "page",
        "es",
        "MX",
        "Mexico",
        ("Ciudad de México", "Puebla"),
        "MXN",
        0.05,
        0.45,
        ("finance", "support", "legal", "tech"),
        12,
        "talento.banco-cordillera.example",
    ),
)

SECTOR_DEPARTMENTS: dict[str, dict[Lang, str]] = {
    "tech": {"en": "Engineering", "de": "IT & Entwicklung", "es": "Ingeniería"},
    "data": {"en": "Data", "de": "Data & Analytics", "es": "Datos"},
    "design": {"en": "Design", "de": "Design", "es": "Diseño"},
    "product": {"en": "Product", "de": "Produkt", "es": "Producto"},
    "sales": {"en": "Sales", "de": "Vertrieb", "es": "Ventas"},
    "marketing": {"en": "Marketing", "de": "Marketing", "es": "Marketing"},
    "finance": {"en": "Finance", "de": "Finanzen", "es": "Finanzas"},
    "hr": {"en": "People", "de": "Personal", "es": "Recursos Humanos"},
    "support": {"en": "Customer Experience", "de": "Kundenservice", "es": "Atención al Cliente"},
    "health": {"en": "Nursing & Care", "de": "Pflege", "es": "Enfermería"},
    "logistics": {"en": "Operations", "de": "Logistik", "es": "Logística"},
    "hospitality": {"en": "Hospitality", "de": "Gastronomie & Hotellerie", "es": "Hostelería"},
    "teaching": {"en": "Education", "de": "Bildung", "es": "Educación"},
    "trades": {"en": "Technical Services", "de": "Technik & Handwerk", "es": "Servicios Técnicos"},
    "admin": {"en": "Administration", "de": "Verwaltung", "es": "Administración"},
    "legal": {"en": "Legal", "de": "Recht", "es": "Legal"},
}

DUTIES: dict[str, dict[Lang, tuple[str, ...]]] = {
    "tech": {
        "en": (
            "Design, build and run services that thousands of customers rely on",
            "Review code and share what you learn with the team",
            "Work with product and design on what we build next",
            "Keep our systems observable, tested and easy to change",
        ),
        "de": (
            "Du entwickelst und betreibst Services, auf die sich unsere Kunden verlassen",
            "Du machst Code-Reviews und teilst dein Wissen im Team",
            "Du planst neue Funktionen gemeinsam mit Produkt und Design",
            "Du sorgst dafür, dass unsere Systeme stabil und gut getestet sind",
        ),
        "es": (
            "Diseñarás y mantendrás servicios que usan miles de clientes",
            "Revisarás código y compartirás lo que aprendes con el equipo",
            "Trabajarás con producto y diseño en las próximas funcionalidades",
            "Harás que nuestros sistemas sean fiables y fáciles de cambiar",
        ),
    },
    "data": {
        "en": (
            "Turn raw data into reports and models the business trusts",
            "Build and maintain data pipelines and dashboards",
            "Answer questions from teams across the company with data",
        ),
        "de": (
            "Du machst aus Rohdaten verlässliche Berichte und Modelle",
            "Du baust und pflegst Datenpipelines und Dashboards",
            "Du beantwortest Fragen der Fachbereiche mit Daten",
        ),
        "es": (
            "Convertirás datos en informes y modelos fiables para el negocio",
            "Crearás y mantendrás pipelines de datos y cuadros de mando",
            "Responderás con datos a las preguntas de otros equipos",
        ),
    },
    "design": {
        "en": (
            "Shape the experience of our product from research to release",
            "Run interviews and usability tests with real customers",
            "Keep our design system consistent and accessible",
        ),
        "de": (
            "Du gestaltest unser Produkt von der Recherche bis zum Release",
            "Du führst Interviews und Usability-Tests mit Kunden durch",
            "Du pflegst unser Designsystem",
        ),
        "es": (
            "Darás forma a la experiencia del producto, de la investigación al lanzamiento",
            "Harás entrevistas y pruebas de usabilidad con clientes",
            "Mantendrás nuestro sistema de diseño coherente y accesible",
        ),
    },
    "product": {
        "en": (
            "Own the roadmap for one of our product areas",
            "Talk to customers every week and turn what you hear into priorities",
            "Coordinate engineering, design and sales around each release",
        ),
        "de": (
            "Du verantwortest die Roadmap eines Produktbereichs",
            "Du sprichst regelmäßig mit Kunden und leitest daraus Prioritäten ab",
            "Du koordinierst Entwicklung, Design und Vertrieb für jedes Release",
        ),
        "es": (
            "Serás responsable del roadmap de un área de producto",
            "Hablarás con clientes cada semana y definirás prioridades",
            "Coordinarás ingeniería, diseño y ventas en cada lanzamiento",
        ),
    },
    "sales": {
        "en": (
            "Build relationships with new and existing customers",
            "Manage your pipeline from first call to signed contract",
            "Represent our products at customer sites and trade fairs",
        ),
        "de": (
            "Du baust Beziehungen zu neuen und bestehenden Kunden auf",
            "Du betreust deine Verkaufschancen vom Erstkontakt bis zum Abschluss",
            "Du vertrittst unsere Produkte bei Kunden und auf Messen",
        ),
        "es": (
            "Crearás relaciones con clientes nuevos y actuales",
            "Gestionarás tus oportunidades desde la primera llamada hasta el cierre",
            "Representarás nuestros productos ante clientes y en ferias",
        ),
    },
    "marketing": {
        "en": (
            "Plan and run campaigns across search, social and email",
            "Measure what works and move budget to it",
            "Write and edit content that brings in customers",
        ),
        "de": (
            "Du planst und steuerst Kampagnen über Suche, Social Media und E-Mail",
            "Du misst, was wirkt, und verteilst das Budget entsprechend",
            "Du erstellst Inhalte, die neue Kunden gewinnen",
        ),
        "es": (
            "Planificarás campañas en buscadores, redes sociales y email",
            "Medirás qué funciona y ajustarás el presupuesto",
            "Crearás contenidos que atraen clientes",
        ),
    },
    "finance": {
        "en": (
            "Prepare monthly and annual closings",
            "Reconcile accounts and keep our books audit-ready",
            "Support budgeting and forecasting with clear reports",
        ),
        "de": (
            "Du erstellst Monats- und Jahresabschlüsse",
            "Du stimmst Konten ab und hältst die Buchhaltung prüfungssicher",
            "Du unterstützt Budgetplanung und Forecasts mit klaren Berichten",
        ),
        "es": (
            "Prepararás los cierres mensuales y anuales",
            "Conciliarás cuentas y mantendrás la contabilidad al día",
            "Apoyarás el presupuesto y las previsiones con informes claros",
        ),
    },
    "hr": {
        "en": (
            "Run hiring processes from job ad to signed offer",
            "Advise managers on people questions",
            "Make the first weeks of every new colleague a good experience",
        ),
        "de": (
            "Du begleitest Einstellungen von der Anzeige bis zum Vertrag",
            "Du berätst Führungskräfte in allen Personalfragen",
            "Du sorgst für ein gutes Onboarding neuer Kolleginnen und Kollegen",
        ),
        "es": (
            "Gestionarás procesos de selección de principio a fin",
            "Asesorarás a los responsables en temas de personas",
            "Cuidarás la incorporación de cada nueva persona",
        ),
    },
    "support": {
        "en": (
            "Help customers by chat, email and phone",
            "Solve problems yourself or route them to the right team",
            "Turn common questions into help-centre articles",
        ),
        "de": (
            "Du hilfst Kunden per Chat, E-Mail und Telefon",
            "Du löst Anliegen selbst oder gibst sie an das richtige Team weiter",
            "Du schreibst Hilfeartikel zu häufigen Fragen",
        ),
        "es": (
            "Ayudarás a clientes por chat, email y teléfono",
            "Resolverás incidencias o las derivarás al equipo adecuado",
            "Escribirás artículos de ayuda para las dudas frecuentes",
        ),
    },
    "health": {
        "en": (
            "Care for patients on a friendly, well-staffed ward",
            "Plan and document care together with doctors and therapists",
            "Support patients and families through their stay",
        ),
        "de": (
            "Du versorgst Patientinnen und Patienten auf einer gut besetzten Station",
            "Du planst und dokumentierst die Pflege im interdisziplinären Team",
            "Du begleitest Patienten und Angehörige während des Aufenthalts",
        ),
        "es": (
            "Cuidarás de pacientes en una planta con buena dotación de personal",
            "Planificarás y registrarás los cuidados junto al equipo médico",
            "Acompañarás a pacientes y familias durante su estancia",
        ),
    },
    "logistics": {
        "en": (
            "Receive, store and ship goods safely and on time",
            "Keep stock levels accurate in our warehouse system",
            "Work in a team that plans each shift together",
        ),
        "de": (
            "Du nimmst Ware an, lagerst sie ein und versendest sie pünktlich",
            "Du hältst die Bestände in unserem Lagersystem aktuell",
            "Du arbeitest in einem Team, das jede Schicht gemeinsam plant",
        ),
        "es": (
            "Recibirás, almacenarás y enviarás mercancía a tiempo",
            "Mantendrás el inventario al día en nuestro sistema",
            "Trabajarás en un equipo que planifica cada turno en conjunto",
        ),
    },
    "hospitality": {
        "en": (
            "Welcome guests and make their visit memorable",
            "Keep your station clean, stocked and ready for service",
            "Work shifts with a friendly, international team",
        ),
        "de": (
            "Du empfängst unsere Gäste und sorgst für einen schönen Aufenthalt",
            "Du hältst deinen Bereich sauber und einsatzbereit",
            "Du arbeitest im Schichtdienst in einem herzlichen Team",
        ),
        "es": (
            "Recibirás a los clientes y cuidarás de su experiencia",
            "Mantendrás tu zona limpia y preparada para el servicio",
            "Trabajarás por turnos en un equipo cercano",
        ),
    },
    "teaching": {
        "en": (
            "Plan and teach engaging lessons",
            "Follow each learner's progress and talk with families",
            "Work with colleagues on our curriculum",
        ),
        "de": (
            "Du planst und gestaltest abwechslungsreichen Unterricht",
            "Du begleitest die Entwicklung jedes Kindes und sprichst mit den Eltern",
            "Du entwickelst mit dem Kollegium unser pädagogisches Konzept weiter",
        ),
        "es": (
            "Prepararás e impartirás clases dinámicas",
            "Seguirás el progreso de cada alumno y hablarás con las familias",
            "Colaborarás con el claustro en el proyecto educativo",
        ),
    },
    "trades": {
        "en": (
            "Install, maintain and repair equipment on our sites",
            "Read drawings and plan your work with the site team",
            "Keep every job safe and up to code",
        ),
        "de": (
            "Du installierst, wartest und reparierst Anlagen bei unseren Kunden",
            "Du liest Pläne und stimmst dich mit dem Team auf der Baustelle ab",
            "Du arbeitest sicher und nach den geltenden Vorschriften",
        ),
        "es": (
            "Instalarás, mantendrás y repararás equipos en nuestras obras",
            "Interpretarás planos y organizarás el trabajo con el equipo",
            "Trabajarás siempre con seguridad y según la normativa",
        ),
    },
    "admin": {
        "en": (
            "Keep the office running smoothly",
            "Organise meetings, travel and events",
            "Be the first point of contact for visitors and colleagues",
        ),
        "de": (
            "Du sorgst für einen reibungslosen Büroalltag",
            "Du organisierst Termine, Reisen und Veranstaltungen",
            "Du bist erste Ansprechperson für Gäste und Kollegen",
        ),
        "es": (
            "Harás que la oficina funcione sin problemas",
            "Organizarás reuniones, viajes y eventos",
            "Serás el primer punto de contacto para visitas y compañeros",
        ),
    },
    "legal": {
        "en": (
            "Draft and review contracts and policies",
            "Keep our processes compliant with the rules that apply to us",
            "Advise teams on legal and regulatory questions",
        ),
        "de": (
            "Du entwirfst und prüfst Verträge und Richtlinien",
            "Du stellst sicher, dass unsere Prozesse regelkonform sind",
            "Du berätst Fachbereiche in rechtlichen Fragen",
        ),
        "es": (
            "Redactarás y revisarás contratos y políticas",
            "Velarás por que nuestros procesos cumplan la normativa",
            "Asesorarás a los equipos en cuestiones legales",
        ),
    },
}

REQUIREMENT: dict[Lang, tuple[str, ...]] = {
    "en": ("Experience with {}", "Good working knowledge of {}", "Confident with {}"),
    "de": ("Erfahrung mit {}", "Sicherer Umgang mit {}", "Kenntnisse in {}"),
    "es": ("Experiencia con {}", "Buen manejo de {}", "Conocimientos de {}"),
}
LANGUAGE_REQUIREMENT: dict[Lang, str] = {
    "en": "Good written and spoken English",
    "de": "Sehr gute Deutschkenntnisse",
    "es": "Español fluido; el inglés es un plus",
}
BENEFITS: dict[Lang, tuple[str, ...]] = {
    "en": (
        "30 days of paid holiday",
        "A yearly learning budget",
        "Flexible working hours",
        "Company pension scheme",
        "Public transport pass",
        "Health insurance for your family",
        "Free lunch on office days",
        "Paid parental leave",
    ),
    "de": (
        "30 Tage Urlaub",
        "Jährliches Weiterbildungsbudget",
        "Flexible Arbeitszeiten",
        "Betriebliche Altersvorsorge",
        "Deutschlandticket als Jobticket",
        "JobRad",
        "Zuschuss zur Kinderbetreuung",
        "Unbefristeter Arbeitsvertrag",
    ),
    "es": (
        "23 días laborables de vacaciones",
        "Presupuesto anual de formación",
        "Horario flexible",
        "Seguro médico privado",
        "Ticket restaurante",
        "Jornada intensiva en verano",
        "Retribución flexible",
        "Contrato indefinido",
    ),
}
INTRO: dict[Lang, str] = {
    "en": "{company} is looking for a {title} to join our {department} team in {city}.",
    "de": "{company} sucht zum nächstmöglichen Zeitpunkt eine/n {title} für unser Team "
    "{department} in {city}.",
    "es": "En {company} buscamos {title} para nuestro equipo de {department} en {city}.",
}
HEADINGS: dict[Lang, tuple[str, str, str]] = {
    "en": ("What you will do", "What you bring", "What we offer"),
    "de": ("Deine Aufgaben", "Dein Profil", "Wir bieten"),
    "es": ("Tus funciones", "Tu perfil", "Qué ofrecemos"),
}
MODE_SENTENCE: dict[str, dict[Lang, str]] = {
    "remote": {
        "en": "This is a fully remote role: work from anywhere in {country}.",
        "de": "Die Stelle ist komplett remote: du arbeitest von überall in {country}.",
        "es": "Puesto en remoto: trabajo 100% remoto desde cualquier lugar de {country}.",
    },
    "hybrid": {
        "en": "Hybrid: two days a week in our {city} office, the rest from home.",
        "de": "Hybrid: zwei Tage pro Woche im Büro in {city}, sonst mobiles Arbeiten.",
        "es": "Modelo híbrido: dos días a la semana en la oficina de {city}.",
    },
    "onsite": {
        "en": "This role is on-site at our {city} location.",
        "de": "Die Tätigkeit findet vor Ort an unserem Standort {city} statt.",
        "es": "Trabajo presencial en nuestro centro de {city}.",
    },
}
DEMO_NOTE: dict[Lang, str] = {
    "en": "This is a demo posting written for JobScout; the company is fictional.",
    "de": "Dies ist eine Demo-Anzeige für JobScout; das Unternehmen ist erfunden.",
    "es": "Esta es una oferta de demostración para JobScout; la empresa es ficticia.",
}
LEVELS: dict[Lang, tuple[tuple[str, float], ...]] = {
    "en": (("Junior {}", 0.75), ("{}", 1.0), ("{}", 1.0), ("Senior {}", 1.3), ("Lead {}", 1.5)),
    "de": (("Junior {}", 0.75), ("{}", 1.0), ("{}", 1.0), ("Senior {}", 1.3)),
    "es": (("{} Junior", 0.75), ("{}", 1.0), ("{}", 1.0), ("{} Senior", 1.3)),
}
COUNTRY_NAMES: dict[str, dict[Lang, str]] = {
    "DE": {"de": "Deutschland"},
    "AT": {"de": "Österreich"},
    "CH": {"de": "der Schweiz"},
    "ES": {"es": "España"},
    "MX": {"es": "México"},
}
# Monthly pay is how these sectors state salaries in German- and Spanish-speaking countries.
MONTHLY_SECTORS = frozenset({"health", "hospitality", "teaching", "trades", "logistics", "admin"})


def generate() -> dict[str, bytes]:
    """Every file of the catalogue by its path under data/demo/, as bytes."""
    files: dict[str, bytes] = {}
    for company in COMPANIES:
        postings = list(_postings(company))
        for name, content in _render(company, postings):
            files[f"{company.kind}/{name}"] = content
    return dict(sorted(files.items()))


def demo_files() -> list[tuple[str, bytes, SourceKind]]:
    """The committed catalogue as shipped in the package: (path under data/demo/, raw reply,
    kind), the kind being the name of the file's folder."""
    root = resources.files(__package__ or "crawlers").joinpath("data", "demo")
    found: list[tuple[str, bytes, SourceKind]] = []
    for folder in sorted(root.iterdir(), key=lambda entry: entry.name):
        if folder.is_dir():
            for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
                if entry.is_file():
                    found.append(
                        (f"{folder.name}/{entry.name}", entry.read_bytes(), SourceKind(folder.name))
                    )
    return found


def write(out: Path = OUT) -> int:
    """Replace the files under ``out`` with a fresh catalogue; returns the number of files."""
    files = generate()
    if out.exists():
        for old in sorted(out.rglob("*"), reverse=True):
            if old.is_file():
                old.unlink()
            else:
                old.rmdir()
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return len(files)


# --- postings ---------------------------------------------------------------------------------


def _postings(company: Company) -> Iterator[Posting]:
    rng = random.Random(f"{SEED}:{company.token}")
    roles = [role for role in ROLES if role.sector in company.sectors]
    # The company's first sector is what it mostly hires for.
    weights = [3 if role.sector == company.sectors[0] else 1 for role in roles]
    # One posting per role and company: two postings of one role differ in little more than
    # the city, and dedupe rightly takes them for one job.
    for index in range(min(company.jobs, len(roles))):
        role = rng.choices(roles, weights)[0]
        weights[roles.index(role)] = 0
        lang = company.lang
        title, factor = role.titles[lang], 1.0
        if role.levels:
            pattern, factor = rng.choice(LEVELS[lang])
            title = pattern.format(title)
        city = rng.choice(company.cities)
        mode = rng.choice(role.modes)
        period = role.period
        low, high = role.pay
        if period == "year" and lang != "en" and role.sector in MONTHLY_SECTORS:
            period, low, high = "month", low / 12, high / 12
        salary = None
        if rng.random() < 0.8:
            scale = factor * company.pay_level / company.eur_per_unit
            step = {"year": 1000.0, "month": 50.0, "hour": 0.5}[period]
            salary = (_round(low * scale, step), _round(high * scale, step), period)
        expired = company.kind == "page" and rng.random() < 0.2
        skills = list(role.skills)
        rng.shuffle(skills)
        requirement = REQUIREMENT[lang]
        yield Posting(
            company=company,
            role=role,
            id=_id(company, rng, index),
            title=title,
            city=city,
            mode=mode,
            employment=role.employment,
            salary=salary,
            expired_on=rng.choice(EXPIRED_ON) if expired else None,
            duties=tuple(rng.sample(DUTIES[role.sector][lang], 3)),
            requirements=(
                *(rng.choice(requirement).format(skill) for skill in skills[:3]),
                LANGUAGE_REQUIREMENT[lang],
            ),
            benefits=tuple(rng.sample(BENEFITS[lang], 3)),
            department=SECTOR_DEPARTMENTS[role.sector][lang],
        )


def _round(value: float, step: float) -> float:
    rounded = round(value / step) * step
    return float(int(rounded)) if rounded == int(rounded) else round(rounded, 2)


def _id(company: Company, rng: random.Random, index: int) -> str:
    if company.kind == "greenhouse":
        return str(rng.randrange(4_000_000_000, 8_000_000_000))
    if company.kind in ("lever", "ashby"):
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if company.kind == "workable":
        return f"{rng.getrandbits(40):010X}"
    if company.kind == "smartrecruiters":
        return str(rng.randrange(744_000_000_000_000, 745_000_000_000_000))
    return f"{company.token[:3].upper()}-{2400 + index}"


def _country(company: Company) -> str:
    return COUNTRY_NAMES.get(company.country, {}).get(company.lang, company.country_name)


def _description_html(posting: Posting) -> str:
    company, lang = posting.company, posting.company.lang
    esc = html.escape
    intro = INTRO[lang].format(
        company=company.name,
        title=posting.title,
        department=posting.department,
        city=_city_name(posting.city),
    )
    mode = MODE_SENTENCE[posting.mode][lang].format(
        city=_city_name(posting.city), country=_country(company)
    )
    heads = HEADINGS[lang]
    parts = [f"<p>{esc(intro)}</p>"]
    for heading, items in zip(
        heads, (posting.duties, posting.requirements, posting.benefits), strict=True
    ):
        bullets = "".join(f"<li>{esc(item)}</li>" for item in items)
        parts.append(f"<h3>{esc(heading)}</h3><ul>{bullets}</ul>")
    parts.append(f"<p>{esc(mode)}</p>")
    parts.append(f"<p><em>{esc(DEMO_NOTE[lang])}</em></p>")
    return "".join(parts)


def _description_text(posting: Posting) -> str:
    """The same description as plain text (Lever and Ashby send both)."""
    company, lang = posting.company, posting.company.lang
    heads = HEADINGS[lang]
    lines = [
        INTRO[lang].format(
            company=company.name,
            title=posting.title,
            department=posting.department,
            city=_city_name(posting.city),
        ),
        "",
    ]
    for heading, items in zip(
        heads, (posting.duties, posting.requirements, posting.benefits), strict=True
    ):
        lines += [heading, *(f"- {item}" for item in items), ""]
    lines.append(
        MODE_SENTENCE[posting.mode][lang].format(
            city=_city_name(posting.city), country=_country(company)
        )
    )
    lines.append(DEMO_NOTE[lang])
    return "\n".join(lines)


def _city_name(city: str) -> str:
    return city.split(",")[0]


def _location(posting: Posting) -> str:
    """The location line as boards write it."""
    company = posting.company
    if posting.mode == "remote":
        return f"Remote - {company.country_name}"
    if "," in posting.city:
        return posting.city  # "Austin, TX"
    return f"{posting.city}, {company.country_name}"


def _url(posting: Posting) -> str:
    company = posting.company
    if company.kind in ("greenhouse",):
        return f"https://{company.host}/{company.token}/jobs/{posting.id}"
    if company.kind in ("lever", "ashby"):
        return f"https://{company.host}/{company.token}/{posting.id}"
    if company.kind == "workable":
        return f"https://{company.host}/{company.token}/j/{posting.id}"
    if company.kind == "smartrecruiters":
        slug = "-".join(_slug(posting.title).split("-")[:6])
        return f"https://{company.host}/{company.token}/{posting.id}-{slug}"
    return f"https://{company.host}/jobs/{posting.id.lower()}"


def _slug(text: str) -> str:
    folded = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in folded.split("-") if part)


# --- rendering, one function per format ---------------------------------------------------------

_EMPLOYMENT_WORDS: dict[str, dict[str, str]] = {
    # as each format writes the employment type
    "greenhouse": {
        "full_time": "Full-time",
        "part_time": "Part-time",
        "contract": "Contract",
        "internship": "Intern",
        "temporary": "Temporary",
    },
    "lever": {
        "full_time": "Full-time",
        "part_time": "Part-time",
        "contract": "Contractor",
        "internship": "Internship",
        "temporary": "Temporary",
    },
    "ashby": {
        "full_time": "FullTime",
        "part_time": "PartTime",
        "contract": "Contract",
        "internship": "Intern",
        "temporary": "Temporary",
    },
    "workable": {
        "full_time": "Full-time",
        "part_time": "Part-time",
        "contract": "Contract",
        "internship": "Internship",
        "temporary": "Temporary",
    },
    "smartrecruiters": {
        "full_time": "Full-time",
        "part_time": "Part-time",
        "contract": "Contract",
        "internship": "Internship",
        "temporary": "Temporary",
    },
    "page": {
        "full_time": "FULL_TIME",
        "part_time": "PART_TIME",
        "contract": "CONTRACTOR",
        "internship": "INTERN",
        "temporary": "TEMPORARY",
    },
}
_PERIOD_WORDS: dict[str, dict[str, str]] = {
    "greenhouse": {"year": "Annually", "month": "Monthly", "hour": "Hourly"},
    "lever": {"year": "per-year-salary", "month": "per-month-salary", "hour": "per-hour-wage"},
    "ashby": {"year": "1 YEAR", "month": "1 MONTH", "hour": "1 HOUR"},
    "smartrecruiters": {"year": "YEARLY", "month": "MONTHLY", "hour": "HOURLY"},
    "page": {"year": "YEAR", "month": "MONTH", "hour": "HOUR"},
}
_WORKPLACE_WORDS: dict[str, dict[str, str]] = {
    "greenhouse": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On-site"},
    "lever": {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"},
    "ashby": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "OnSite"},
}


def _render(company: Company, postings: list[Posting]) -> Iterator[tuple[str, bytes]]:
    if company.kind == "greenhouse":
        reply: Any = {"jobs": [_greenhouse(p) for p in postings], "meta": {"total": len(postings)}}
        yield f"{company.token}.json", _json(reply)
    elif company.kind == "lever":
        yield f"{company.token}.json", _json([_lever(p) for p in postings])
    elif company.kind == "ashby":
        yield (
            f"{company.token}.json",
            _json({"apiVersion": "1", "jobs": [_ashby(p) for p in postings]}),
        )
    elif company.kind == "workable":
        reply = {
            "name": company.name,
            "description": f"<p>{html.escape(DEMO_NOTE[company.lang])}</p>",
            "jobs": [_workable(p) for p in postings],
        }
        yield f"{company.token}.json", _json(reply)
    elif company.kind == "smartrecruiters":
        for posting in postings:
            yield f"{company.token}-{posting.id}.json", _json(_smartrecruiters(posting))
    else:
        yield f"{company.token}.html", _page(company, postings)


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _greenhouse(posting: Posting) -> dict[str, Any]:
    company = posting.company
    metadata: list[dict[str, Any]] = [
        {
            "id": 1,
            "name": "Employment Type",
            "value_type": "single_select",
            "value": _EMPLOYMENT_WORDS["greenhouse"][posting.employment],
        },
        {
            "id": 2,
            "name": "Workplace Type",
            "value_type": "single_select",
            "value": _WORKPLACE_WORDS["greenhouse"][posting.mode],
        },
    ]
    pay: list[dict[str, Any]] = []
    if posting.salary is not None:
        low, high, period = posting.salary
        metadata.append(
            {
                "id": 3,
                "name": "Pay Frequency",
                "value_type": "single_select",
                "value": _PERIOD_WORDS["greenhouse"][period],
            }
        )
        pay.append(
            {
                "min_cents": round(low * 100),
                "max_cents": round(high * 100),
                "currency_type": company.currency,
                "title": "Base pay",
                "blurb": "<p>The range is base pay only.</p>",
            }
        )
    url = _url(posting)
    return {
        "absolute_url": url,
        "id": int(posting.id),
        "internal_job_id": int(posting.id) // 7,
        "title": posting.title,
        "company_name": company.name,
        "language": company.lang,
        "location": {"name": _location(posting)},
        "metadata": metadata,
        "content": html.escape(_description_html(posting), quote=True),
        "departments": [
            {
                "id": 100 + hash_sector(posting.role.sector),
                "name": posting.department,
                "parent_id": None,
                "child_ids": [],
            }
        ],
        "offices": [
            {
                "id": 200 + company.cities.index(posting.city),
                "name": _city_name(posting.city),
                "location": _location(posting) if posting.mode != "remote" else None,
                "parent_id": None,
                "child_ids": [],
            }
        ],
        "pay_input_ranges": pay,
        "application_deadline": None,
    }


def hash_sector(sector: str) -> int:
    """A stable small number per sector (department ids)."""
    return sorted(SECTOR_DEPARTMENTS).index(sector)


def _lever(posting: Posting) -> dict[str, Any]:
    company = posting.company
    url = _url(posting)
    duties, requirements, benefits = HEADINGS[company.lang]
    reply: dict[str, Any] = {
        "id": posting.id,
        "text": posting.title,
        "categories": {
            "commitment": _EMPLOYMENT_WORDS["lever"][posting.employment],
            "department": posting.department,
            "team": posting.role.titles["en"],
            "location": _location(posting),
            "allLocations": [_location(posting)],
        },
        "country": company.country,
        "workplaceType": _WORKPLACE_WORDS["lever"][posting.mode],
        "description": "<div>"
        + html.escape(
            INTRO[company.lang].format(
                company=company.name,
                title=posting.title,
                department=posting.department,
                city=_city_name(posting.city),
            )
        )
        + "</div>",
        "descriptionPlain": INTRO[company.lang].format(
            company=company.name,
            title=posting.title,
            department=posting.department,
            city=_city_name(posting.city),
        ),
        "lists": [
            {
                "text": duties,
                "content": "".join(f"<li>{html.escape(d)}</li>" for d in posting.duties),
            },
            {
                "text": requirements,
                "content": "".join(f"<li>{html.escape(r)}</li>" for r in posting.requirements),
            },
            {
                "text": benefits,
                "content": "".join(f"<li>{html.escape(b)}</li>" for b in posting.benefits),
            },
        ],
        "additional": "<div>"
        + html.escape(
            MODE_SENTENCE[posting.mode][company.lang].format(
                city=_city_name(posting.city), country=_country(company)
            )
        )
        + "</div><div><i>"
        + html.escape(DEMO_NOTE[company.lang])
        + "</i></div>",
        "additionalPlain": DEMO_NOTE[company.lang],
        "hostedUrl": url,
        "applyUrl": f"{url}/apply",
    }
    if posting.salary is not None:
        low, high, period = posting.salary
        reply["salaryRange"] = {
            "currency": company.currency,
            "interval": _PERIOD_WORDS["lever"][period],
            "min": low,
            "max": high,
        }
    return reply


def _ashby(posting: Posting) -> dict[str, Any]:
    company = posting.company
    url = _url(posting)
    city = _city_name(posting.city)
    reply: dict[str, Any] = {
        "id": posting.id,
        "title": posting.title,
        "department": posting.department,
        "team": posting.role.titles["en"],
        "employmentType": _EMPLOYMENT_WORDS["ashby"][posting.employment],
        "location": _location(posting),
        "secondaryLocations": [],
        "isListed": True,
        "isRemote": posting.mode == "remote",
        "workplaceType": _WORKPLACE_WORDS["ashby"][posting.mode],
        "address": {
            "postalAddress": {"addressLocality": city, "addressCountry": company.country_name}
        },
        "jobUrl": url,
        "applyUrl": f"{url}/application",
        "descriptionHtml": _description_html(posting),
        "descriptionPlain": _description_text(posting),
        "shouldDisplayCompensationOnJobPostings": posting.salary is not None,
    }
    if posting.salary is not None:
        low, high, period = posting.salary
        symbol = {"USD": "$", "EUR": "€", "CHF": "CHF "}.get(company.currency, "")
        summary = f"{symbol}{low:,.0f} – {symbol}{high:,.0f}"
        component = {
            "compensationType": "Salary",
            "interval": _PERIOD_WORDS["ashby"][period],
            "currencyCode": company.currency,
            "minValue": low,
            "maxValue": high,
            "summary": summary,
        }
        reply["compensation"] = {
            "compensationTierSummary": summary,
            "scrapeableCompensationSalarySummary": summary,
            "compensationTiers": [
                {"title": company.country_name, "tierSummary": summary, "components": [component]}
            ],
            "summaryComponents": [component],
        }
    return reply


def _workable(posting: Posting) -> dict[str, Any]:
    company = posting.company
    url = _url(posting)
    city = _city_name(posting.city)
    duties, requirements, benefits = HEADINGS[company.lang]
    intro = INTRO[company.lang].format(
        company=company.name, title=posting.title, department=posting.department, city=city
    )
    mode = MODE_SENTENCE[posting.mode][company.lang].format(city=city, country=_country(company))
    salary = ""
    if posting.salary is not None:
        low, high, period = posting.salary
        words = {
            "en": {"year": "per year", "month": "per month", "hour": "per hour"},
            "de": {"year": "pro Jahr", "month": "pro Monat", "hour": "pro Stunde"},
            "es": {"year": "al año", "month": "al mes", "hour": "por hora"},
        }[company.lang]
        label = {"en": "Salary", "de": "Gehalt", "es": "Salario"}[company.lang]
        salary = (
            f"<p>{label}: {_amount(low, company)} – {_amount(high, company)} {words[period]}</p>"
        )
    return {
        "title": posting.title,
        "shortcode": posting.id,
        "code": "",
        "employment_type": _EMPLOYMENT_WORDS["workable"][posting.employment],
        "telecommuting": posting.mode == "remote",
        "department": posting.department,
        "url": url,
        "shortlink": url,
        "application_url": f"{url}/apply",
        "country": company.country_name,
        "city": city,
        "state": "",
        "locations": [
            {
                "country": company.country_name,
                "countryCode": company.country,
                "city": city,
                "region": "",
                "hidden": False,
            }
        ],
        "description": f"<p>{html.escape(intro)}</p><h3>{html.escape(duties)}</h3><ul>"
        + "".join(f"<li>{html.escape(d)}</li>" for d in posting.duties)
        + "</ul>"
        + f"<p>{html.escape(mode)}</p>"
        + salary,
        "requirements": f"<h3>{html.escape(requirements)}</h3><ul>"
        + "".join(f"<li>{html.escape(r)}</li>" for r in posting.requirements)
        + "</ul>",
        "benefits": f"<h3>{html.escape(benefits)}</h3><ul>"
        + "".join(f"<li>{html.escape(b)}</li>" for b in posting.benefits)
        + "</ul>"
        + f"<p><em>{html.escape(DEMO_NOTE[company.lang])}</em></p>",
    }


def _amount(value: float, company: Company) -> str:
    """An amount as the posting's language writes it, with its currency sign."""
    digits = f"{value:,.2f}" if value != int(value) else f"{value:,.0f}"
    if company.lang in ("de", "es"):
        digits = digits.replace(",", "\0").replace(".", ",").replace("\0", ".")
    sign = {"EUR": "€", "GBP": "£", "USD": "$", "AUD": "A$", "CAD": "C$"}.get(company.currency)
    if sign is None:
        return f"{digits} {company.currency}"
    return f"{sign}{digits}" if company.lang == "en" else f"{digits} {sign}"


def _smartrecruiters(posting: Posting) -> dict[str, Any]:
    company = posting.company
    url = _url(posting)
    city = _city_name(posting.city)
    intro = INTRO[company.lang].format(
        company=company.name, title=posting.title, department=posting.department, city=city
    )
    mode = MODE_SENTENCE[posting.mode][company.lang].format(city=city, country=_country(company))
    duties, requirements, benefits = HEADINGS[company.lang]

    def bullets(items: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"

    reply: dict[str, Any] = {
        "id": posting.id,
        "name": posting.title,
        "uuid": str(uuid.UUID(int=int(posting.id) * 7919, version=4)),
        "refNumber": f"REF{int(posting.id) % 100000:05d}",
        "company": {"identifier": company.token, "name": company.name},
        "location": {
            "city": city,
            "country": company.country.lower(),
            "remote": posting.mode == "remote",
            "hybrid": posting.mode == "hybrid",
            "fullLocation": f"{city}, {company.country_name}",
        },
        "department": {
            "id": str(100 + hash_sector(posting.role.sector)),
            "label": posting.department,
        },
        "typeOfEmployment": {
            "id": posting.employment,
            "label": _EMPLOYMENT_WORDS["smartrecruiters"][posting.employment],
        },
        "language": {"code": company.lang},
        "visibility": "PUBLIC",
        "active": True,
        "jobAd": {
            "sections": {
                "companyDescription": {
                    "title": company.name,
                    "text": f"<p>{html.escape(DEMO_NOTE[company.lang])}</p>",
                },
                "jobDescription": {
                    "title": duties,
                    "text": f"<p>{html.escape(intro)}</p>" + bullets(posting.duties),
                },
                "qualifications": {"title": requirements, "text": bullets(posting.requirements)},
                "additionalInformation": {
                    "title": benefits,
                    "text": bullets(posting.benefits) + f"<p>{html.escape(mode)}</p>",
                },
            }
        },
        "applyUrl": f"{url}?oga=true",
        "postingUrl": url,
    }
    if posting.salary is not None:
        low, high, period = posting.salary
        reply["compensation"] = {
            "min": low,
            "max": high,
            "currency": company.currency,
            "period": _PERIOD_WORDS["smartrecruiters"][period],
        }
    return reply


def _jsonld(posting: Posting) -> dict[str, Any]:
    company = posting.company
    city = _city_name(posting.city)
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": posting.title,
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": posting.id},
        "hiringOrganization": {
            "@type": "Organization",
            "name": company.name,
            "sameAs": f"https://{company.host}/",
        },
        "employmentType": _EMPLOYMENT_WORDS["page"][posting.employment],
        "inLanguage": company.lang,
        "url": _url(posting),
        "directApply": True,
        "description": _description_html(posting),
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": city,
                "addressCountry": company.country,
            },
        },
    }
    if posting.mode == "remote":
        node["jobLocationType"] = "TELECOMMUTE"
        node["applicantLocationRequirements"] = {"@type": "Country", "name": company.country_name}
    if posting.salary is not None:
        low, high, period = posting.salary
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": company.currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": low,
                "maxValue": high,
                "unitText": _PERIOD_WORDS["page"][period],
            },
        }
    if posting.expired_on is not None:
        node["datePosted"] = f"{posting.expired_on[:4]}-01-15"
        node["validThrough"] = f"{posting.expired_on}T23:59:59+00:00"
    return node


_PAGE_TEXT: dict[Lang, tuple[str, str]] = {
    "en": ("Careers at {}", "Open positions"),
    "de": ("Karriere bei {}", "Offene Stellen"),
    "es": ("Empleo en {}", "Ofertas de empleo"),
}


def _page(company: Company, postings: list[Posting]) -> bytes:
    esc = html.escape
    heading, listing = _PAGE_TEXT[company.lang]
    blocks = json.dumps([_jsonld(p) for p in postings], indent=1, ensure_ascii=False)
    # "</" inside a script would end it early: JSON allows the escaped slash.
    blocks = blocks.replace("</", "<\\/")
    items = "\n".join(
        f'   <li><a href="{esc(_url(p))}">{esc(p.title)}</a> · {esc(_city_name(p.city))}</li>'
        for p in postings
    )
    page = f"""<!DOCTYPE html>
<html lang="{company.lang}">
<head>
 <meta charset="utf-8">
 <title>{esc(heading.format(company.name))}</title>
 <link rel="canonical" href="https://{company.host}/jobs">
 <script type="application/ld+json">
{blocks}
 </script>
</head>
<body>
 <h1>{esc(heading.format(company.name))}</h1>
 <p>{esc(DEMO_NOTE[company.lang])}</p>
 <h2>{esc(listing)}</h2>
 <ul>
{items}
 </ul>
</body>
</html>
"""
    return page.encode("utf-8")


if __name__ == "__main__":
    count = write()
    total = sum(path.stat().st_size for path in OUT.rglob("*") if path.is_file())
    import sys

    sys.stdout.write(f"wrote {count} files, {total} bytes, to {OUT}\n")
