"""ClaimReview JSON-LD is safe to embed in a page as schema.org recommends (RELIABILITY T68, issue 18).

Quote text, speaker names, headlines and --reviewer-org holding ``</script>``, ``<!--`` or
``&`` must come back unchanged through ``json.loads`` while the file itself holds none of
``<``, ``>``, ``&``; with Debian's chromium installed, the file is also embedded in a page and
loaded headless to show that no script from the data runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from attribution.export import export_rows

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BREAKOUT = "</script><script>document.body.dataset.pwned = 'quote'</script>"
PAYLOADS = [
    BREAKOUT,
    "</SCRIPT ><script>document.body.dataset.pwned = 'upper'</script>",
    "<!--<script>document.body.dataset.pwned = 'comment'</script>-->",
    'AT&T said &lt;no&gt; & "then" ]]> left',
    "line\u2028separator\u2029paragraph",
]
REVIEWER = "Desk </script><script>document.body.dataset.pwned = 'reviewer'</script> & Co"


def hostile_rows() -> list[dict[str, Any]]:
    rows = []
    for i, payload in enumerate(PAYLOADS):
        rows.append(
            {
                "id": f"s{i}",
                "status": "false",
                "content": f"He said {payload}",
                "speaker": f"Speaker {payload}",
                "speaker_kind": "person",
                "role": f"role {payload}",
                "organisation": f"Org {payload}",
                "source": f"feed-{payload}.txt",
                "document_title": f"Headline {payload}",
                "published": "2024-05-01",
                "document_id": f"doc{i}",
                "reviewed_at": "2024-05-02T10:00:00+00:00",
            }
        )
    return rows


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "reviews.jsonld"
    report = export_rows(hostile_rows(), out, "claimreview", reviewer=REVIEWER, review_date="2024-05-02")
    assert report.rows == len(PAYLOADS)
    return out, out.read_text(encoding="utf-8")


def test_claimreview_escapes_script_breakers_in_every_string(exported: tuple[Path, str]) -> None:
    """T68: `</script>` from quote text (and --reviewer-org) was written raw."""
    _, raw = exported
    assert "</script" not in raw.lower() and "<!--" not in raw
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\u2028" not in raw and "\u2029" not in raw
    assert "\\u003c/script\\u003e" in raw and "\\u0026" in raw


def test_claimreview_reads_back_as_the_original_text(exported: tuple[Path, str]) -> None:
    _, raw = exported
    reviews = json.loads(raw)
    for review, payload in zip(reviews, PAYLOADS, strict=True):
        assert review["claimReviewed"] == f"He said {payload}"
        author = review["itemReviewed"]["author"]
        assert author["name"] == f"Speaker {payload}" and author["jobTitle"] == f"role {payload}"
        assert author["affiliation"]["name"] == f"Org {payload}"
        assert review["itemReviewed"]["appearance"]["headline"] == f"Headline {payload}"
        assert review["itemReviewed"]["appearance"]["name"] == f"feed-{payload}.txt"
        assert review["author"] == {"@type": "Organization", "name": REVIEWER}
    assert any(BREAKOUT in s for s in strings(reviews))


def test_script_safe_json_round_trips_any_string() -> None:
    from attribution.export.claimreview import script_safe_json

    value = {"k<&>": ["</script>", "<!--", "&amp;", "\u2028", 1, None, True, "plain é ‘x’"]}
    text = script_safe_json(value)
    assert json.loads(text) == value
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(script_safe_json(value, indent=None)) == value


def page(ld_json: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>fact check</title></head><body>\n"
        f'<script type="application/ld+json" id="ld">{ld_json}</script>\n'
        "<script>\n"
        "  const reviews = JSON.parse(document.getElementById('ld').textContent);\n"
        "  document.body.dataset.reviews = String(reviews.length);\n"
        "  document.body.dataset.first = reviews[0].claimReviewed;\n"
        "</script>\n"
        "</body></html>\n"
    )


def dump_dom(html_file: Path, profile: Path) -> str:
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--no-first-run",
         f"--user-data-dir={profile}", "--dump-dom", html_file.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (apt-get install -y chromium)")
def test_claimreview_embedded_in_a_page_runs_no_script_in_chromium(exported: tuple[Path, str], tmp_path: Path) -> None:
    """T68: the page's own script parses the JSON-LD; nothing from the data runs."""
    from html.parser import HTMLParser

    _, raw = exported
    html_file = tmp_path / "page.html"
    html_file.write_text(page(raw), encoding="utf-8")
    dom = dump_dom(html_file, tmp_path / "profile")

    class Body(HTMLParser):
        attrs: dict[str, str | None] = {}
        scripts = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "body":
                Body.attrs = dict(attrs)
            if tag == "script":
                Body.scripts += 1

    Body().feed(dom)
    assert "data-pwned" not in Body.attrs, Body.attrs
    assert Body.scripts == 2  # the JSON-LD block and the page's own script, nothing injected
    assert Body.attrs.get("data-reviews") == str(len(PAYLOADS))
    assert Body.attrs.get("data-first") == f"He said {BREAKOUT}"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (apt-get install -y chromium)")
def test_the_page_test_detects_a_raw_breakout(tmp_path: Path) -> None:
    """Control: the same page with unescaped JSON does run the injected script, so the check above can fail."""
    raw = json.dumps([{"claimReviewed": f"He said {BREAKOUT}"}], ensure_ascii=False)
    html_file = tmp_path / "raw.html"
    html_file.write_text(page(raw), encoding="utf-8")
    assert 'data-pwned="quote"' in dump_dom(html_file, tmp_path / "profile")
