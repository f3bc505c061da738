"""All the understanding of one post: what only the whole post (its author too) can tell."""

from __future__ import annotations

from watcher.config import Brand
from watcher.formats.posts import parse_post
from watcher.understanding.pipeline import understand

NURT = [Brand(name="Nurt", aliases=("Nurt", "@NurtMiasto"), exclude=())]
OUTAGE = (
    "AWARIA: o 5:40 uszkodzenie magistrali ciepłowniczej, bez ogrzewania i ciepłej wody "
    "Jaworowa i Bukowa. @NurtMiasto przeprasza, szacowany czas naprawy 24 h."
)


def post(author: str) -> dict[str, object]:
    return {"source": "twitter", "external_id": author, "author": author, "text": OUTAGE}


def test_the_brands_own_account_does_not_complain_about_itself() -> None:
    customer = understand(parse_post(post("ania_z_zacisza")), NURT)
    assert customer.is_complaint and customer.about_brand
    company = understand(parse_post(post("@nurtmiasto")), NURT)
    assert company.about_brand and not company.is_complaint
    assert "posted by Nurt's own account" in company.reasons
    assert company.category is None  # no complaint, so no complaint category
