"""Benchmark: `watcher tickets import` of generated tickets into SQLite.

Requirement: importing 100,000 tickets into a fresh SQLite database completes in
under 60 s on the 2-core reference machine.

The script writes a realistic tickets CSV in the Tickets interchange format
(Polish and English tickets, customers with several tickets, consistent
timestamps), then runs the real `watcher` console script three times against a
fresh SQLite database:

1. first import: fresh database, includes the schema migration;
2. the same file again: every ticket unchanged;
3. a file where 10% of the tickets changed status and/or solved_at.

It prints wall-clock seconds, rows/s and the peak RSS of each child process,
checks the import summaries, and exits 1 if the first import exceeds --budget
seconds (2 if an import fails or reports unexpected counts).

    .venv/bin/python bench/bench_ticket_import.py [--count N] [--seed N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

COLUMNS = (
    "id", "subject", "description", "status", "priority", "category", "customer_id",
    "requester_name", "requester_email", "requester_phone", "requester_handles",
    "customer_tier", "created_at", "first_response_at", "solved_at", "channel",
    "compensation", "tags",
)  # fmt: skip
WARSAW = ZoneInfo("Europe/Warsaw")
EPOCH = datetime(2024, 11, 1, tzinfo=UTC)  # tickets are spread over two years from here
SPAN = timedelta(days=730)
CHANGED_SHARE = 0.10
SUMMARY = re.compile(r"created (\d+), updated (\d+), unchanged (\d+), skipped (\d+)")

# --- people --------------------------------------------------------------------------------

PL_FIRST = (
    "Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Paweł", "Agnieszka",
    "Krzysztof", "Magdalena", "Michał", "Joanna", "Łukasz", "Ewa", "Grzegorz", "Zofia",
    "Wojciech", "Barbara", "Marcin", "Aleksandra", "Jakub", "Dorota", "Mateusz", "Halina",
    "Bartłomiej", "Żaneta", "Szymon", "Urszula", "Przemysław", "Jadwiga", "Dariusz", "Iwona",
)  # fmt: skip
PL_LAST = (
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
    "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Majewski", "Olszewski",
    "Stępień", "Malinowski", "Jaworski", "Górski", "Rutkowski", "Sikora", "Baran", "Żak",
)  # fmt: skip
EN_FIRST = (
    "James", "Emma", "Oliver", "Sophie", "Mark", "Chloe", "Daniel", "Hannah", "Liam",
    "Grace", "Thomas", "Amelia", "George", "Isla", "Ryan", "Megan", "Adam", "Laura",
)  # fmt: skip
EN_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Davies", "Walker",
    "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "O'Brien", "Murphy",
)  # fmt: skip
COMPANY_PL = (
    "Biuro Rachunkowe", "Kancelaria", "Serwis", "Piekarnia", "Hurtownia", "Studio",
    "Przychodnia", "Pracownia", "Sklep", "Warsztat",
)  # fmt: skip
PL_DOMAINS = ("example.pl", "poczta.example.pl", "wp.example.pl", "onet.example.pl")
EN_DOMAINS = ("example.com", "mail.example.com", "example.co.uk")
PLATFORMS = ("twitter", "reddit", "mastodon", "facebook", "wykop", "instagram")
ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ", "'")

# --- what tickets say ------------------------------------------------------------------------

CITIES = (
    "Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Szczecin", "Lublin",
    "Białystok", "Katowice", "Rzeszów", "Toruń", "Olsztyn", "Zielona Góra",
)  # fmt: skip
DEVICES = ("modem", "router", "dekoder", "ONT", "punkt dostępowy", "telefon")
EN_DEVICES = ("modem", "router", "set-top box", "ONT", "access point", "phone")
WEEKDAYS_PL = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")
ON_WEEKDAYS_PL = (
    "w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę",
)  # fmt: skip
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# category: (Polish subjects, English subjects, Polish details, English details)
TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "outage": (
        (
            "Brak internetu od {days} dni",
            "Awaria internetu – {city}",
            "Internet nie działa od {weekday_pl}",
            "Ciągłe zrywanie połączenia",
            "Firma bez internetu!!!",
        ),
        (
            "No internet for {days} days",
            "Internet down since {weekday_en}",
            "Connection keeps dropping",
            "Outage in {city}",
        ),
        (
            "Od {days} dni nie działa internet, {device} miga na czerwono.",
            "Połączenie zrywa się co {minutes} minut, restart urządzenia nic nie daje.",
            "Sąsiedzi też nie mają internetu, to chyba awaria w okolicy ({city}).",
            "Pracuję zdalnie i przez awarię tracę pieniądze.",
            "Infolinia obiecała technika {on_weekday_pl}, nikt się nie pojawił.",
        ),
        (
            "The internet has been down for {days} days and the {device_en} light is red.",
            "The connection drops every {minutes} minutes, rebooting does not help.",
            "My neighbours have the same problem, it looks like an area outage.",
            "I work from home and cannot work at all.",
        ),
    ),
    "speed": (
        (
            "Prędkość dużo niższa niż w umowie",
            "Wolny internet wieczorami",
            "Zamiast {mbps} Mb/s mam {low} Mb/s",
        ),
        (
            "Speed far below contract",
            "Slow internet in the evenings",
            "Paying for {mbps} Mbps, getting {low}",
        ),
        (
            "Płacę za {mbps} Mb/s, a speedtest pokazuje {low} Mb/s.",
            "Wieczorami nie da się obejrzeć filmu, wszystko się buforuje.",
            "Testowałem po kablu, wynik ten sam: {low} Mb/s.",
        ),
        (
            "I pay for {mbps} Mbps and the speed test shows {low} Mbps.",
            "Streaming buffers every evening between 7 and 11 pm.",
            "Tested on a cable connection, same result: {low} Mbps.",
        ),
    ),
    "billing": (
        (
            "Faktura zawyżona",
            "Podwójna opłata na fakturze za {month_pl}",
            "Błędna kwota na fakturze",
            "Prośba o korektę faktury nr FV/{number}/{year}",
        ),
        (
            "Overcharged on my bill",
            "Double charge on the {month_en} invoice",
            "Wrong amount on invoice {number}",
        ),
        (
            "Na fakturze naliczono {amount} zł za usługę, której nie zamawiałem.",
            "Opłata aktywacyjna pojawiła się dwa razy.",
            "Proszę o korektę i zwrot nadpłaty na konto.",
            "Od {months} miesięcy płacę więcej niż w umowie.",
        ),
        (
            "I was charged {amount} PLN for a service I never ordered.",
            "The activation fee appears twice on the invoice.",
            "Please correct the invoice and refund the difference.",
        ),
    ),
    "installation": (
        (
            "Instalacja opóźniona",
            "Technik nie przyszedł",
            "Kiedy podłączenie światłowodu?",
            "Przełożona instalacja w {city}",
        ),
        (
            "Installation delayed",
            "Technician did not show up",
            "When will the fibre be connected?",
        ),
        (
            "Technik miał przyjść {on_weekday_pl}, nikt nie przyszedł ani nie zadzwonił.",
            "Umowa podpisana {days} dni temu, abonament naliczony, a usługi brak.",
            "Termin instalacji przesunięto już {times} razy.",
        ),
        (
            "The technician was due on {weekday_en} and never came.",
            "I signed the contract {days} days ago and I am already being billed.",
            "The installation date has been moved {times} times.",
        ),
    ),
    "equipment": (
        (
            "Uszkodzony {device}",
            "Wymiana sprzętu",
            "{device} się przegrzewa i restartuje",
        ),
        (
            "Broken {device_en}",
            "Equipment replacement",
            "The {device_en} overheats and restarts",
        ),
        (
            "{device} restartuje się kilka razy dziennie.",
            "Proszę o wymianę urządzenia na nowe, to już drugi raz.",
            "Po burzy {device} przestał działać.",
        ),
        (
            "The {device_en} restarts several times a day.",
            "Please send a replacement, this is the second time.",
            "The {device_en} stopped working after a storm.",
        ),
    ),
    "contract": (
        (
            "Wypowiedzenie umowy",
            "Zmiana pakietu",
            "Podwyżka abonamentu bez zgody",
            "Przeniesienie usługi na nowy adres",
        ),
        (
            "Contract termination",
            "Change of plan",
            "Price increase without consent",
            "Moving the service to a new address",
        ),
        (
            "Chcę wypowiedzieć umowę z zachowaniem okresu wypowiedzenia.",
            "Abonament wzrósł o {amount} zł bez żadnej informacji.",
            "Przeprowadzam się do miasta {city}, proszę o przeniesienie usługi.",
        ),
        (
            "I would like to terminate my contract with the notice period.",
            "My monthly fee went up by {amount} PLN without notice.",
            "I am moving to {city}, please move my service.",
        ),
    ),
    "tv": (
        (
            "Brak sygnału TV",
            "Nie działają kanały sportowe",
            "Dekoder pokazuje błąd E{number}",
        ),
        (
            "No TV signal",
            "Sports channels missing",
            "Set-top box shows error E{number}",
        ),
        (
            "Od {weekday_pl} nie działa {channels} kanałów z pakietu.",
            "Dekoder wyświetla błąd E{number} i nie da się nic obejrzeć.",
        ),
        (
            "Since {weekday_en}, {channels} channels from my package are missing.",
            "The box displays error E{number} and nothing plays.",
        ),
    ),
    "mobile": (
        (
            "Brak zasięgu w domu",
            "Przeniesienie numeru",
            "Roaming naliczony w kraju",
        ),
        (
            "No mobile signal at home",
            "Number porting",
            "Roaming charged at home",
        ),
        (
            "W mieszkaniu ({city}) nie ma zasięgu, rozmowy się urywają.",
            "Przeniesienie numeru miało być {on_weekday_pl}, numer nadal nie działa.",
            "Naliczono roaming {amount} zł, a nie wyjeżdżałem z kraju.",
        ),
        (
            "There is no signal in my flat in {city}, calls drop.",
            "My number was supposed to be ported on {weekday_en}; it still does not work.",
            "I was charged {amount} PLN roaming without leaving the country.",
        ),
    ),
}
CLOSINGS_PL = (
    "Proszę o pilny kontakt.",
    "Proszę o informację, kiedy to zostanie naprawione.",
    "Jeśli nic się nie zmieni, złożę reklamację.",
    "Zgłaszam to już kolejny raz.",
    "Pozdrawiam.",
    "",
)
CLOSINGS_EN = (
    "Please get back to me urgently.",
    "When will this be fixed?",
    "I will escalate this if nothing changes.",
    "This is not my first report.",
    "Thanks.",
    "",
)
MONTHS_PL = (
    "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
    "wrzesień", "październik", "listopad", "grudzień",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
TAGS = {
    "outage": ("awaria", "internet", "modem", "outage", "sla"),
    "speed": ("predkosc", "speed", "wieczor", "wifi"),
    "billing": ("faktura", "billing", "zwrot", "korekta"),
    "installation": ("instalacja", "technik", "swiatlowod", "termin"),
    "equipment": ("sprzet", "router", "wymiana", "dekoder"),
    "contract": ("umowa", "wypowiedzenie", "cennik", "przeprowadzka"),
    "tv": ("tv", "dekoder", "kanaly"),
    "mobile": ("gsm", "zasieg", "przeniesienie", "roaming"),
}
COMMON_TAGS = ("vip", "powtorne", "media", "eskalacja", "firma")

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
STATUS_WEIGHTS = (6, 18, 10, 4, 32, 30)
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_WEIGHTS = (20, 55, 20, 5)
TIERS = ("standard", "business", "premium")
TIER_WEIGHTS = (75, 18, 7)
CHANNELS = ("email", "phone", "web", "chat", "social")
CHANNEL_WEIGHTS = (30, 25, 25, 15, 5)


@dataclass
class Customer:
    customer_id: str | None  # None: the helpdesk has no id, watcher keys on e-mail/phone
    name: str
    email: str | None
    phone: str | None
    handles: str
    tier: str
    polish: bool


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    peak_rss_kib: int
    summary: tuple[int, int, int, int]  # created, updated, unchanged, skipped


# --- generating ------------------------------------------------------------------------------


def _phone(rng: random.Random, polish: bool) -> str | None:
    if rng.random() < 0.15:
        return None
    if not polish:
        return f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    digits = f"{rng.choice('5678')}{rng.randint(0, 99_999_999):08d}"
    style = rng.randrange(4)
    if style == 0:
        return f"+48 {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 1:
        return digits
    if style == 2:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"0048{digits}"


def make_customer(rng: random.Random, number: int) -> Customer:
    polish = rng.random() < 0.75
    first = rng.choice(PL_FIRST if polish else EN_FIRST)
    last = rng.choice(PL_LAST if polish else EN_LAST)
    if polish and first[-1] == "a" and last.endswith("ski"):
        last = last[:-1] + "a"  # Kowalski -> Kowalska
    tier = rng.choices(TIERS, TIER_WEIGHTS)[0]
    name = f"{first} {last}"
    local = f"{first}.{last}".lower().translate(ASCII)
    if tier == "business" and polish and rng.random() < 0.5:
        name = f"{rng.choice(COMPANY_PL)} {last}"
        local = f"biuro{number}"
    elif rng.random() < 0.3:
        local = f"{local}{rng.randint(1, 99)}"
    domains = PL_DOMAINS if polish else EN_DOMAINS
    email = f"{local}@{rng.choice(domains)}" if rng.random() < 0.93 else None
    if email and rng.random() < 0.05:
        email = email.title()  # exports keep whatever case the customer typed
    handle = f"{first}_{last}".lower().translate(ASCII)[: rng.randint(6, 15)]
    handles = ";".join(
        f"{platform}:{'@' if platform == 'mastodon' else ''}{handle}{rng.randint(0, 99)}"
        for platform in rng.sample(PLATFORMS, rng.choices((0, 1, 2, 3), (45, 35, 15, 5))[0])
    )
    customer_id = f"C-{100000 + number}" if rng.random() < 0.95 else None
    phone = _phone(rng, polish)
    if customer_id is None and email is None and phone is None:
        email = f"{local}@{domains[0]}"
    return Customer(customer_id, name, email, phone, handles, tier, polish)


def _fill(rng: random.Random, template: str) -> str:
    mbps = rng.choice((100, 300, 600, 1000))
    amount = f"{rng.randint(9, 400)},{rng.choice(('00', '50', '99'))}"
    return template.format(
        days=rng.randint(2, 14),
        city=rng.choice(CITIES),
        weekday_pl=rng.choice(WEEKDAYS_PL),
        on_weekday_pl=rng.choice(ON_WEEKDAYS_PL),
        weekday_en=rng.choice(WEEKDAYS_EN),
        minutes=rng.choice((5, 10, 15, 20, 30)),
        device=rng.choice(DEVICES),
        device_en=rng.choice(EN_DEVICES),
        mbps=mbps,
        low=rng.randint(2, mbps // 3),
        month_pl=rng.choice(MONTHS_PL),
        month_en=rng.choice(MONTHS_EN),
        number=rng.randint(100, 99999),
        year=rng.choice((2024, 2025, 2026)),
        amount=amount,
        months=rng.randint(2, 8),
        times=rng.randint(2, 4),
        channels=rng.randint(3, 40),
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _text(rng: random.Random, category: str, polish: bool) -> tuple[str, str]:
    subjects_pl, subjects_en, details_pl, details_en = TOPICS[category]
    subject = _capital(_fill(rng, rng.choice(subjects_pl if polish else subjects_en)))
    details = details_pl if polish else details_en
    picked = rng.sample(details, rng.randint(1, len(details)))
    parts = [_capital(_fill(rng, sentence)) for sentence in picked]
    parts.append(rng.choice(CLOSINGS_PL if polish else CLOSINGS_EN))
    description = " ".join(part for part in parts if part)
    if rng.random() < 0.15:
        description += "\n\n" + ("Dodatkowe informacje:" if polish else "More details:")
        description += "".join(
            f"\n- {_fill(rng, rng.choice(details))}" for _ in range(rng.randint(1, 3))
        )
    if rng.random() < 0.02:  # a pasted diagnostic log: a long multi-line cell
        start = rng.randint(0, 86_000)
        description += "\n\n" + "\n".join(
            f"{(start + 7 * i) % 86_400 // 3600:02d}:{(start + 7 * i) % 3600 // 60:02d}"
            f" link {'down' if i % 3 else 'up'} snr={rng.uniform(0, 40):.1f}dB"
            for i in range(rng.randint(20, 200))
        )
    return subject, description


def _stamp(rng: random.Random, moment: datetime) -> str:
    """ISO 8601 as exports write it: mostly UTC with Z, some in Warsaw local time."""
    if rng.random() < 0.3:
        return moment.astimezone(WARSAW).isoformat()
    return moment.isoformat().replace("+00:00", "Z")


def _timeline(
    rng: random.Random, status: str, created: datetime
) -> tuple[datetime | None, datetime | None]:
    first_response = None
    if status != "new":
        first_response = created + timedelta(seconds=round(60 * rng.lognormvariate(5.0, 1.3)))
    solved = None
    if status in ("solved", "closed"):
        assert first_response is not None
        solved = first_response + timedelta(seconds=round(60 * rng.lognormvariate(7.5, 1.4)))
    return first_response, solved


def make_ticket(
    rng: random.Random, number: int, customer: Customer, created: datetime
) -> dict[str, str]:
    category = rng.choice(tuple(TOPICS))
    subject, description = _text(rng, category, customer.polish)
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    first_response, solved = _timeline(rng, status, created)
    compensation = ""
    if solved and category in ("outage", "billing", "installation") and rng.random() < 0.25:
        compensation = f"{rng.randint(10, 300)}.{rng.choice(('00', '50', '99'))}"
        if rng.random() < 0.1:
            compensation = compensation.replace(".", ",")  # Polish decimal comma
    tags = rng.sample(TAGS[category], rng.randint(0, 2))
    if rng.random() < 0.1:
        tags.append(rng.choice(COMMON_TAGS))
    return {
        "id": f"NT-{1_000_000 + number}",
        "subject": subject,
        "description": description,
        "status": status,
        "priority": rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
        "category": category,
        "customer_id": customer.customer_id or "",
        "requester_name": customer.name,
        "requester_email": customer.email or "",
        "requester_phone": customer.phone or "",
        "requester_handles": customer.handles,
        "customer_tier": customer.tier,
        "created_at": _stamp(rng, created),
        "first_response_at": _stamp(rng, first_response) if first_response else "",
        "solved_at": _stamp(rng, solved) if solved else "",
        "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
        "compensation": compensation,
        "tags": ";".join(tags),
    }


def generate(count: int, seed: int) -> tuple[list[dict[str, str]], int, int]:
    """``count`` tickets oldest first; also the number of customers and of repeat customers."""
    rng = random.Random(seed)
    owners: list[Customer] = []
    customers = repeat = 0
    while len(owners) < count:
        customer = make_customer(rng, customers)
        customers += 1
        # About 40% of customers write more than once; a few write very often.
        several = rng.random() < 0.4
        repeat += several
        tickets = min(int(rng.paretovariate(1.3)) + 1, 40) if several else 1
        owners.extend([customer] * tickets)
    del owners[count:]
    rng.shuffle(owners)
    moments = sorted((EPOCH + SPAN * rng.random()).replace(microsecond=0) for _ in range(count))
    rows = [make_ticket(rng, i, c, m) for i, (c, m) in enumerate(zip(owners, moments, strict=True))]
    rng.shuffle(rows)  # exports are not always sorted
    return rows, customers, repeat


def modify(rows: list[dict[str, str]], share: float, seed: int) -> list[dict[str, str]]:
    """A copy of ``rows`` where ``share`` of the tickets moved on: new status, solved_at."""
    rng = random.Random(seed + 1)
    changed = [dict(row) for row in rows]
    for row in rng.sample(changed, round(len(changed) * share)):
        if row["status"] in ("solved", "closed"):
            if row["status"] == "solved" and rng.random() < 0.7:
                row["status"] = "closed"  # solved_at stays
            else:
                row["status"], row["solved_at"] = "open", ""  # reopened
        elif row["status"] == "new":
            row["status"] = "open"
        else:
            responded = datetime.fromisoformat(row["first_response_at"]).astimezone(UTC)
            solved = responded + timedelta(seconds=round(60 * rng.lognormvariate(7.0, 1.2)))
            row["status"], row["solved_at"] = "solved", _stamp(rng, solved)
    return changed


def prepare(count: int, seed: int, original: Path, modified: Path) -> tuple[int, int, int]:
    """Write both files; the number of customers, of repeat customers, of changed tickets."""
    rows, customers, repeat = generate(count, seed)
    write_csv(original, rows)
    changed_rows = modify(rows, CHANGED_SHARE, seed)
    write_csv(modified, changed_rows)
    changed = sum(a != b for a, b in zip(rows, changed_rows, strict=True))
    return customers, repeat, changed


def write_csv(path: Path, rows: Sequence[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


# --- running ---------------------------------------------------------------------------------


def watcher_command() -> Path:
    command = Path(sys.executable).parent / "watcher"
    if not command.exists():
        sys.exit(f"no watcher console script at {command}; run `make install` first")
    return command


def run_child(argv: list[str], workdir: Path, name: str) -> tuple[float, int, str]:
    """Wall-clock seconds, peak RSS (KiB) and stdout of one child; exits if it fails.

    Its output goes to NAME.out and NAME.err in ``workdir``; it runs there, without
    WATCHER_* variables, so that no watcher.toml or environment changes what it does.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHER_")}
    out_path, err_path = workdir / f"{name}.out", workdir / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=workdir, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0:
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        print(f"{name}: exit {child.returncode}\n{stdout}{stderr}", file=sys.stderr)
        sys.exit(2)
    return seconds, usage.ru_maxrss, stdout  # ru_maxrss is in KiB on Linux


def run_import(label: str, name: str, db_url: str, csv_path: Path, rows: int, workdir: Path) -> Run:
    argv = [str(watcher_command()), "--db", db_url, "tickets", "import", str(csv_path)]
    seconds, rss, stdout = run_child(argv, workdir, name)
    match = SUMMARY.search(stdout)
    if match is None:
        print(f"{label}: cannot read the import summary in {stdout!r}", file=sys.stderr)
        sys.exit(2)
    created, updated, unchanged, skipped = (int(n) for n in match.groups())
    return Run(label, rows, seconds, rss, (created, updated, unchanged, skipped))


def machine(packages: Sequence[str] = ("sqlalchemy",)) -> list[tuple[str, str]]:
    """What a benchmark ran on, for its output: cores, versions, revision, load."""
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in packages)
    return [
        ("nproc", f"{len(os.sched_getaffinity(0))} (cpu_count {os.cpu_count()}), {cpu}"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("sqlite", sqlite3.sqlite_version),
        ("packages", versions),
        ("os", platform.platform()),
        ("watcher", revision()),
        # Figures taken while other jobs share the cores are not comparable.
        ("load", "load average at start {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())),
    ]


def revision() -> str:
    """The commit benchmarked, and whether the working tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return metadata.version("watcher")
    return f"{metadata.version('watcher')} at {head}" + (" with local changes" if dirty else "")


def db_counts(path: Path) -> dict[str, int]:
    tables = ("ticket", "customer", "identity", "ticket_event")
    with sqlite3.connect(path) as connection:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="tickets (default 100000)")
    parser.add_argument("--seed", type=int, default=20261122, help="random seed")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep files and db in DIR")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds allowed for the first import"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return bench(args, args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="watcher-bench-") as tmp:
        return bench(args, Path(tmp))


def bench(args: argparse.Namespace, workdir: Path) -> int:
    for key, value in machine():
        print(f"{key:<11}{value}")

    start = time.perf_counter()
    original, modified = workdir / "tickets.csv", workdir / "tickets-modified.csv"
    # Generate in a fresh process: a child's peak RSS on Linux starts from its parent's
    # RSS at fork, so this process must stay small for the figures below to be the CLI's.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        customers, repeat, changed = pool.apply(
            prepare, (args.count, args.seed, original, modified)
        )
    print(
        f"generated  {args.count} tickets of {customers} customers "
        f"({repeat / customers:.0%} with several tickets), "
        f"{original.stat().st_size / 2**20:.1f} MiB, {changed} changed in the second file, "
        f"in {time.perf_counter() - start:.1f} s; files in {workdir}"
    )

    db_path = workdir / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_url = f"sqlite:///{db_path}"
    startup, startup_rss, _ = run_child([str(watcher_command()), "--version"], workdir, "startup")
    plan = [
        ("first import (fresh db + migration)", "import-1-fresh", original),
        ("same file again (all unchanged)", "import-2-unchanged", original),
        (f"{CHANGED_SHARE:.0%} changed status/solved_at", "import-3-changed", modified),
    ]
    runs = [
        run_import(label, name, db_url, path, args.count, workdir) for label, name, path in plan
    ]
    expected = [(args.count, 0, 0, 0), (0, 0, args.count, 0), (0, changed, args.count - changed, 0)]

    print()
    print(f"{'run':<38}{'seconds':>9}{'rows/s':>10}{'peak RSS':>11}  created/updated/unchanged")
    print(f"{'watcher --version (startup only)':<38}{startup:>9.2f}{'':>10}{_mib(startup_rss)}")
    for run in runs:
        print(
            f"{run.label:<38}{run.seconds:>9.2f}{run.rows / run.seconds:>10,.0f}"
            f"{_mib(run.peak_rss_kib)}  {'/'.join(str(n) for n in run.summary[:3])}"
        )
    counts = db_counts(db_path)
    print(f"\ndatabase   {db_path.stat().st_size / 2**20:.1f} MiB; " + ", ".join(
        f"{table} {n}" for table, n in counts.items()
    ))  # fmt: skip

    status = 0
    for run, want in zip(runs, expected, strict=True):
        if run.summary != want:
            print(f"FAIL {run.label}: summary {run.summary}, expected {want}", file=sys.stderr)
            status = 2
    if counts["ticket"] != args.count or counts["ticket_event"] != args.count + changed:
        print(f"FAIL unexpected row counts {counts}", file=sys.stderr)
        status = 2
    first = runs[0].seconds
    if first > args.budget:
        print(f"FAIL first import took {first:.1f} s; the budget is {args.budget:g} s")
        return status or 1
    print(f"{'OK' if status == 0 else 'FAIL'} first import {first:.1f} s <= {args.budget:g} s")
    return status


def _mib(kib: int) -> str:
    return f"{kib / 1024:>8.0f} MiB"


if __name__ == "__main__":
    sys.exit(main())
