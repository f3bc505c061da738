"""Scrapy settings for watcher's spiders (named by scrapy.cfg)."""

BOT_NAME = "watcher"
SPIDER_MODULES = ["watcher.spiders"]
NEWSPIDER_MODULE = "watcher.spiders"
ROBOTSTXT_OBEY = True
USER_AGENT = "watcher (+https://github.com/watcher-project/watcher)"
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_TIMEOUT = 30
# A good citizen: one request at a time per site, a pause between requests, and slower
# still when the site answers slowly (AutoThrottle). A source may set `delay` (seconds)
# and `concurrency` (requests at a time) for a site that allows more.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = "WARNING"
RETRY_TIMES = 2
DOWNLOADER_MIDDLEWARES = {"watcher.spiders.middlewares.SafeUrlMiddleware": 50}
