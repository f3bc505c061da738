"""The crawl child process: `python -m watcher.spiders.crawl` with a source as JSON on stdin.

Scrapy's reactor runs once per process, so every crawl gets its own. It writes
one post per line (the Posts format) to stdout; the parent validates them.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings, default_settings

from watcher.spiders import settings as defaults
from watcher.spiders.forum import ForumSpider
from watcher.spiders.presets import forum_selectors


class JsonLinesPipeline:
    """Writes every item to stdout as one JSON line."""

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return item


def main() -> int:
    source = json.load(sys.stdin)
    settings = Settings()
    settings.setmodule(defaults)
    settings.set("ITEM_PIPELINES", {f"{__name__}.JsonLinesPipeline": 100})
    for key in ("DOWNLOAD_MAXSIZE", "DOWNLOAD_TIMEOUT", "USER_AGENT"):
        if source.get(key) is not None:
            settings.set(key, source[key])
    if source.get("delay") is not None:
        delay = float(source["delay"])
        settings.set("DOWNLOAD_DELAY", delay)
        settings.set("AUTOTHROTTLE_START_DELAY", delay)
    if source.get("concurrency") is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", max(1, int(source["concurrency"])))
    settings.set("DOWNLOAD_WARNSIZE", min(settings.getint("DOWNLOAD_MAXSIZE"), 10_000_000))
    if hasattr(default_settings, "LOG_INSTALL_ROOT_HANDLER"):  # Scrapy >= 2.13
        settings.set("LOG_INSTALL_ROOT_HANDLER", False)
        process = CrawlerProcess(settings)
    else:
        process = CrawlerProcess(settings, install_root_handler=False)
    if source["type"] == "forum":
        selectors = forum_selectors(source.get("preset"), source.get("selectors"))
        process.crawl(ForumSpider, source=source, selectors=selectors)
    else:
        from watcher.spiders.blog import BlogSpider  # trafilatura: only blog crawls load it

        process.crawl(BlogSpider, source=source, selectors=source.get("selectors") or {})
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
