"""Browser tests: the web pages in headless Chromium against a real server."""
