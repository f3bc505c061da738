"""Is a post a complaint? A learned model over character and word n-grams, plus rules.

The model is fitted at first use (under a second) on the labelled examples
shipped in data/ — written for this project, nothing downloaded — so the model
and its data can never drift apart. Rules cover what a few hundred examples
cannot teach reliably: grievance phrases ("nie działa", "still waiting",
"reklamacja"), durations of waiting, and praise or questions without a
grievance. Rules shift the model's log-odds and are listed as reasons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from watcher.understanding.examples import example_lines
from watcher.understanding.text import fold_diacritics, normalise

# Chosen on the dev splits of the real data (bench/eval_understanding.py): Polish
# buyer feedback is complained about in fewer, plainer words than English tweets.
THRESHOLD = 0.45
THRESHOLDS = {"pl": 0.3, "en": 0.45}
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# Brands filling the {b} placeholder of the examples, so no one name is learned as a signal.
TRAINING_BRANDS = ("Netia", "Orange", "Play", "UPC", "Vectra", "BT", "Comcast", "Virgin Media")
_BRANDISH = re.compile(
    r"@?\b(?:" + "|".join(re.escape(b.casefold()) for b in TRAINING_BRANDS) + r")\w*"
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    weight: float  # added to the model's log-odds


def _rule(name: str, alternatives: tuple[str, ...], weight: float) -> Rule:
    return Rule(name, re.compile("|".join(alternatives)), weight)


# A device or place something works on ("na telefonie", "in the browser").
_DEVICE = (
    r"\b(?:telefon|phone|laptop|komputer|przegladar|browser|tablet|desktop|pc\b|web|www"
    r"|smartfon|iphone|android|ios\b)"
)

# The author about to write or call the company about it: "jutro piszę reklamację", "w
# poniedziałek dzwonię", "will ring them first thing tomorrow", "Kolibri, expect an email".
# On the diacritics-folded, casefolded text. Matching looks for that ticket days later.
_SOON = (
    r"(?:jutro|pojutrze|rano|dzis|zaraz|wieczorem|od razu|po weekendzie|we wtorek"
    r"|w (?:poniedzialek|srode|czwartek|piatek|sobote|niedziele|tym tygodniu"
    r"|przyszlym tygodniu))"
)
_CONTACT_PL = (
    r"(?:dzwonie|zadzwonie|pisze|napisze|skladam|zloze|zglaszam|zglosze"
    r"|bede (?:ich |do nich )?(?:dzwonic|pisac|nekac|meczyc|wydzwaniac))"
)
CONTACT_ANNOUNCED = re.compile(
    "|".join(
        (
            rf"\b{_SOON}\b(?:\W+\w+){{0,3}}?\W+{_CONTACT_PL}\b",
            rf"\b{_CONTACT_PL}\b(?:\W+\w+){{0,2}}?\W+{_SOON}\b",
            r"\b(?:skladam|zloze|pisze|napisze) (?:oficjaln\w+ )?(?:reklamacj\w*|skarg\w*|pismo)\b",
            r"(?:\b(?:i'?ll|i will|we'?ll|we will|(?:i'?m|i am|we'?re|we are) (?:going to|gonna))"
            r"|(?:^|[.!?]\s+)will)"
            r"\s+(?:be\s+)?(?:call|ring|phone|e-?mail|writ(?:e|ing) to|complain|contact"
            r"|chas(?:e|ing)|calling|ringing|e-?mailing|phoning)\b",
            r"\b(?:calling|ringing|phoning|e-?mailing|writing to|contacting|chasing)\b"
            r"(?:\W+\w+){0,2}?\W+(?:tomorrow|first thing|this week|in the morning"
            r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
            r"\bexpect an? (?:e-?mail|call|letter|(?:formal )?complaint)\b",
        )
    )
)


def announces_contact(text: str) -> bool:
    """Whether the post says its author is about to write to or call the company."""
    return CONTACT_ANNOUNCED.search(fold_diacritics(text.casefold())) is not None


# Patterns run on the diacritics-folded, casefolded text.
RULES = (
    _rule(
        "does not work",
        (
            r"\bnie (?:dziala|dzialal\w*|dzialaja|ma (?:internetu|netu|sygnalu|zasiegu))\b",
            r"\b(?:doesn'?t|does not|don'?t|isn'?t|not) work\w*\b",
            r"\bbrak (?:internetu|netu|sygnalu|polaczenia|zasiegu)\b",
            # Down, in Polish slang: "net padł", "zero zasięgu" (not "nic nie padło").
            r"(?<!nie )\b(?:padl|padla|padlo|padly)\b",
            r"\bzero (?:zasiegu|sygnalu|netu|internetu|kresek)\b",
            r"\bno (?:internet|service|signal|connection|broadband)\b",
            r"\b(?:stopped|stops|keeps?) (?:working|crashing|freezing|dropping)\b",
            r"\b(?:so|too|very|really|extremely) slow\b",
            r"\b(?:issue|problem)s? with (?:my|the|your)\b",
            r"\bnever (?:arrived|came|received|showed)\b",
            # A service that is down: "internet down since Sunday", "tv dead too", "offline".
            r"\b(?:internet|net|tv|wifi|service|connection|signal|line|app|router)"
            r" (?:is |went |still )?(?:down|dead|offline|out)\b",
            r"\bdown since\b",
            # A device that gave up: "heat pump died tonight", "the router died on me".
            r"\bdied (?:on (?:me|us)|tonight|today|again|overnight|this morning|yesterday"
            r"|last night)\b",
            r"\b(?:dzien|doba|dobe|tydzien|wieczor) (?:offline|bez (?:internetu|netu|sygnalu))\b",
        ),
        2.0,
    ),
    _rule(
        "waiting for days",
        (
            r"\b(?:od|przez|juz) (?:\d+|dwoch|trzech|kilku|paru) "
            r"(?:dni|tygodni\w*|miesiecy|miesiac\w*)\b",
            r"\bod (?:tygodnia|miesiaca|wczoraj|soboty|niedzieli|poniedzialku)\b",
            r"\b(?:still|been) (?:waiting|no|without)\b",
            r"\bfor (?:\d+|two|three|several) (?:days|weeks|months)\b",
            # Counted days: "drugi dzień", "trzecia doba", "second day", "day 4 without".
            r"\b(?:drug|trzec|czwart|piat|szost|kolejn)\w* (?:dzien|doba|dobe|tydzien|wieczor)\b",
            r"\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:day|week|evening|night)\b",
            r"\bday \d+ (?:without|of|with no|and)\b",
            # Put off: "oględziny dopiero 13 maja", "technik dopiero za tydzień", "not until".
            r"\bdopiero (?:\d|za |w przyszl|na (?:\d|koniec|poczat)|po |pod koniec)",
            r"\bnot (?:until|before) (?:\d|next|the end)",
        ),
        1.5,
    ),
    _rule(
        "complaint filed",
        (
            r"\breklamac\w*",
            r"\bzgloszeni\w* (?:wisi|bez|od)",
            r"\bcomplaint\b",
            r"\brefund\b",
            r"\bzwrot\w*",
            # A claim filed: "filed my EU261 claim", "złożyłam wniosek o odszkodowanie".
            r"\b(?:filed|submitted|sent|lodged|zlozyl\w*|wyslal\w*) (?:my |a |an |the )?"
            r"(?:eu ?261 |compensation |refund )?(?:claim|wniosek)\b",
        ),
        1.0,
    ),
    # "Jutro piszę reklamację", "will ring them first thing tomorrow": about to complain.
    _rule("about to write or call", (CONTACT_ANNOUNCED.pattern,), 1.5),
    _rule(
        "cancelled or delayed",
        (
            # What was booked did not happen: a flight, a train, a visit, a delivery.
            r"\b(?:cancell?ed|delayed|odwolan[aye]|opoznion[aye]|anulowan[aye])\b",
        ),
        1.0,
    ),
    _rule(
        "no answer",
        (
            r"\bnikt nie (?:odpisuje|odpowiada|oddzwoni\w*|przyjechal|przyszedl)\b",
            r"\bzero odpowiedzi\b",
            r"\bno (?:reply|answer|response|one came)\b",
            r"\bnot a single reply\b",
            r"\bbez odpowiedzi\b",
            r"\bnot (?:getting|got|received|had) (?:any |a )?"
            r"(?:response|reply|answer|call ?back)\b",
            r"\b(?:haven'?t|hasn'?t|never) "
            r"(?:heard back|got(?:ten)? (?:a |any )?(?:response|reply))\b",
            r"\bno one (?:is )?(?:answer|respond|repl)\w*\b",
        ),
        1.5,
    ),
    _rule(
        "charged wrongly",
        (
            r"\b(?:podwojnie|dwa razy|dwukrotnie) (?:pobral\w*|obciazyl\w*|naliczyl\w*)",
            r"\bcharged (?:me )?twice\b",
            r"\bovercharg\w*",
            r"\bzawyzon\w*",
            r"\bnaliczyl\w* .{0,30}nie zamawial",
        ),
        1.5,
    ),
    _rule(
        "no-show",
        (
            r"\b(?:nie przyszedl|nie pojawil|nie przyjechal)\w*",
            r"\bnever showed\b",
            r"\bno-show\b",
            r"\bdidn'?t show\b",
        ),
        1.5,
    ),
    _rule(
        "abuse of the company",
        (
            r"\b(?:you|u|y'?all) suck\b",
            r"\b(?:lies|liars?|scam\w*|rip[- ]?off|crooks?|thieves)\b",
            r"\b(?:worst|terrible|awful|horrible|pathetic|useless|appalling|disgraceful"
            r"|unacceptable|ridiculous) (?:customer )?(?:service|company|experience|support"
            r"|airline|app|delivery|store|product)\b",
            r"\b(?:oszusci|zlodzieje|zlodziejstwo|naciagacze|naciagaja)\b",
            r"\bnajgorsz\w* (?:firma|obsluga|operator|siec|sklep|dostawca)\b",
        ),
        1.5,
    ),
    _rule(
        "sarcastic thanks",
        (
            r"\b(?:dziekuje|dzieki|thanks|thank you|brawo|great job)\b.{0,40}"
            r"\b(?:bez internetu|without internet|na infolinii|on the phone|on hold|i dalej"
            r"|and i still|kolejny tydzien|another week)\b",
            r"(?:^|\s)/s\b",
        ),
        2.5,
    ),
    _rule(
        "sarcastic praise",
        (
            # Applause or an eye-roll anywhere in the post ("Brawo 👏 … polecam każdemu",
            # "płacisz raz, a biorą dwa razy 👏"), or praise wished on one's enemies: what
            # praise there is, is meant the other way. Real applause is usually honour given
            # back ("Credit where it's due: … 👏"), which weighs more.
            r"\U0001f44f|\U0001f644|\U0001f643",
            r"\b(?:polecam|recommend\w*)\b(?:\W+\w+){0,4}?\W+(?:wrogom|wrogowi|enem(?:y|ies))\b",
        ),
        2.5,
    ),
    _rule(
        "praise",
        (
            # "nie polecam", "wouldn't recommend" are the opposite of praise.
            r"(?<!\bnie )(?<!\bnot )(?<!n't )(?<!nt )"
            r"\b(?:polecam|recommend|szacun|dziekuje za szybk|thanks for the quick|super obsluga"
            r"|great value|zero (?:issues|problemow)|no complaints|nie narzekam|impressive"
            r"|well done|brawo dla)\b",
            r"\b(?:love (?:the|my|it|this)|loving|uwielbiam|swietn\w*|awesome|excellent)\b",
            r"\b(?:credit where|kudos|hats off|props to|shout[- ]?outs?|wielki plus|duzy plus"
            r"|plus dla|chapeau bas)\b",
            r"\b(?:something positive|positive experience|pozytywn\w* doswiadczeni\w*"
            r"|(?:pleasantly|genuinely) surprised|(?:mile|pozytywnie) zaskoczon\w*|faultless"
            r"|flawless|will (?:definitely )?book again|(?<!no )respect to)\b",
            # "Big thanks to the crew", "Da się? Da się." (it can be done: they did it).
            r"\b(?:big|huge|many|massive) thanks\b|\b(?:wielkie|ogromne) dzieki\b"
            r"|\bda sie\W+da sie\b|\btak sie da\b",
            # "Muszę pochwalić", "this is how it should work", "jest pani wielka".
            r"\b(?:musze|chce|trzeba) (?:tez |to )?(?:pochwalic|podziekowac)\b"
            r"|\bthis is how it should (?:work|be done)\b"
            r"|\b(?:jest pan|jest pani|jestescie) wielc?\w*",
        ),
        -2.0,
    ),
    _rule(
        "honour given back",
        (
            # Praise that answers one's own or others' grievances: "oddaję honor", "muszę
            # oddać sprawiedliwość", "jednak da się", "tak się to załatwia", "to balance the
            # picture". The grievance words around it are the story of what was put right.
            r"\b(?:oddaj\w* honor|odda\w* sprawiedliwosc|(?:jednak|szok,?) da sie"
            # "Credit where it's due:", "Dobra, trzeba oddać:", "Muszę pochwalić:" opening
            # what follows (not "…, so credit where it's due. But the store is a mess").
            r"|credit where (?:\S+ ){0,2}due(?=\s*[:\u2013-])"
            r"|(?:trzeba|musze|musimy|chce) (?:tez |to |im |mu |jej )?"
            r"(?:oddac|pochwalic)(?=\s*[:,!\u2013-])"
            r"|tak sie to (?:zalatwia|robi)|that'?s how it'?s done|dla rownowagi"
            r"|zeby nie bylo,? ze (?:tylko )?narzekam"
            r"|(?:to|for) balance|balance the picture)\b",
        ),
        -3.5,
    ),
    _rule(
        "put right",
        (
            # The money came back and the customer says so: "got my 249 zł back", "refund
            # came through overnight", "1000 zł wróciło na kartę", "ogarnięte", "fair play".
            r"\bgot my (?:\w+ ){0,2}(?:back|refund)\b|\brefund\b[^.!?]{0,30}\bcame through\b"
            r"|\bfair play\b|\bogarniete\b|(?<!nie )\bwrocil\w* na (?:karte|konto)\b"
            r"|\banulowal\w* (?:obciazenie|oplate|kare)\b"
            # "the duplicate 312.88 is back on my account", not "still isn't back".
            r"|\b(?:is|are|was|were|came|went) back (?:on|in|to) my (?:account|card|bank)\b",
        ),
        -5.0,
    ),
    _rule(
        "fixed since",
        (
            # An update after the trouble: "Update: 3.4.2 fixed it", "Seans works again",
            # "Aktualizacja: oddali całe 317 zł",
            # "po nowej wersji znowu działa". Not "they said it's fixed but it isn't".
            r"\b(?:update|edit|following up|aktualizacja|dopisuje|dla porzadku)\b[^!?\n]{0,80}"
            r"(?<!not )(?<!n't )(?<!nie )\b(?:fixed|resolved|sorted|works again|working again"
            r"|(?:is|are) back|landed|oddal\w*|zwrocil\w*|wrocil\w*|naprawil\w*"
            r"|zalatwion\w*|dziala)\b(?! but\b|,? ale\b)",
            r"(?<!not )(?<!n't )\b(?:works|working) again\b(?! but\b)"
            r"|\bit'?s (?:all )?(?:fixed|sorted|resolved)\b(?! but\b)"
            r"|\b(?:znowu|znow) dziala\b(?!,? ale\b)",
        ),
        -2.5,
    ),
    _rule(
        "joke",
        (
            # A joke tagged as one ("#heheszki", "#suchar"): about the brand, not a grievance.
            r"#(?:heheszki|suchar\w*|humor|humour|zart\w*|joke\w*|meme\w*|smieszne|beka)\b",
        ),
        -3.0,
    ),
    _rule(
        "fixed quickly",
        (
            r"\b(?:naprawi\w* w godzine|fixed within an hour|dzis (?:juz )?wszystko dziala"
            r"|everything works today|it'?s fine now|smiga)\b",
        ),
        -2.0,
    ),
    _rule(
        "question without grievance",
        (
            r"^(?:czy|jak|jaki|jaka|ile|gdzie|kto|ktos|does|do|can|how|which|where|who|anyone|is)\b[^.!]{0,120}\?\s*$",
        ),
        -1.5,
    ),
    _rule(
        "asking for advice",
        (
            # Thanks in advance, which to choose, is it worth it: a question, not a grievance.
            r"\b(?:z gory (?:dzieki|dziekuje)|thanks in advance|dzieki z gory)\b",
            r"\b(?:czy warto|co polecacie|polecacie \w+\?|any recommendations|worth it\?)",
            r"\b(?:which|ktory|ktora|ktore|jaki|jaka|jakie) (?:\w+ ){1,2}(?:should i|would you"
            r"|to choose|for an?|dla|wybrac|wybraliscie|polecacie)\b",
            # Experience asked for before buying, or whether something works or counts.
            # Not with the brand's complaints desk: "Macie doświadczenia z reklamacjami u nich?"
            # after the broken eggs is the customer's own claim.
            r"\b(?:(?:does |has )?any(?:one|body) (?:have|had|got) (?:any )?experience"
            r"|any experience with|(?:ktos ma|macie|mial ktos) (?:jakies )?doswiadczeni\w*)\b"
            r"(?! (?:(?:with|z|ze) )?(?:(?:their|ich|tym) )?(?:reklamac\w*|zwrot\w*|refund\w*"
            r"|claims?|complaints?|chargebacks?|support|obslug\w*)\b)",
            r"\b(?:can|could|do|does) (?:\w+ ){1,5}be used\b.{0,80}\?",
            r"\bczy (?:\w+ ){1,3}dziala (?:tez|rowniez|takze)\b.{0,80}\?",
            r"\b(?:dzieki|dziekuje|thanks) (?:za|for) (?:odpowiedz\w*|answers"
            r"|any (?:help|tips|advice))|\bquick question\b|\bszybkie pytanie\b",
        ),
        -1.5,
    ),
    _rule(
        "no grievance words",
        (
            # Inverted below: fires when none of these words of trouble appears at all.
            r"\b(?:not?|never|nothing|nobody|still|again|waiting|wait|broken|broke|doesn'?t|don'?t"
            r"|can'?t|cannot|won'?t|didn'?t|isn'?t|wasn'?t|haven'?t|couldn'?t|wouldn'?t|aren'?t"
            r"|weren'?t|hasn'?t|hadn'?t|worst|terrible|awful|horrible"
            r"|refund\w*|charg\w*|problem\w*|issue\w*|error\w*|fail\w*|down|slow\w*|late|delay\w*"
            r"|cancel\w*|help|why|how long|wrong|missing|lost|damaged|ridiculous|unacceptable"
            r"|claim\w*|chasing|stall\w*|promis\w*|where(?:'s| is| are) (?:my|the)|hospital|a&e"
            r"|disappoint\w*|complain\w*|support|service|outage|bill\w*|ticket|days?|weeks?|months?"
            r"|hours?|bad|worse|poor\w*|rude|unhelpful|uncooperative|useless|pathetic|frustrat\w*"
            r"|annoy\w*|sick of|tired of|fed up|nonsense|scam\w*|glitch\w*|bug\w*|crash\w*"
            r"|freez\w*|stuck|suffer\w*|lie[ds]?|liars?|disgust\w*|shame\w*|mess|hate|fix\w*"
            r"|sorry|expect\w*|respon\w*|repl\w*|answer\w*|incomplete|barely|unable|explain"
            r"|dm|email\w*|call\w*|order\w*|return\w*|money|paid|pay|paying for|without"
            # "is this a joke", "logs me out every single time", "offline"
            r"|suck\w*|joke|every single time|logs? me out|logged out|offline"
            # Damage, a substitute, a wrong reading, every day the same (any business).
            r"|cracked|crushed|shattered|instead|incorrect\w*|every day"
            # Charged twice, points gone, "I filed it", "same here" under someone's post.
            r"|twice|double[- ]?(?:charg\w*|book\w*|bill\w*)|overcharg\w*|vanished|disappeared"
            r"|wiped|filed|same here|exactly the same|minutes"
            # A device that died, a letter written: "died tonight", "wrote to you this morning",
            # money gone: "where did seven quid go".
            r"|died|wrote to|writing to|where did (?:\w+ ){1,3}go)\b",
            r"\b(?:nie|brak\w*|znowu|znow|wciaz|dalej|ciagle|czekam\w*|czeka\w*|reklamac\w*"
            r"|awari\w*|problem\w*|blad\w*|zepsu\w*|opozni\w*|pomocy|dlaczego|kiedy|zenada"
            r"|skandal\w*|kpina|oszu\w*|zwrot\w*|nikt|zaden|zadnej|zadnego|dni|tygodni\w*"
            r"|miesi\w*|godzin\w*|uszkodz\w*|niestety|masakra|dramat|zawyz\w*|naliczy\w*"
            r"|zle|zly|zla|fataln\w*|beznadziej\w*|tragedi\w*|tragiczn\w*|nieuczciw\w*"
            r"|oszust\w*|odpowiedz\w*|kontakt\w*|pieniad\w*|zaplac\w*|zamowien\w*"
            r"|placic|placimy|placisz|place (?:za|pelna|caly|cala)|oplat\w*"
            # Trouble and waiting: "gubi wifi", "rozłącza", "pomaga tylko restart",
            # "zgłosiłam tydzień temu", status "oczekuje".
            r"|gubi\w*|rozlacza\w*|zrywa\w*|przerywa\w*|restart\w*|zglosil\w*|zglasza\w*"
            r"|oczekuj\w*|tydzien|tydzie|offline|kpina|zart\w*"
            r"|pekniet\w*|rozbit\w*|zniszcz\w*|zgniec\w*|potluczon\w*|stluczon\w*|zamiast"
            r"|codziennie|bledn\w*|nieprawidlow\w*|zgubi\w*|zagin\w*"
            r"|odwolan\w*|anulowan\w*|niedogodnosc\w*|wreszcie|zgasl\w*|gasnie"
            # A ticket, a date moved again, silence after it, damage done: "zgłoszenie
            # JRZ-1, cisza", "przesunięta 3. raz", "rozbił lustro", "połamane nogi".
            r"|zglosz\w*|przesun\w*|przeloz\w*|cisza|rozbil\w*|rozwalil\w*|porysowa\w*"
            r"|wgniec\w*|polaman\w*|zlaman\w*|brakuje|poprawk\w*|do wymiany"
            # A broken promise, "where is my refund", "od 3 tyg.", an injury.
            r"|obiec\w*|gdzie (?:moj\w*|jest|sa)|tyg|sor|szpital\w*"
            # Money taken twice, points gone, barely working: "ściągnął mi dwa razy",
            # "podwójnie zarezerwowana", "punkty wyparowały", "kocioł ledwo chodził".
            r"|dwa razy|dwukrotn\w*|podwojn\w*|sciagn\w*|wyparowa\w*|znikn\w*|ledwo|minut\w*"
            # Frozen, nothing helps, the line busy, written to them, "tak się traktuje klientów?".
            r"|zamarz\w*|nic|zajet\w*|(?:na)?pisal(?:em|am|ismy|ysmy)|tak sie traktuje"
            # Logged out, fined by an inspector: "wylogowała mnie", "kanar", "mandat".
            r"|wylogow\w*|mandat\w*|kanar\w*)\b",
            # What should have been and was not: "narożnik miał być dziś".
            r"\bmia(?:l|la|lo|ly|lem|lam)? byc\b|\bmieli byc\b",
            # Without a service ("bez połowy kanałów"), not "bez problemu"; since a date.
            r"\bbez (?:polowy|internetu|netu|sygnalu|kanalow|uslugi|pradu|telewizji|tv"
            r"|zasiegu|dostepu|polaczenia|telefonu)\b",
            r"\b(?:od|since) \d{1,2}[./]\d{1,2}\b",
        ),
        -2.0,
    ),
    _rule(
        "spam",
        (
            r"\b(?:kliknij link|click the link|zarabiaj|earn \$|huge sale|super promocja)\b",
            r"\b(?:best|cheap|tanie) (?:vpn|deals|oferty|kredyty)\b",
            r"\bclick\b(?! (?:&|and|n) collect\b).{0,40}\bnow\b",
            r"\b(?:dzwon teraz|call now|(?:pisz|napisz|message us) (?:na|on) whatsapp"
            r"|oferta (?:tylko|wazna) do|100% (?:pozytywnych|decyzji)|bez bik|no credit check"
            r"|guaranteed approval)\b",
        ),
        # Outweighs any grievance: a spam reply under "Re: a week without internet" carries
        # the thread's title, and its words of trouble are not the spammer's.
        -6.0,
    ),
    _rule(
        "job advert",
        (
            # "Szukamy kurierów", not "szukam innych osób" (I look for others who were hit).
            r"\b(?:szuka(?:my|ja)?|zatrudni\w*|rekrutuje\w*) (?:\w+ )?(?:kurier\w*|pracownik\w*"
            r"|osob\w*|kandydat\w*|konsultant\w*|kierowc\w*)\b",
            r"\b(?:we'?re hiring|now hiring|join our team|wymagania:|oferujemy:|aplikuj)",
        ),
        -3.0,
    ),
    _rule(
        "news or announcement",
        (
            # Not what a customer is told: "informuje nas, że sala jest podwójnie zarezerwowana".
            r"\b(?:zapowiada|ogłasza|oglasza|poinformowal\w*|informuje|wprowadza|przejmuje)\b"
            r"(?! (?:nas|mnie|mi|mie)\b)",
            # The verb, not the noun: "Reuters reports", not "one of those reports".
            r"\b(?:announces|launches|to acquire|plans)\b"
            r"|(?<!\bthose )(?<!\bthese )(?<!\bthe )(?<!\bmany )(?<!\bsuch )\breports\b(?! of\b)",
            r"\b(?:nowa oferta|nowy cennik|new offer|price list)\b",
            # The words of the press: a spokesperson, a statement, a rule taking effect.
            # A spokesperson, not the ombudsman a customer turns to ("do rzecznika praw").
            r"(?<!do )\brzeczni\w*\b(?! (?:praw|finansow|konsument))",
            r"\b(?:spokes(?:person|woman|man)|in a statement|w komunikacie"
            r"|press release|komunikat\w* prasow\w*|takes effect|wchodz\w* w zycie"
            r"|wejdzie w zycie|table of fees|tabel\w* oplat)\b",
            r"\bthe (?:company|bank|operator|firm|carrier|airline|insurer|supplier)"
            r" (?:said|says|confirmed|announced)\b",
            r"\b(?:firma|bank|operator|spolka|przewoznik) (?:poinformowal\w*|potwierdzil\w*"
            r"|zapewnia)\b",
            # A notice to residents or customers, in the voice of whoever runs the place (not
            # its stock phrases, which customers quote back: "przepraszamy za utrudnienia").
            r"\b(?:komunikat dla|szanown\w* (?:klienci|mieszkancy|pasazerowie)"
            r"|uprzejmie informuj\w*|informujemy,? ze|prosimy nie"
            r"|dear (?:customers|residents|passengers))\b",
        ),
        -1.5,
    ),
    _rule(
        "reported speech",
        (
            # The press reporting what a company or others said: "podaje, że", "said it will".
            r"\b(?:podaje|podala|podalo|przekazal\w*|zapowiada\w*|zapowiedzial\w*|tlumaczy"
            r"|wyjasnia|zapewnia|przypomina\w*|przyznaje|poinformowal\w*), ze\b",
            r"\bjak (?:poinformowal\w*|podal\w*|przekazal\w*|informuje|podaje)\b",
            r"\b(?:spolka|firma|operator|przewoznik|bank|ubezpieczyciel|siec) (?:tlumaczy"
            r"|wyjasnia|zapowiada|zapowiedzial\w*|podaje|podala|informuje)\b",
            r"\b(?:said|says|announced|confirmed) (?:it|that it) (?:will|would|had|has)\b",
            r"\bthe (?:company|bank|firm|insurer|retailer|operator|chain) (?:cited|added|said)\b",
            r"\b(?:according to|cytowan\w*|wedlug) (?:the )?(?:company|spokes\w*|rzeczni\w*|firmy"
            r"|spolki|sieci)\b",
            # Sources and rights the press cites: "according to sources", "passengers would be
            # entitled to", "has asked the airline to explain", "said it was reviewing".
            r"\b(?:according to|wedlug|jak wynika z) (?:sources|a source|reports|people familiar"
            r"|nieoficjalnych|informacji|zrodel|naszych)\b",
            r"\b(?:passengers|customers|clients)\b[^.]{0,40} (?:are|would be|will be|may be)"
            r" entitled\b",
            r"\b(?:pasazerom|klientom) (?:przysluguj\w*|nalez\w* sie)\b",
            r"\bhas asked (?:\w+ ){1,4}to explain\b",
            r"\b(?:said|says) (?:it was|it is|it's) \W?(?:reviewing|investigating|looking into)\b",
        ),
        -1.5,
    ),
    _rule(
        "works for me",
        (
            r"\b(?:u mnie|mi) (?:juz |wszystko )?dziala\b",
            r"\bworks for me\b",
            # Only in a sentence that names no device: not "Na samym telefonie Seans działa
            # normalnie" (the TV shows a black screen), "works fine in the browser".
            r"(?:^|(?<=[.!?\n]))(?![^.!?\n]*" + _DEVICE + r")[^.!?\n]*?"
            r"\b(?:dziala (?:normalnie|bez zarzutu|ok)|works (?:fine|normally))\b",
        ),
        -3.0,
    ),
)


# Rules that count when their pattern is absent.
INVERTED = frozenset({"no grievance words"})

# A longer text about what happened to customers, with no one speaking of themselves:
# a report of the news, not a customer's grievance. Applied to folded, casefolded text.
REPORT_WEIGHT = -1.5
# The same in the press's words ("jak poinformował operator"): a news item, even of an outage.
PRESS_REPORT_WEIGHT = -2.5
REPORT_MIN_CHARS = 200
_OF_CUSTOMERS = re.compile(
    r"\b(?:customers|clients|users|passengers|travell?ers|residents|policyholders|klienci"
    r"|klientow|klientom|uzytkownic\w*|pasazer\w*|podrozn\w*|mieszkanc\w*|odbiorc\w*)\b"
)
PRESS_RULES = frozenset({"news or announcement", "reported speech"})
_FIRST_PERSON = {
    "en": re.compile(r"\b(?:i|i'm|i've|i'd|i'll|my|me|mine|we|our|us)\b"),
    # Past tense of the first person ("zapłaciłem", "czekałam"), as well as the pronouns.
    # Not the nouns that end alike: "problem", "celem", "modelem", "reklam".
    "pl": re.compile(
        r"\b(?:ja|mi|mnie|moj\w*|mam|jestem|nam|nas|nasz\w*"
        r"|(?!(?:problem|emblem|celem|modelem|hotelem|portfelem|stylem|kablem|kolem|tlem"
        r"|reklam)\b)\w+(?:lem|lam|lismy|lysmy))\b"
    ),
}


def _in_first_person(folded: str, lang: str | None) -> bool:
    speakers = [_FIRST_PERSON[lang]] if lang in _FIRST_PERSON else list(_FIRST_PERSON.values())
    return any(pattern.search(folded) for pattern in speakers)


def _in_third_person(folded: str, lang: str | None) -> bool:
    """A longer text in which no one speaks of themselves."""
    return len(folded) >= REPORT_MIN_CHARS and not _in_first_person(folded, lang)


# The press speaking of itself: "one reader told us", "napisał do nas czytelnik".
_NEWSROOM_US = re.compile(
    r"\b(?:told|tells|wrote to|writes to|contacted|spoke to|speaking to) us\b"
    r"|\b(?:mowi\w*|powiedzial\w*|opowiada\w*|napisal\w*|przekazal\w*|potwierdzil\w*) nam\b"
    r"|\b(?:napisal\w*|zglosil\w*|odezwal\w*) sie do nas\b|\bnaszej redakcji\b"
    r"|\b(?:w rozmowie|skontaktowal\w* sie) z nami\b"
    # The people the reporter spoke to: "pasażerowie, z którymi rozmawialiśmy".
    r"|\bz (?:ktorymi|ktorym|ktora) (?:rozmawial|rozmawiala|rozmawialismy|rozmawialysmy)\b"
    r"|\b(?:who|whom) we (?:spoke|talked) (?:to|with)\b"
)


def in_third_person(text: str, lang: str | None, *, press: bool = False) -> bool:
    """A longer text in which no one speaks of themselves ("I", "my", "zapłaciłem", "nas");
    with `press`, the newsroom's own "told us" does not count."""
    folded = normalise(text).ascii_folded
    if press:
        folded = _NEWSROOM_US.sub(" ", folded)
    return _in_third_person(folded, lang)


def _told_of_customers(folded: str, lang: str | None, press: bool = False) -> bool:
    """A report: about what happened to customers, or in the press's words, in the third
    person."""
    return (press or bool(_OF_CUSTOMERS.search(folded))) and _in_third_person(folded, lang)


@dataclass(frozen=True)
class ComplaintGuess:
    is_complaint: bool
    confidence: float  # probability that it is a complaint
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    text: str
    is_complaint: bool
    category: str | None
    lang: str
    base: int  # which hand-written line it came from (variants share it)


def _typo(text: str, seed: int) -> str:
    """Swap two letters in one longer word, as a hurried thumb does."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = long[seed % len(long)]
    w = words[i]
    j = 1 + seed % (len(w) - 3)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def load_examples(lang: str) -> list[Example]:
    """The shipped labelled examples of one language, with their variants.

    Each hand-written line yields three examples with different brands: as
    written, without diacritics and in lower case (how many people type), and
    with a typo. Variants share `base`, so a held-out split never sees a
    sibling of a training line.
    """
    examples: list[Example] = []
    for number, label, category, text in example_lines(lang):
        variants = (text, fold_diacritics(text).lower(), _typo(text, number))
        for k, variant in enumerate(variants):
            brand = TRAINING_BRANDS[(number + 3 * k) % len(TRAINING_BRANDS)]
            examples.append(
                Example(
                    variant.replace("{b}", brand),
                    label == "1",
                    None if category == "none" else category,
                    lang,
                    number,
                )
            )
    return examples


def prepare(text: str) -> str:
    """What the model sees: folded text with brand names masked."""
    return _BRANDISH.sub(" brandx ", normalise(text).ascii_folded)


def build_model() -> Pipeline:
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=8.0, max_iter=2000))])


def fit_model(examples: list[Example]) -> Pipeline:
    model = build_model()
    model.fit([prepare(e.text) for e in examples], [e.is_complaint for e in examples])
    return model


@lru_cache(maxsize=1)
def shipped_model() -> Pipeline:
    return fit_model(load_examples("pl") + load_examples("en"))


def model_probabilities(texts: Sequence[str], model: Pipeline | None = None) -> list[float]:
    """The model's complaint probability for many texts at once (much faster than one by one)."""
    if not texts:
        return []
    model = model or shipped_model()
    features = model.named_steps["features"]
    matrix = sp.hstack(
        [t.transform([prepare(x) for x in texts]) for _, t in features.transformer_list]
    )
    return [float(p) for p in model.named_steps["model"].predict_proba(matrix.tocsr())[:, 1]]


def classify_complaint(
    text: str,
    lang: str | None = None,
    *,
    model: Pipeline | None = None,
    probability: float | None = None,
) -> ComplaintGuess:
    """Complaint or not, with the probability and the rules and model score behind it.

    `probability` is the model's figure when it was computed in a batch.
    """
    prepared = prepare(text)
    if not _LETTERS.search(prepared):
        return ComplaintGuess(False, 0.0, ("no words to judge",))
    p = probability if probability is not None else model_probabilities([text], model)[0]
    p = min(max(p, 1e-4), 1 - 1e-4)
    logit = math.log(p / (1 - p))
    reasons = [f"model: {p:.2f}"]
    folded = normalise(text).ascii_folded
    press = False
    for rule in RULES:
        found = bool(rule.pattern.search(folded))
        if found != (rule.name in INVERTED):
            logit += rule.weight
            reasons.append(f"rule: {rule.name} ({rule.weight:+.1f})")
            press = press or rule.name in PRESS_RULES
    if _told_of_customers(folded, lang, press):
        weight = PRESS_REPORT_WEIGHT if press else REPORT_WEIGHT
        logit += weight
        reasons.append(f"rule: told of customers ({weight:+.1f})")
    confidence = 1 / (1 + math.exp(-logit))
    threshold = THRESHOLDS.get(lang or "", THRESHOLD)
    return ComplaintGuess(confidence >= threshold, round(confidence, 3), tuple(reasons))
