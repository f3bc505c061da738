"""Read saved pages of real forums with the forum presets and print what they yield.

    .venv/bin/python bench/forum_real_pages.py [--data ../shared/data/forums]

The pages (nettally/*.html, ptforum/*) stay outside the project: the license of
their text is not ours. Each page gets the preset its file name names and goes
through the spider's own functions (is_thread, extract_posts, thread_links,
next_page). Prints a Markdown table: posts and how many have an author and a
date on thread pages, thread links on board pages, and a sample. A date column
shows the raw text of the first post when parse_date reads none. Exits 1 when
a thread page yields no posts or a post without an author.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.http import HtmlResponse

from watcher.spiders.forum import extract_posts, first_text, is_thread, next_page, thread_links
from watcher.spiders.presets import FORUM_PRESETS

ROOT = Path(__file__).resolve().parents[1]
NETTALLY = {
    "nodebb": "nodebb",
    "phpbb": "phpbb3",
    "vbulletin3": "vbulletin3",
    "vbulletin4": "vbulletin4",
    "vbulletin5": "vbulletin5",
    "xenforo1": "xenforo1",
    "xenforo2": "xenforo2",
}
PTFORUM = {"phpbb": "phpbb2", "phpbb3": "phpbb3", "smf2": "smf2"}


def preset_for(page: Path) -> str | None:
    """nettally pages are named after the engine, ptforum pages `engine__url`."""
    if "__" in page.name:
        return PTFORUM.get(page.name.split("__")[0].lower())
    return NETTALLY.get(page.stem.lower())


def row(page: Path, data: Path, preset: str) -> tuple[list[str], bool]:
    """One table row for the page, and whether it is good."""
    selectors = FORUM_PRESETS[preset]
    url = f"https://{page.parent.name}.example/{page.name}"
    response = HtmlResponse(url=url, body=page.read_bytes())
    name = str(page.relative_to(data))
    following = "yes" if next_page(response, selectors) else "no"
    if not is_thread(response, selectors):
        links = thread_links(response, selectors)
        first = links[0] if links else ""
        cells = [name, preset, "board", "", "", "", str(len(links)), following, first]
        return cells, bool(links)
    posts = extract_posts(response, selectors, url)
    authors = sum(1 for p in posts if p["author"])
    dated = sum(1 for p in posts if p["published_at"])
    sample = ""
    if posts:
        date = posts[0]["published_at"]
        if date is None:
            first = response.css(selectors["post"])[0]
            values = first.css(selectors.get("date", "time::attr(datetime)")).getall()
            raw = first_text([" ".join(values)])
            date = f"none (text: {raw!r})"
        sample = f"{posts[0]['author']} / {date}"
    nodes = len(response.css(selectors["post"]))
    cells = [
        name, preset, "thread", f"{len(posts)} of {nodes}", str(authors), str(dated), "",
        following, sample,
    ]  # fmt: skip
    return cells, bool(posts) and authors == len(posts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "forums")
    args = parser.parse_args()
    data: Path = args.data.resolve()
    pages = sorted(p for d in ("nettally", "ptforum") for p in (data / d).glob("*.htm*"))
    if not pages:
        print(f"no pages under {data}: nothing to run", file=sys.stderr)
        return 0
    header = [
        "page", "preset", "kind", "posts", "with author", "with date", "thread links",
        "next page", "sample (author / date, or first thread link)",
    ]  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    good = True
    for page in pages:
        preset = preset_for(page)
        if preset is None:
            print(f"{page.name}: no preset for this file name", file=sys.stderr)
            continue
        cells, ok = row(page, data, preset)
        good = good and ok
        print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return 0 if good else 1


if __name__ == "__main__":
    raise SystemExit(main())
