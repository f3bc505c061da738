"""Write the project's labelled matching set: tickets, public posts and gold links.

    python eval/matching/generate.py        # writes dev/ and test/ beside this file

Everything here was written for watcher (no outside data), so it may ship.
The two halves use different customers, seeds and, above all, disjoint halves
of every phrasing pool: the test half never reuses a sentence of the dev half,
so weights fitted on dev are judged on wording they have not seen.
Each post's gold ticket is determinable by a careful reader from what the post
says (a reference, a handle, an e-mail, a phone, a name, or details such as the
street, the technician's date and the amount); the `note` key names the case.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
BRAND_FORMS_PL = ("Netia", "Netii", "Netię", "Netią", "Netia", "Dropss", "Dropssa")
START = datetime(2026, 9, 1, 8, tzinfo=UTC)

PL_FIRST = ["Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Paweł", "Magdalena", "Michał", "Ewa",
            "Krzysztof", "Joanna", "Marcin", "Monika", "Łukasz", "Aleksandra", "Grzegorz", "Natalia", "Adam",
            "Zofia", "Marek", "Barbara", "Wojciech", "Dorota", "Kamil", "Beata", "Rafał", "Iwona", "Jakub", "Hanna"]  # fmt: skip
PL_LAST = ["Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
           "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski",
           "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Adamczyk", "Dudek", "Zając", "Wieczorek",
           "Jabłoński", "Król", "Majewski", "Olszewski", "Jaworski", "Wróbel", "Malinowski", "Pawlak"]  # fmt: skip
EN_FIRST = ["Oliver", "Emily", "James", "Sophie", "Daniel", "Grace", "Thomas", "Chloe", "Ryan", "Lucy",
            "Matthew", "Hannah", "Luke", "Megan", "Sam", "Ella"]  # fmt: skip
EN_LAST = ["Smith", "Jones", "Taylor", "Brown", "Walker", "Wright", "Evans", "Hughes", "Green", "Hall",
           "Wood", "Clarke", "Turner", "Parker", "Cook", "Bennett"]  # fmt: skip
CITIES = [("Kraków", "w Krakowie"), ("Warszawa", "w Warszawie"), ("Poznań", "w Poznaniu"),
          ("Wrocław", "we Wrocławiu"), ("Gdańsk", "w Gdańsku"), ("Łódź", "w Łodzi"), ("Lublin", "w Lublinie")]  # fmt: skip
STREETS = ["Długa", "Polna", "Kalwaryjska", "Lipowa", "Ogrodowa", "Słoneczna", "Leśna", "Kwiatowa", "Szkolna",
           "Mickiewicza", "Kościuszki", "Sienkiewicza", "Batorego", "Żeromskiego", "Reymonta", "Chopina"]  # fmt: skip

# Ticket texts per category: (subject, description) with {street} {city_loc} {date} {amount} {plan}.
TICKETS_PL = {
    "outage": [
        (
            "Brak internetu",
            "Od {date} nie działa internet, dioda LOS świeci na czerwono. ul. {street} {nr}, {city}.",
        ),
        (
            "Awaria łącza",
            "Internet zrywa się co kilka minut od {date}. Adres: {street} {nr} {city_loc}.",
        ),
        (
            "Nie działa internet ani telefon",
            "Od {date} brak usług. Restart modemu nie pomaga. {street} {nr}.",
        ),
        (
            "Brak sygnału na ONT",
            "Dioda PON miga, brak sygnału od {date}. Lokal przy ul. {street} {nr}.",
        ),
        (
            "Awaria - praca zdalna",
            "Pracuję zdalnie, od {date} bez internetu. {street} {nr} {city_loc}.",
        ),
        ("Internet nie działa po burzy", "Po burzy {date} nie ma internetu, modem się nie łączy."),
    ],
    "billing": [
        ("Podwójna opłata", "Za {month} pobrano dwa razy {amount} zł. Proszę o zwrot nadpłaty."),
        (
            "Zawyżona faktura",
            "Faktura za {month} wyższa o {amount} zł niż w umowie, proszę o korektę.",
        ),
        (
            "Opłata za niezamówioną usługę",
            "Na fakturze pozycja {amount} zł za pakiet, którego nie zamawiałem.",
        ),
        ("Zwrot nadpłaty", "Zapłaciłem {amount} zł dwa razy, zwrot obiecany w 14 dni nie dotarł."),
        ("Niesłuszne wezwanie do zapłaty", "Dostałem wezwanie na {amount} zł za opłaconą fakturę."),
    ],
    "installation": [
        (
            "Opóźniona instalacja",
            "Instalacja miała być {date}, technik nie przyszedł. ul. {street} {nr}, {city}.",
        ),
        (
            "Brak terminu instalacji",
            "Umowa podpisana, od tygodni brak terminu podłączenia. {street} {nr}.",
        ),
        (
            "Technik nie przyjechał",
            "Wizyta technika {date} między 8 a 16, nikt się nie pojawił. {street} {nr}.",
        ),
        (
            "Instalacja światłowodu",
            "Czekam na podłączenie światłowodu od {date}, {street} {nr} {city_loc}.",
        ),
    ],
    "speed": [
        ("Wolny internet", "Pakiet {plan}, wieczorem speedtest pokazuje kilkanaście Mb/s."),
        ("Spadki prędkości", "Od {date} prędkość spada do kilku Mb/s, pakiet {plan}."),
        (
            "Prędkość niezgodna z umową",
            "Płacę za {plan}, realnie mam 10% tego. Router w salonie, kabel.",
        ),
    ],
    "equipment": [
        (
            "Router się restartuje",
            "Router restartuje się kilka razy dziennie od {date}, proszę o wymianę.",
        ),
        ("Uszkodzony dekoder", "Dekoder nie uruchamia się, świeci tylko czerwona dioda."),
        ("Wymiana modemu", "Modem uszkodzony po burzy, kurier z nowym miał być {date}."),
    ],
    "tv": [
        ("Brak kanałów", "Od {date} brak sygnału na części kanałów, komunikat o braku uprawnień."),
        ("Telewizja się zacina", "Obraz TV zacina się co kilka minut, dekoder zrestartowany."),
    ],
    "contract": [
        (
            "Wypowiedzenie umowy",
            "Wypowiedzenie wysłane {date}, nadal pobierane są opłaty {amount} zł.",
        ),
        ("Rabat niezgodny z umową", "Konsultant obiecał rabat {amount} zł, nie ma go na fakturze."),
    ],
}
TICKETS_EN = {
    "outage": [
        (
            "No internet",
            "No connection since {date_en}, red LOS light on the box. {nr} {street} Street, {city}.",
        ),
        (
            "Connection keeps dropping",
            "Internet drops every few minutes since {date_en}. Address {nr} {street} Street.",
        ),
        ("Outage - working from home", "I work remotely and have had no internet since {date_en}."),
        (
            "Broadband down",
            "Broadband and phone down since {date_en}, router restarted many times.",
        ),
    ],
    "billing": [
        (
            "Charged twice",
            "I was charged {amount} PLN twice for {month_en}. Please refund one payment.",
        ),
        (
            "Wrong invoice amount",
            "My {month_en} invoice is {amount} PLN higher than my contract says.",
        ),
        (
            "Refund not received",
            "A refund of {amount} PLN was promised within 14 days and never arrived.",
        ),
    ],
    "installation": [
        (
            "Installation delayed",
            "The engineer was due on {date_en} and never came. {nr} {street} Street, {city}.",
        ),
        (
            "No installation date",
            "Signed up weeks ago, still no installation date for {nr} {street} Street.",
        ),
    ],
    "speed": [
        ("Slow speeds", "On the {plan} plan I get around 20 Mbps every evening."),
        (
            "Speed far below contract",
            "Paying for {plan}, speed tests show a fraction of it since {date_en}.",
        ),
    ],
    "equipment": [
        (
            "Router keeps rebooting",
            "The router reboots itself several times a day since {date_en}.",
        ),
        ("Set-top box broken", "The set-top box won't start, only a red light."),
    ],
}

# Public posts per category, split between halves by index parity.
POSTS_PL = {
    "outage": [
        "{brand} nie działa od {days} dni, dioda LOS czerwona i nikt nic nie wie",
        "{days} dni bez internetu na {street_loc}. {Brand} dalej milczy",
        "Od {date} nie mam internetu, pracuję zdalnie i nie mogę pracować. Dzięki {brand}",
        "Kolejny dzień bez netu {city_loc}. {Brand}, kiedy to naprawicie?",
        "znowu brak internetu od {date}, modem sie nie laczy a infolinia {brand} odsyla z kwitkiem",
        "{Brand} awaria na {street_loc} trwa już {days} dni, zgłoszenie bez odpowiedzi",
        "Od {days} dni internet od {brand} zrywa co chwilę. Płacę za usługę, której nie ma.",
        "Czy {brand} w ogóle zamierza naprawić awarię {city_loc}? {days} dzień bez łącza",
    ],
    "billing": [
        "{Brand} pobrała ode mnie {amount} zł dwa razy i od tygodni czekam na zwrot",
        "Faktura od {brand} zawyżona o {amount} zł, reklamacja bez odpowiedzi",
        "Naliczyli mi {amount} zł za pakiet, którego nie zamawiałem. {Brand} gratuluję",
        "zwrot {amount} zl mial byc w 14 dni, minal miesiac. {brand} to kpina",
        "Wezwanie do zapłaty {amount} zł za opłaconą fakturę?! {Brand} serio?",
        "Dwa razy {amount} zł za ten sam miesiąc w {brand} i nikt nie umie tego cofnąć",
    ],
    "installation": [
        "Instalacja {brand} miała być {date}, technik nie przyszedł i nikt nie zadzwonił",
        "Czekam na podłączenie {brand} od tygodni, {street_loc} {city_loc}, ciągle nowe terminy",
        "Wziąłem wolne na {date}, montażysta {brand} się nie pojawił. Żenada.",
        "technik {brand} mial byc {date} na {street_loc}, nie przyszedl, abonament juz naliczony",
        "Umowa z {brand} podpisana, a instalację przesuwają trzeci raz",
    ],
    "speed": [
        "Płacę {brand} za {plan}, wieczorem mam kilkanaście Mb/s",
        "{Brand} {plan} w umowie, a speedtest pokazuje ułamek. Reklamacje odrzucają.",
        "internet od {brand} muli od {date}, {plan} tylko na papierze",
        "Prędkość {brand} spadła do kilku Mb/s, nie da się pracować",
    ],
    "equipment": [
        "Router od {brand} restartuje się kilka razy dziennie, wymiany nie chcą zrobić",
        "Dekoder {brand} padł, serwis każe czekać tygodniami",
        "Kurier z nowym modemem {brand} miał być {date}, dalej nic",
        "modem od {brand} po burzy martwy, a oni każą resetować",
    ],
    "tv": [
        "{Brand} TV bez połowy kanałów od {date}, a płacę pełną cenę",
        "Telewizja {brand} zacina się co chwilę, mecz nie do oglądania",
    ],
    "contract": [
        "Wypowiedziałem umowę z {brand}, a dalej pobierają {amount} zł",
        "Konsultant {brand} obiecał rabat {amount} zł, na fakturze go nie ma. Oszustwo.",
    ],
}
POSTS_EN = {
    "outage": [
        "{brand} internet has been down for {days} days, red light on the box and no answers",
        "Day {days} without broadband in {city}. {brand}, when will this be fixed?",
        "No internet since {date_en}, I work from home and I can't work. Thanks {brand}",
        "@{brand} still no connection on {street} Street after {days} days",
    ],
    "billing": [
        "{brand} charged me {amount} PLN twice and I'm still waiting for the refund",
        "My {brand} bill is {amount} PLN higher than my contract. Complaint ignored.",
        "Refund of {amount} PLN promised in 14 days, it's been a month. {brand} please",
        "Overcharged {amount} PLN by {brand} again, nobody answers my emails",
    ],
    "installation": [
        "{brand} engineer was due on {date_en} and never showed up. No call, nothing.",
        "Waiting weeks for {brand} to connect {street} Street, every week a new date",
        "Took a day off for the {brand} install on {date_en}. No-show.",
    ],
    "speed": [
        "Paying {brand} for {plan} and getting 20 Mbps in the evening",
        "{brand} speeds have been awful since {date_en}, {plan} only on paper",
    ],
    "equipment": [
        "The router {brand} sent reboots itself all day and they won't replace it",
        "{brand} set-top box dead, support says wait two weeks",
    ],
}
SIGNOFF_PL = [
    "",
    "",
    " Zgłaszałem już kilka razy.",
    " Mam dość.",
    " Ktoś ma podobnie?",
    " Co robić?",
]
SIGNOFF_EN = ["", "", " Reported it twice already.", " Fed up.", " Anyone else?", " What now?"]
NEGATIVES_PL = [
    "{Brand} wprowadza nowy pakiet światłowodowy od stycznia",
    "Czy ktoś ma {brand} {city_loc}? Jak sprawuje się światłowód?",
    "Instalacja {brand} w 3 dni, technik punktualny. Polecam.",
    "Dzięki {brand}, awarię naprawili w godzinę",
    "Od przyszłego miesiąca {brand} podnosi ceny o 5 zł - informuje serwis branżowy",
    "Jaki router polecacie do {brand}?",
    "Mam {brand} od 5 lat i nie narzekam",
    "haha kot przegryzł kabel od {brand}, mam wymówkę na dziś",
    "Zarabiaj 5000 zł tygodniowo z domu, kliknij link w bio!",
    "Konsultantka {brand} na czacie bardzo pomocna, sprawa załatwiona od ręki",
    "Przeszedłem z {brand} do Orange i Orange też nie działa, dramat",
    "Play nie działa od rana, w przeciwieństwie do {brand} u sąsiada",
    "Ile kosztuje u {brand} pakiet z telewizją?",
    "{Brand} ogłasza prace serwisowe w nocy z soboty na niedzielę",
    "Rano był problem z netem, po restarcie routera śmiga",
    "UPC znowu padło, trzeci raz w tym tygodniu",
]
NEGATIVES_EN = [
    "{brand} launches a new fibre plan in January",
    "Anyone using {brand} in {city}? How's the fibre?",
    "{brand} installed in 3 days, engineer on time. Recommend.",
    "Thanks {brand}, outage fixed within an hour",
    "Which router would you recommend for {brand}?",
    "Been with {brand} for 5 years, no complaints",
    "Switched from {brand} to Orange and Orange is down all week, great",
    "lol my cat chewed the {brand} cable, best excuse ever",
    "Earn $5000 a week from home, click the link in my bio",
    "Vectra has been down all morning in my area",
]
NEW_TICKET_PL = [
    "{Brand} od {days} dni nie działa mi internet, zgłoszenia nawet nie chcieli przyjąć",
    "Nikt z {brand} nie odpisuje od tygodnia, internet leży",
    "{Brand} naliczyła mi {amount} zł kary za umowę, której nie zrywałem",
]
NEW_TICKET_EN = [
    "{brand} has been down for {days} days and they won't even open a ticket for me",
    "{brand} billed me {amount} PLN for a router I returned. No reply to emails.",
]
MONTHS_PL = ["wrzesień", "październik", "listopad"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip
PLANS = ["600 Mb/s", "1 Gb/s", "300 Mb/s", "150 Mb/s"]


@dataclass
class Customer:
    key: str
    first: str
    last: str
    polish: bool
    email: str
    phone: str
    handle: str | None
    tier: str
    tickets: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def half(pool: list[str], which: int) -> list[str]:
    return pool[which::2] or pool


def fold(text: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return text.translate(table)


def genitive(last: str) -> str:
    """Polish genitive of a surname, as a post says 'sprawa Jana Kowalskiego'."""
    if last.endswith("ski") or last.endswith("cki"):
        return last[:-1] + "iego"
    if last.endswith("a"):
        return last[:-1] + "y"
    return last + "a"


class Writer:
    def __init__(self, which: int, seed: int, prefix: str, ticket_base: int) -> None:
        self.which = which
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.ticket_no = ticket_base
        self.customers: list[Customer] = []
        self.tickets: list[dict[str, str]] = []
        self.posts: list[dict[str, object]] = []
        self.gold: list[dict[str, object]] = []
        self.post_no = 0

    # --- customers and tickets ---------------------------------------------------------
    def customer(self, polish: bool, first: str | None = None, last: str | None = None) -> Customer:
        rng = self.rng
        first = first or rng.choice(PL_FIRST if polish else EN_FIRST)
        last = last or rng.choice(PL_LAST if polish else EN_LAST)
        if polish and first.endswith("a") and last.endswith("ski"):
            last = last[:-1] + "a"
        n = len(self.customers) + 1
        mail = fold(f"{first}.{last}{rng.randint(1, 99)}").lower()
        domain = "example.pl" if polish else "example.com"
        phone = f"{rng.choice(['5', '6', '7'])}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"
        spelled = rng.choice(
            [
                f"+48 {phone[:3]} {phone[3:6]} {phone[6:]}",
                phone,
                f"{phone[:3]}-{phone[3:6]}-{phone[6:]}",
            ]
        )
        handle = None
        if rng.random() < 0.6:
            handle = (
                fold(f"{first[0]}{last}{rng.randint(1, 999)}").lower()
                if rng.random() < 0.5
                else fold(f"{first}_{last[:3]}").lower()
            )
        tier = rng.choices(["standard", "business", "premium"], [75, 18, 7])[0]
        customer = Customer(
            f"{self.prefix}C{n:03d}", first, last, polish, f"{mail}@{domain}", spelled, handle, tier
        )
        self.customers.append(customer)
        return customer

    def ticket(
        self,
        customer: Customer,
        category: str | None = None,
        *,
        created: datetime | None = None,
        status: str | None = None,
        place: tuple[str, str, str] | None = None,
        description: bool = True,
    ) -> dict[str, str]:
        rng = self.rng
        pools = TICKETS_PL if customer.polish else TICKETS_EN
        category = category or rng.choice(list(pools))
        if category not in pools:
            category = "outage"
        subject, text = rng.choice(pools[category])
        created = created or START + timedelta(days=rng.randint(0, 70), hours=rng.randint(0, 9))
        city, city_loc = rng.choice(CITIES) if place is None else (place[0], place[1])
        street = rng.choice(STREETS) if place is None else place[2]
        values = {
            "street": street, "nr": str(rng.randint(1, 120)), "city": city, "city_loc": city_loc,
            "date": f"{created.day}.{created.month:02d}", "date_en": f"{created.day} {MONTHS_EN[created.month - 1]}",
            "amount": rng.choice(["89,99", "120", "49,90", "79", "159", "300", "64,50"]),
            "month": rng.choice(MONTHS_PL), "month_en": rng.choice(MONTHS_EN[8:11]), "plan": rng.choice(PLANS),
        }  # fmt: skip
        self.ticket_no += rng.randint(1, 9)
        status = status or rng.choices(["new", "open", "pending", "solved"], [10, 55, 25, 10])[0]
        first_response = created + timedelta(hours=rng.randint(1, 60)) if status != "new" else None
        solved = None
        if status in ("solved", "closed"):
            solved = (first_response or created) + timedelta(days=rng.randint(1, 6))
        handles = f"twitter:{customer.handle}" if customer.handle else ""
        if customer.handle and rng.random() < 0.4:
            handles = f"reddit:{customer.handle}"
        row = {
            "id": f"NT-{self.ticket_no}", "subject": subject,
            "description": text.format(**values) if description else "",
            "status": status, "priority": "normal", "category": category, "customer_id": customer.key,
            "requester_name": customer.name, "requester_email": customer.email,
            "requester_phone": customer.phone, "requester_handles": handles,
            "customer_tier": customer.tier, "created_at": created.isoformat().replace("+00:00", "Z"),
            "first_response_at": first_response.isoformat().replace("+00:00", "Z") if first_response else "",
            "solved_at": solved.isoformat().replace("+00:00", "Z") if solved else "",
            "channel": rng.choice(["email", "phone", "web", "chat"]), "compensation": "", "tags": category,
            "_values": values,
        }  # fmt: skip
        customer.tickets.append(row)
        self.tickets.append(row)
        return row

    # --- posts -------------------------------------------------------------------------
    def post(
        self,
        text: str,
        *,
        author: str | None,
        after: datetime | None,
        gold_ticket: str | None,
        is_complaint: bool = True,
        about_brand: bool = True,
        duplicate_of: str | None = None,
        note: str,
        source: str | None = None,
        title: str | None = None,
        url: str | None = None,
        published: datetime | None = None,
    ) -> str:
        rng = self.rng
        self.post_no += 1
        external_id = f"{self.prefix}p{self.post_no:03d}"
        published = published or (after or START + timedelta(days=rng.randint(5, 75))) + timedelta(
            days=rng.randint(2, 16), hours=rng.randint(0, 12)
        )
        source = source or rng.choice(
            ["twitter", "reddit-polska", "forum-dsl", "wykop", "blog-comments"]
        )
        self.posts.append({
            "source": source, "external_id": external_id,
            "url": url or f"https://{source}.example/{external_id}", "author": author,
            "author_followers": rng.choice([None, 12, 85, 340, 1200, 5400, 48000]),
            "published_at": published.isoformat().replace("+00:00", "Z"), "title": title, "text": text,
            "score": rng.choice([None, 0, 3, 15, 120]), "comments": rng.choice([None, 0, 2, 9, 40]), "lang": None,
        })  # fmt: skip
        self.gold.append({
            "external_id": external_id, "is_complaint": is_complaint, "about_brand": about_brand,
            "ticket_id": gold_ticket, "duplicate_of": duplicate_of, "note": note,
        })  # fmt: skip
        return external_id

    def complaint_text(self, ticket: dict[str, str], polish: bool) -> str:
        rng = self.rng
        category = ticket["category"]
        pools = POSTS_PL if polish else POSTS_EN
        pool = half(pools.get(category) or pools["outage"], self.which)
        template = rng.choice(pool)
        values = dict(ticket["_values"])  # type: ignore[arg-type]
        form = rng.choice(BRAND_FORMS_PL) if polish else "Netia"
        values |= {
            "brand": form if polish else "Netia",
            "Brand": form,
            "days": str(rng.randint(3, 12)),
            "street_loc": f"ul. {values['street']}",
        }
        text = template.format(**values)
        text += rng.choice(SIGNOFF_PL if polish else SIGNOFF_EN)
        if polish and rng.random() < 0.3:
            text = fold(text).lower()
        return text


def created_of(ticket: dict[str, str]) -> datetime:
    return datetime.fromisoformat(ticket["created_at"].replace("Z", "+00:00"))


def write_half(which: int, name: str, seed: int, prefix: str, base: int) -> dict[str, int]:
    w = Writer(which, seed, prefix, base)
    rng = w.rng
    counts: dict[str, int] = {}

    def count(note: str) -> None:
        counts[note] = counts.get(note, 0) + 1

    # Customers with one ticket each; a few with an old closed ticket too.
    singles = [w.customer(rng.random() < 0.65) for _ in range(95)]
    for c in singles:
        if rng.random() < 0.15:
            w.ticket(c, created=START - timedelta(days=rng.randint(60, 200)), status="closed")
            count("customer with an old closed ticket")
        w.ticket(c)
    # Five Jan Kowalskis (or John Smiths) with different e-mails.
    namesakes = [w.customer(True, "Jan", "Kowalski") for _ in range(3)] + [
        w.customer(False, "John", "Smith") for _ in range(2)
    ]
    for c in namesakes:
        w.ticket(c)
    # One handle shared by two customers (a family account, a reused nickname).
    shared = [w.customer(True), w.customer(True)]
    shared[1].handle = shared[0].handle = f"{prefix.lower()}domowy_net"
    for c in shared:
        w.ticket(c, "outage")
    # The same outage: twelve customers, one street, one day.
    city, city_loc = CITIES[which]
    street = STREETS[which * 3]
    outage_day = START + timedelta(days=55 + which, hours=7)
    outage = [w.customer(rng.random() < 0.8) for _ in range(12)]
    for c in outage:
        w.ticket(
            c,
            "outage",
            created=outage_day + timedelta(hours=rng.randint(0, 20)),
            status="open",
            place=(city, city_loc, street),
        )
    # A ticket with an empty description.
    empty = w.customer(True)
    w.ticket(empty, "billing", description=False)
    # Extra tickets nobody posts about, so the index has distractors.
    for _ in range(25):
        w.ticket(w.customer(rng.random() < 0.65))

    evidence_kinds = [
        "reference",
        "reference_typo",
        "handle",
        "email",
        "phone",
        "name",
        "details",
        "none",
    ]
    weights = [14, 5, 24, 9, 9, 12, 15, 12]
    linked_customers = rng.sample(singles, 60) + outage[:6] + namesakes[:2] + [empty]
    first_posts: list[tuple[str, dict[str, str], Customer]] = []
    for c in linked_customers:
        ticket = c.tickets[-1]
        kind = rng.choices(evidence_kinds, weights)[0]
        if c in namesakes:
            kind = "name"
        if c is empty:
            kind = "reference"
        if c in outage:
            kind = rng.choice(["handle", "email", "phone", "name"])
        text = w.complaint_text(ticket, c.polish)
        author: str | None = f"user{rng.randint(1000, 9999)}"
        if kind == "reference":
            text += (
                rng.choice(
                    [
                        f" Zgłoszenie {ticket['id']}.",
                        f" nr zgłoszenia {ticket['id'][3:]}",
                        f" ({ticket['id']})",
                    ]
                )
                if c.polish
                else f" Ticket #{ticket['id'][3:]}."
            )
        elif kind == "reference_typo":
            digits = ticket["id"][3:]
            i = rng.randrange(len(digits))
            typo = digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]
            text += f" Zgłoszenie NT-{typo}." if c.polish else f" Ticket NT-{typo}."
            if c.handle:
                author = c.handle
            else:
                text += f" Kontakt: {c.email}" if c.polish else f" Contact: {c.email}"
        elif kind == "handle" and c.handle:
            author = c.handle
        elif kind in ("email", "handle"):
            text += (
                f" Piszę z {c.email}, zero odpowiedzi."
                if c.polish
                else f" Emailed from {c.email}, no reply."
            )
            kind = "email"
        elif kind == "phone":
            text += (
                f" Tel. {c.phone}, niech ktoś oddzwoni."
                if c.polish
                else f" Call me back on {c.phone}."
            )
        elif kind == "name":
            if c.polish:
                text += (
                    rng.choice(
                        [
                            f" Sprawa {c.first}a {genitive(c.last)} ciągnie się tygodniami.",
                            f" Pisze {c.name}.",
                            f" — {c.name}",
                        ]
                    )
                    if not c.first.endswith("a")
                    else f" Pisze {c.name}."
                )
            else:
                text += f" — {c.name}"
            author = None if rng.random() < 0.5 else author
        elif kind == "details":
            v = ticket["_values"]
            bits = [
                f"ul. {v['street']}" if c.polish else f"{v['street']} Street",  # type: ignore[index]
                v["date"] if c.polish else v["date_en"],
            ]  # type: ignore[index]
            text += (" Adres: " + ", ".join(bits)) if c.polish else (" Address: " + ", ".join(bits))
        note = f"linked by {kind}"
        external_id = w.post(
            text, author=author, after=created_of(ticket), gold_ticket=ticket["id"], note=note
        )
        count(note)
        first_posts.append((external_id, ticket, c))

    # Hard cases.
    c = rng.choice([x for x in singles if x not in linked_customers])
    t = c.tickets[-1]
    text = w.complaint_text(t, c.polish) + (
        " Zgłoszenia NT-11 i " + t["id"] if c.polish else f" Tickets NT-11 and {t['id']}"
    )
    w.post(
        text,
        author=c.handle or None,
        after=created_of(t),
        gold_ticket=t["id"],
        note="two ticket ids, one real",
    )
    count("two ticket ids")
    other = rng.choice([x for x in singles if x not in linked_customers and x is not c])
    c2 = rng.choice(
        [x for x in singles if x.handle and x not in linked_customers and x not in (c, other)]
    )
    text = w.complaint_text(c2.tickets[-1], c2.polish) + f" Zgłoszenie {other.tickets[-1]['id']}."
    w.post(
        text,
        author=c2.handle,
        after=created_of(c2.tickets[-1]),
        gold_ticket=c2.tickets[-1]["id"],
        note="cites another customer's ticket id, author's handle is the owner's",
    )
    count("another customer's ticket id")
    text = "Netia od tygodnia bez internetu, zgłoszenie NT-999999 i cisza. " + ("Naprawdę. " * 5)
    w.post(
        text,
        author=f"anon{rng.randint(1, 99)}",
        after=None,
        gold_ticket=None,
        note="cites a ticket id that does not exist",
    )
    count("nonexistent ticket id")
    c3 = rng.choice(
        [x for x in singles if x.handle and x not in linked_customers and x not in (c, c2, other)]
    )
    t3 = c3.tickets[-1]
    long_text = (
        w.complaint_text(t3, c3.polish)
        + " "
        + " ".join(
            rng.choice(
                [
                    "Dzwoniłem wielokrotnie.",
                    "Konsultanci odsyłają mnie dalej.",
                    "Płacę regularnie.",
                    "Nie tak miało to wyglądać.",
                    "Sąsiedzi mają to samo.",
                ]
            )
            for _ in range(120)
        )
    )
    w.post(
        long_text,
        author=c3.handle,
        after=created_of(t3),
        gold_ticket=t3["id"],
        note="very long post",
    )
    count("very long post")
    # The handle shared by two customers: the post cannot tell which of them wrote it.
    sh_post = w.complaint_text(shared[0].tickets[-1], True)
    w.post(
        sh_post,
        author=shared[0].handle,
        after=created_of(shared[0].tickets[-1]),
        gold_ticket=None,
        note="handle shared by two customers: not determinable, gold null",
    )
    count("shared handle")

    # Duplicates: a cross-post of an earlier complaint in another place, same title or text.
    for external_id, ticket, cust in rng.sample(first_posts, 15):
        original = next(p for p in w.posts if p["external_id"] == external_id)
        published = datetime.fromisoformat(
            str(original["published_at"]).replace("Z", "+00:00")
        ) + timedelta(hours=rng.randint(1, 30))
        text = str(original["text"])
        w.post(
            text,
            author=str(original["author"]) if original["author"] else None,
            after=None,
            gold_ticket=ticket["id"],
            duplicate_of=external_id,
            note="cross-post of an earlier post",
            source="mirror-" + str(original["source"]),
            published=published,
        )
        count("duplicate")

    # Complaints with no ticket: outage neighbours who never called, and others.
    for _ in range(8):
        v = {"street": street, "street_loc": f"ul. {street}", "city": city, "city_loc": city_loc,
             "date": f"{outage_day.day}.{outage_day.month:02d}", "date_en": f"{outage_day.day} {MONTHS_EN[outage_day.month - 1]}",
             "days": str(rng.randint(3, 6)), "amount": "120", "plan": "600 Mb/s"}  # fmt: skip
        polish = rng.random() < 0.7
        template = rng.choice(half(POSTS_PL["outage"] if polish else POSTS_EN["outage"], which))
        form = rng.choice(BRAND_FORMS_PL)
        text = template.format(**v, brand=form if polish else "Netia", Brand=form)
        w.post(
            text,
            author=f"sasiad{rng.randint(100, 999)}",
            after=outage_day,
            gold_ticket=None,
            note="same outage, no ticket of this author",
        )
        count("new ticket: outage neighbour")
    for _ in range(14):
        polish = rng.random() < 0.6
        template = rng.choice(half(NEW_TICKET_PL if polish else NEW_TICKET_EN, which))
        form = rng.choice(BRAND_FORMS_PL)
        text = template.format(
            brand=form if polish else "Netia",
            Brand=form,
            days=rng.randint(3, 9),
            amount=rng.choice(["99", "250", "49,99"]),
        )
        w.post(
            text,
            author=f"nowy{rng.randint(100, 999)}",
            after=None,
            gold_ticket=None,
            note="complaint without a ticket",
        )
        count("new ticket: no ticket exists")

    # Not complaints or not about the brand.
    for i in range(45):
        polish = rng.random() < 0.6
        pool = half(NEGATIVES_PL if polish else NEGATIVES_EN, which)
        template = pool[i % len(pool)]
        form = rng.choice(BRAND_FORMS_PL)
        city_name, loc = rng.choice(CITIES)
        text = template.format(
            brand=form if polish else "Netia", Brand=form, city=city_name, city_loc=loc
        )
        about = not any(k in template for k in ("Orange", "Play nie", "UPC", "Vectra"))
        complaint = False
        if not about and any(k in template for k in ("Orange", "UPC", "Vectra", "Play nie")):
            complaint = True
        author = rng.choice(
            [f"fan{rng.randint(1, 999)}"] + [c.handle for c in singles if c.handle][:5]
        )
        w.post(
            text,
            author=author,
            after=None,
            gold_ticket=None,
            is_complaint=complaint,
            about_brand=about,
            note="not a brand complaint",
        )
        count("not a brand complaint")

    out = HERE / name
    out.mkdir(exist_ok=True)
    columns = [k for k in w.tickets[0] if not k.startswith("_")]
    with (out / "tickets.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(sorted(w.tickets, key=lambda t: t["id"]))
    order = sorted(range(len(w.posts)), key=lambda i: str(w.posts[i]["published_at"]))
    with (out / "posts.jsonl").open("w", encoding="utf-8") as handle:
        for i in order:
            handle.write(json.dumps(w.posts[i], ensure_ascii=False) + "\n")
    with (out / "gold.jsonl").open("w", encoding="utf-8") as handle:
        for i in order:
            handle.write(json.dumps(w.gold[i], ensure_ascii=False) + "\n")
    counts["tickets"] = len(w.tickets)
    counts["posts"] = len(w.posts)
    return counts


def main() -> int:
    for which, (name, seed, prefix, base) in enumerate(
        [("dev", 11, "D", 30000), ("test", 29, "T", 60000)]
    ):
        counts = write_half(which, name, seed, prefix, base)
        print(name, json.dumps(counts, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
