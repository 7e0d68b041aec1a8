"""Templates cannot run code; every page carries a Content-Security-Policy that a browser enforces;
a failed page build keeps the last good site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_scripts import build, csp, pages
from build_scripts.shots import serve

CTX = {"lang": "en", "v": {}, "raw": {}, "charts": {}, "tables": {}, "blocks": {}}


@pytest.mark.parametrize("payload", [
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
])
def test_a_template_cannot_reach_python(payload: str) -> None:
    with pytest.raises(pages.PageError) as err:
        pages.render(f"Before {payload} after.", CTX, 0, "evil.md")
    message = str(err.value)
    assert message.startswith("evil.md: ")
    assert "uid=" not in message


def test_the_policy_hashes_exactly_the_inline_scripts() -> None:
    html = ('<meta charset="utf-8"><script>a()</script><script src="x.js"></script>'
            '<script type="application/json">{"b": 1}</script><script type="module">c()</script>')
    hashes = csp.inline_hashes(html)
    assert len(hashes) == 2  # a() and c(); neither the external nor the JSON block
    out = csp.with_policy(html)
    assert out.startswith('<meta charset="utf-8"><meta http-equiv="Content-Security-Policy"')
    assert "img-src 'self' data:" in out and "'unsafe-inline'" not in out.split("script-src")[1].split(";")[0]


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_blocks_an_injected_inline_script(browser, built_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page_file = site / "methodology" / "index.html"
    html = page_file.read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in html
    # What a payload in a fact's title would become if it reached the page unescaped.
    page_file.write_text(html.replace("</article>", "<script>window.__injected = 1</script></article>", 1),
                         encoding="utf-8")
    with serve(site) as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text))
        page.goto(f"{url}/methodology/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__injected") is None
        assert any("Content Security Policy" in e for e in errors), errors
        # The page's own inline scripts still ran: the deferred theme bundle loaded.
        page.wait_for_function("() => typeof window.document$ !== 'undefined' || document.querySelector('.md-search')")
        page.close()


def test_a_failed_page_build_keeps_the_last_good_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text("site_name: x\nnav: [{Home: missing.md}]\ndocs_dir: nowhere\n", encoding="utf-8")
    monkeypatch.setattr(build, "CONFIGS", {"en": broken, "ja": broken})
    with pytest.raises(SystemExit, match="keeps the last good site"):
        build.mkdocs_build(site, "0")
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yml", "site"]
