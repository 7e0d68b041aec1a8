"""Screenshots of the built site for review: both languages, both colour schemes, desktop and phone.

`python -m build_scripts.shots OUT_DIR [PAGE ...]` serves `site/` on 127.0.0.1 and drives the
system Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from .paths import SITE

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def find_chromium() -> str | None:
    """The system's Chromium (or Chrome): Playwright drives it, so no browser is downloaded."""
    return next((p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None)


def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        raise SystemExit("no Chromium on PATH (Debian: apt-get install chromium)")
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 on a free port for the duration of the block."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("pages", nargs="*", default=[""])
    p.add_argument("--site", type=Path, default=SITE)
    p.add_argument("--full", action="store_true", help="full-page screenshots")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with serve(args.site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for lang_prefix in ("", "ja/"):
            for scheme in ("light", "dark"):
                for vp, (w, h) in VIEWPORTS.items():
                    ctx = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
                    page = ctx.new_page()
                    for name in args.pages:
                        page.goto(f"{base}/{lang_prefix}{name}")
                        # Charts load lazily; a full-page picture needs all of them.
                        page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                                      ".forEach(i => { i.loading = 'eager'; })")
                        page.wait_for_load_state("networkidle")
                        page.wait_for_timeout(300)
                        slug = (name.strip("/") or "home").replace("/", "-")
                        out = args.out / f"{lang_prefix.strip('/') or 'en'}-{slug}-{scheme}-{vp}.png"
                        page.screenshot(path=str(out), full_page=args.full)
                        print(out)
                    ctx.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
