"""Scrapy settings for watcher's spiders (named by scrapy.cfg)."""

BOT_NAME = "watcher"
SPIDER_MODULES = ["watcher.spiders"]
NEWSPIDER_MODULE = "watcher.spiders"
ROBOTSTXT_OBEY = True
USER_AGENT = "watcher (+https://github.com/watcher-project/watcher)"
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = False  # one source per crawl, few pages: politeness via DOWNLOAD_DELAY
DOWNLOAD_DELAY = 0.25
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = "WARNING"
RETRY_TIMES = 2
DOWNLOADER_MIDDLEWARES = {"watcher.spiders.middlewares.SafeUrlMiddleware": 50}
