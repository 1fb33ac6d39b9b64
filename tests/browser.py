"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import contextlib
import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]


@contextlib.contextmanager
def browser_page(locale="id-ID"):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(locale=locale)
            yield context.new_page()
        finally:
            browser.close()


def log_in(page, base_url, username, password="rahasia-123"):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def open_nav(page, href):
    """Follow a navigation entry as a person would: on a phone through the menu button, on a desktop
    through its group's drop-down (templates/nav.html)."""
    link = page.locator(f"header nav a[href='{href}']")
    if page.locator("label.nav-button").is_visible():
        if not link.is_visible():
            page.click("label.nav-button")
    elif not link.is_visible():
        link.locator("xpath=ancestor::div[contains(@class, 'nav-group')]/span[contains(@class, 'nav-head')]").hover()
    link.click()


SHOTS = os.environ.get("LINDUNG_SCREENSHOTS")   # a folder to keep screenshots in, when set


def shot(page, name):
    """Screenshots of the page at desktop width and at 390 px, kept when LINDUNG_SCREENSHOTS names a folder."""
    if SHOTS:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
