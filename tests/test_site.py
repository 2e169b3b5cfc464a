"""The catalogue site: a page per record with the fixed skeleton, live indexes, escaping, offline, links, org builds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from functools import cache, lru_cache
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from fastpolicy.catalogue.catalogue import Catalogue
from fastpolicy.catalogue.markers import strip_markers
from fastpolicy.errors import PolicyError
from fastpolicy.scan.findings import rule_url
from fastpolicy.site.assemble import SiteOptions, generate_pages
from fastpolicy.site.build import build_site
from fastpolicy.site.rule_page import SKELETON

ROOT = Path(__file__).resolve().parent.parent


def configured_options() -> SiteOptions:
    """What `mkdocs build` publishes here: the built-in catalogue unless FASTPOLICY_DOCS_* say otherwise."""
    env = {"policies": os.environ.get("FASTPOLICY_DOCS_POLICIES", ""), "builtin": os.environ.get("FASTPOLICY_DOCS_BUILTIN", "true")}
    return SiteOptions.from_config({"fastpolicy": env})


# `make test` builds the site with `mkdocs build --strict` just before pytest and names that build here, so the
# page and browser tests check the very site make test published instead of building it a second time
PREBUILT = "FASTPOLICY_TEST_SITE_DIR"


@lru_cache(maxsize=1)
def built_site() -> tuple[Catalogue, Path]:
    """The site, built once per test session (the browser test uses it too), or the build FASTPOLICY_TEST_SITE_DIR names."""
    prebuilt = os.environ.get(PREBUILT)
    if prebuilt:
        out = Path(prebuilt).resolve()
        assert (out / "index.html").is_file() and (out / "search" / "search_index.json").is_file(), f"{PREBUILT}={prebuilt} holds no built site"
        built = (out / "search" / "search_index.json").stat().st_mtime  # written last by mkdocs' search plugin
        sources = [ROOT / "mkdocs.yml", *(f for d in ("policies", "schemas", "site", "engine/fastpolicy") for f in (ROOT / d).rglob("*")
                                            if f.is_file() and f.suffix != ".pyc")]
        stale = [str(f.relative_to(ROOT)) for f in sources if f.stat().st_mtime > built]
        assert not stale, f"{PREBUILT}={prebuilt} is older than {stale[:5]}: rebuild it (mkdocs build --strict) or unset it"
        return configured_options().load(), out
    out = Path(tempfile.mkdtemp(prefix="fastpolicy-site-")) / "site"
    catalogue = build_site(configured_options(), out)
    return catalogue, out


@pytest.fixture(scope="module")
def site() -> tuple[Catalogue, Path]:
    return built_site()


class _Html(HTMLParser):
    """Collects links, scripts, stylesheets, h2 headings and the hl (highlighted line) count of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.h2: list[str] = []
        self.ids: set[str] = set()
        self.highlighted = 0
        self._in_h2 = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            self.styles.append(a["href"] or "")
        if tag in ("img", "iframe") and a.get("src"):
            self.scripts.append(a["src"] or "")
        if tag == "h2":
            self._in_h2, self._text = True, []
        if tag == "span" and a.get("class") == "hll":
            self.highlighted += 1

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._in_h2:
            self._in_h2 = False
            self.h2.append("".join(self._text).replace("¶", "").strip())


@cache
def parse(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def rule_html(out: Path, policy_id: str) -> Path:
    return out / "rules" / policy_id / "index.html"


# --------------------------------------------------------------------------- pages


def test_every_record_has_a_page_with_the_whole_skeleton_in_order(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    broken = []
    for policy in catalogue.policies:
        page = rule_html(out, policy.id)
        if not page.is_file():
            broken.append(f"{policy.id}: no page at {page.relative_to(out)}")
            continue
        headings = parse(page).h2
        if headings != list(SKELETON):
            broken.append(f"{policy.id}: headings {headings}")
    assert not broken, "\n".join(broken)


def test_rule_pages_sit_where_scan_findings_point(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    for policy in catalogue.policies:
        path = urlsplit(rule_url(policy, "https://example.org/docs/")).path.removeprefix("/docs/")
        assert (out / path / "index.html").is_file(), policy.id


def test_examples_show_the_tested_code_without_markers_and_highlight_flagged_lines(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    wrong = []
    for policy in catalogue.policies:
        html = rule_html(out, policy.id).read_text(encoding="utf-8")
        if re.search(r"#\s*(ruleid|ok|todoruleid|todook)\s*:", html):
            wrong.append(f"{policy.id}: a test marker is shown")
        expected = sum(len(strip_markers(e.code)[1]) for e in policy.examples)
        got = parse(rule_html(out, policy.id)).highlighted
        if got != expected:
            wrong.append(f"{policy.id}: {got} highlighted lines, {expected} flagged lines in the examples")
    assert not wrong, "\n".join(wrong)


def test_section_pages_and_the_all_rules_table_list_every_record(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    table = (out / "rules" / "index.html").read_text(encoding="utf-8")
    assert table.count("<tr data-section=") == len(catalogue.policies)
    for key in {p.section for p in catalogue.policies}:
        html = (out / "sections" / key / "index.html").read_text(encoding="utf-8")
        for policy in (p for p in catalogue.policies if p.section == key):
            assert f"../../rules/{policy.id}/" in html, (key, policy.id)


def _sample_blocks(html: str) -> dict[str, list[str]]:
    """The home page's sample finding, one text block per terminal width."""
    blocks = re.findall(r'<pre class="fp-sample-(\w+)" data-columns="(\d+)"><code>(.*?)</code></pre>', html, re.S)
    return {f"{name}:{columns}": unescape(re.sub(r"<[^>]+>", "", text)).splitlines() for name, columns, text in blocks}


def test_home_page_speaks_to_users_with_live_counts_and_a_real_finding(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    html = (out / "index.html").read_text(encoding="utf-8")
    automated = [p for p in catalogue.policies if p.check.automated]
    default_run = [p for p in automated if not p.deployment]  # a scan of a project whose deployment is unknown
    assert 0 < len(default_run) < len(automated) < len(catalogue.policies)  # the three counts differ: none can stand in for another
    assert f"<strong>{len(catalogue.policies)}</strong> records" in html
    assert f"runs the <strong>{len(default_run)}</strong> automated rules" in html
    assert f"the other {len(catalogue.policies) - len(automated)} are review checklists" in html
    assert "fastpolicy:counts" not in html and "fastpolicy:finding" not in html
    shown = unescape(re.sub(r"<[^>]+>", "", html))  # the code blocks' text without the highlighter's spans
    for snippet in ("pip install fastpolicy", "fastpolicy scan", "uses: fastpolicy/fastpolicy@", "id: fastpolicy", "--format sarif"):
        assert snippet in shown, snippet
    assert 'href="adopting/"' in html and 'href="integrations/"' in html
    blocks = _sample_blocks(html)
    assert sorted(blocks) == ["narrow:44", "wide:72"]
    for key, lines in blocks.items():
        columns = int(key.split(":")[1])
        assert max(len(line) for line in lines) <= columns, (key, lines)  # printed at that width by the real reporter
        text = " ".join(" ".join(lines).split())
        assert text.startswith("app/main.py:5:1 HIGH SEC-010 CORS allows every origin"), text
        assert "fastpolicy explain SEC-010" in text and "rules/SEC-010/" in text
        assert text.endswith(f"1 finding (1 high) in 1 file scanned, {len(default_run)} rules."), text


def test_readers_see_the_source_guide_not_the_seed(site: tuple[Catalogue, Path]) -> None:
    """"seed" is the authors' word (the `seed:` key); every page a reader sees says "source guide", keeping ids like S2.10."""
    _, out = site
    said = []
    for page in sorted(p for p in out.rglob("*.html") if p.relative_to(out).parts[0] != "reference"):  # authors' pages name the key
        text = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        text = unescape(re.sub(r"<[^>]+>", " ", text))
        said += [f"{page.relative_to(out)}: {m.group(0)}" for m in re.finditer(r"\b(the\s+seed|seed\s+rules?|seed\s+S\d)\b", text, re.I)]
    assert not said, "\n".join(said[:20])
    sec = (out / "rules" / "SEC-010" / "index.html").read_text(encoding="utf-8")
    assert 'id="source-guide-rule"' in sec and ">S2.10</code>" in sec


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("The seed is right that", "The source guide is right that"),
        ("which is why the\n  seed's rule", "which is why the\n  source guide's rule"),
        ("(seed S2.15, the same requirement)", "(guide rule S2.15, the same requirement)"),
        ("Seed rules covered", "Guide rules covered"),
        ("random.seed, Faker.seed, a fixed factory seed", "random.seed, Faker.seed, a fixed factory seed"),
        ("a session used only to seed data", "a session used only to seed data"),
        ("set the seed value once", "set the seed value once"),
    ],
)
def test_record_prose_names_the_guide_in_plain_words(written: str, read: str) -> None:
    from fastpolicy.site.text import reader_words

    assert reader_words(written) == read


def test_graph_and_coverage_pages_link_every_record_and_seed_rule(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    graph = (out / "graph" / "index.html").read_text(encoding="utf-8")
    nodes = re.findall(r'data-node="([^"]+)"', graph)
    assert sorted(nodes) == sorted(p.id for p in catalogue.policies)  # each record once, in its own section's cluster
    coverage = (out / "coverage" / "index.html").read_text(encoding="utf-8")
    for number in catalogue.seed:
        assert f'id="{number.lower().replace(".", "-")}"' in coverage
    assert "API1:2023" in coverage and "API10:2023" in coverage


def test_graph_page_draws_what_teaches_and_keeps_related_on_demand(site: tuple[Catalogue, Path]) -> None:
    from fastpolicy.catalogue.graph import build_graph

    catalogue, out = site
    graph = (out / "graph" / "index.html").read_text(encoding="utf-8")
    declared = {(u, v, d["type"]) for u, v, d in build_graph(catalogue).edges(data=True) if d.get("declared")}
    structural = {e for e in declared if e[2] != "related"}
    drawn = set(re.findall(r'data-kind="(\w+)" data-source="([^"]+)" data-target="([^"]+)"', graph))
    assert {(u, v, k) for k, u, v in drawn if k != "related"} == structural  # every requires/refines/conflicts edge is drawn
    assert {(u, v, k) for k, u, v in drawn} <= declared
    assert 'class="fp-graph-view fp-hide-related"' in graph  # related: hidden until asked for
    assert graph.index('id="conflicts"') < graph.index('id="by-section"')  # conflicts come first
    for u, v, _ in (e for e in declared if e[2] == "conflicts"):
        assert f"rules/{u}/" in graph.split('id="by-section"')[0] and f"rules/{v}/" in graph.split('id="by-section"')[0]
    for policy in catalogue.policies:  # full titles: wrapped in the drawing, whole in its tooltip or card
        assert f"{policy.id}: {escape(policy.title)}</title>" in graph or f"</code> {escape(policy.title)}</a>" in graph, policy.id
    by_id = catalogue.by_id()
    for key in {p.section for p in catalogue.policies}:
        cluster = graph.split(f'<section class="fp-cluster" data-section="{key}">', 1)[1].split("</section>", 1)[0]
        own = re.findall(r'data-node="([^"]+)"', cluster)
        assert own and all(by_id[n].section == key for n in own), key


def test_reference_pages_are_generated_from_the_schema_and_the_cli(site: tuple[Catalogue, Path]) -> None:
    import typer

    from fastpolicy.catalogue.schema import policy_schema
    from fastpolicy.cli import app

    _, out = site
    schema = (out / "reference" / "schema" / "index.html").read_text(encoding="utf-8")
    for key in policy_schema()["properties"]:
        assert f"<code>{key}</code>" in schema, key
    cli = (out / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        assert f"fastpolicy {name}" in cli, name
        for sub in getattr(command, "commands", {}):
            assert f"fastpolicy {name} {sub}" in cli, sub
    assert "--policies" in cli and "--out" in cli
    assert (out / "reference" / "writing-rules" / "index.html").is_file()
    from fastpolicy.catalogue.data_schema import load_schema
    from fastpolicy.resources import config_schema_path, overrides_schema_path

    config = (out / "reference" / "configuration" / "index.html").read_text(encoding="utf-8")
    for key in load_schema(config_schema_path())["properties"]:
        assert f"<code>{key}</code>" in config, key
    for key in load_schema(overrides_schema_path())["$defs"]["override"]["properties"]:
        assert f"<code>{key}</code>" in config, key
    adopting = (out / "adopting" / "index.html").read_text(encoding="utf-8")
    assert "Configuration" in adopting and "Organization overrides" in adopting


# --------------------------------------------------------------------------- search, links, offline


def test_search_index_finds_each_rule_by_id_name_and_title(site: tuple[Catalogue, Path]) -> None:
    catalogue, out = site
    index = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    text: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#", 1)[0]
        text[page] = text.get(page, "") + " " + doc.get("title", "") + " " + doc.get("text", "")
    for policy in catalogue.policies:
        found = text.get(f"rules/{policy.id}/", "")
        assert policy.id in found, policy.id
        assert policy.name in found, policy.name
        for word in re.findall(r"[A-Za-z]{4,}", policy.title):
            assert word.lower() in found.lower(), (policy.id, word)


def test_every_internal_link_resolves(site: tuple[Catalogue, Path]) -> None:
    _, out = site
    broken = []
    for page in sorted(out.rglob("*.html")):
        for href in parse(page).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            if not parts.path:
                target = page
            else:
                base = out if parts.path.startswith("/") else page.parent  # 404.html links from the site root
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: {href}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(out)}: {href} (no such anchor)")
    assert not broken, "\n".join(sorted(set(broken))[:50])


def test_the_site_works_offline(site: tuple[Catalogue, Path]) -> None:
    _, out = site
    remote = []
    for page in out.rglob("*.html"):
        parsed = parse(page)
        remote += [f"{page.relative_to(out)}: {src}" for src in parsed.scripts + parsed.styles if urlsplit(src).netloc]
    for sheet in out.rglob("*.css"):
        if re.search(r"@import\s+url\(\s*['\"]?https?:|fonts\.googleapis", sheet.read_text(encoding="utf-8", errors="replace")):
            remote.append(str(sheet.relative_to(out)))
    assert not remote, "\n".join(remote[:20])


# --------------------------------------------------------------------------- organization folders and escaping

SECTIONS = """\
acme:
  prefix: ACME
  title: Acme <b>house</b> rules
  description: Rules of <script>alert('section')</script> Acme.
"""

EVIL = """\
id: ACME-001
name: evil-markup
title: Evil <script>alert('title')</script> & </title><img src=x onerror=alert(1)>
section: acme
topic: Injection <i>tests</i>
level: MUST
severity: high
seed: []
statement: >-
  Nothing <img src=x onerror=alert('statement')> here; `a < b` stays code.
rationale: |
  <script>alert('rationale')</script>

  <iframe src="https://evil.example/"></iframe>

  A [harmless looking link](javascript:alert('link')) and ![pic](https://evil.example/x.png).
  Real markdown still works: **bold** and `Depends()`.
references:
  - title: A reference <script>alert('ref')</script>
    url: https://example.com/" onmouseover="alert('url')
relations:
  - type: conflicts
    target: ACME-002
    note: </li></ul><script>alert('note')</script>
check:
  kind: manual
  reason: Review only, <b onclick="alert('reason')">really</b>.
  questions:
    - Is <script>alert('question')</script> gone?
limitations:
  - A limitation with <style>body{display:none}</style> inside.
examples: []
"""

EVIL_PATTERN = """\
id: ACME-002
name: evil-example
title: Example closing its fence &lt;/title&gt;&lt;script&gt;alert('entity')&lt;/script&gt;
section: acme
topic: Injection tests
level: SHOULD
severity: low
seed: []
statement: The example code below must stay inside its code block.
rationale: The fence is longer than any run of backticks in the code.
references:
  - title: Example
    url: https://example.com/
relations: []
check:
  kind: pattern
  languages: [python]
  message: Do not call evil() — it is <b>bad</b>.
  rule:
    pattern: evil(...)
examples:
  - kind: bad
    title: Closing the fence </p><script>alert('example title')</script>
    language: python
    code: |
      x = '''
      ```
      <script>alert('fence')</script>
      '''
      # ruleid: ACME-002
      evil()
  - kind: good
    title: Fine
    language: python
    code: |
      good()
"""


class _Injections(HTMLParser):
    """Markup that could only come from record text: event handlers, javascript: links, iframes, injected tags."""

    INJECTED_WORDS = {"house", "tests", "bad", "really"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "iframe" or (tag == "img" and dict(attrs).get("src") in ("x", "https://evil.example/x.png")):
            self.found.append(f"<{tag}>")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        tag = self._open[-1] if self._open else ""
        if tag in ("script", "style") and ("alert(" in data or "display:none" in data):
            self.found.append(f"<{tag}>{data.strip()[:60]}")
        if tag in ("b", "i") and data.strip() in self.INJECTED_WORDS:
            self.found.append(f"<{tag}>{data}")


def injections(html: str) -> list[str]:
    parser = _Injections()
    parser.feed(html)
    return parser.found


def write_org(folder: Path) -> Path:
    (folder / "acme").mkdir(parents=True)
    (folder / "sections.yaml").write_text(SECTIONS, encoding="utf-8")
    (folder / "acme" / "ACME-001-evil-markup.yaml").write_text(EVIL, encoding="utf-8")
    (folder / "acme" / "ACME-002-evil-example.yaml").write_text(EVIL_PATTERN, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def org_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`fastpolicy docs build --policies DIR --out DIR --no-builtin`, as an organization runs it."""
    from typer.testing import CliRunner

    from fastpolicy.cli import app

    base = tmp_path_factory.mktemp("org")
    folder = write_org(base / "acme-rules")
    out = base / "site"
    result = CliRunner().invoke(app, ["docs", "build", "--policies", str(folder), "--out", str(out), "--no-builtin"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return out


def test_an_organization_folder_gets_its_own_site(org_site: Path) -> None:
    assert rule_html(org_site, "ACME-001").is_file()
    assert rule_html(org_site, "ACME-002").is_file()
    assert (org_site / "sections" / "acme" / "index.html").is_file()
    assert not rule_html(org_site, "SEC-010").exists()  # --no-builtin
    assert parse(rule_html(org_site, "ACME-001")).h2 == list(SKELETON)


def test_record_text_cannot_inject_markup_or_script(org_site: Path) -> None:
    leaks = []
    for page in org_site.rglob("*.html"):
        leaks += [f"{page.relative_to(org_site)}: {found}" for found in injections(page.read_text(encoding="utf-8"))]
    for doc in json.loads((org_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]:
        # Material's search renders titles and text as HTML: they must hold escaped record text only
        leaks += [f"search index {doc['location']}: {found}" for found in injections(doc.get("title", "") + doc.get("text", ""))]
    assert not leaks, "\n".join(leaks)


def test_escaped_record_text_is_still_shown_and_markdown_still_works(org_site: Path) -> None:
    html = rule_html(org_site, "ACME-001").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert('title')&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html and "<code>Depends()</code>" in html
    assert "<code>a &lt; b</code>" in html
    example = rule_html(org_site, "ACME-002").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('fence')&lt;/script&gt;" in example  # inside the highlighted example, as text
    assert parse(rule_html(org_site, "ACME-002")).highlighted == 1


def test_builtin_and_organization_records_share_one_site() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_org(Path(tmp) / "acme-rules")
        options = SiteOptions.from_config({"fastpolicy": {"policies": str(folder), "builtin": "true"}})
        catalogue = options.load()
        pages = generate_pages(catalogue)
    assert "rules/ACME-001.md" in pages and "rules/SEC-010.md" in pages
    assert "ACME-001" in pages["rules/index.md"] and "sections/acme.md" in pages


def test_options_come_from_the_environment_or_the_cli() -> None:
    joined = os.pathsep.join(["a", "b"])
    assert SiteOptions.from_config({"fastpolicy": {"policies": joined, "builtin": "false"}}) == SiteOptions((Path("a"), Path("b")), False)
    assert SiteOptions.from_config({"fastpolicy": {"policies": ["c"], "builtin": True}}) == SiteOptions((Path("c"),), True)
    assert SiteOptions.from_config({}) == SiteOptions()


def test_an_invalid_catalogue_stops_the_build_with_every_problem(tmp_path: Path) -> None:
    folder = write_org(tmp_path / "broken")
    bad = (folder / "acme" / "ACME-002-evil-example.yaml").read_text(encoding="utf-8").replace("severity: low", "severity: dire")
    (folder / "acme" / "ACME-002-evil-example.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        build_site(SiteOptions((folder,), False), tmp_path / "site")
    assert any("dire" in p.message for p in caught.value.problems)
    assert not (tmp_path / "site").exists()
    # plain `mkdocs build` refuses too, naming the problem (no partial site)
    env = {**os.environ, "FASTPOLICY_DOCS_POLICIES": str(folder), "FASTPOLICY_DOCS_BUILTIN": "false", "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site2")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "dire" in run.stderr and "the site is not built" in run.stderr


def test_writing_rules_page_documents_the_org_build() -> None:
    text = (ROOT / "site" / "reference" / "writing-rules.md").read_text(encoding="utf-8")
    assert "fastpolicy docs build --policies" in text and "FASTPOLICY_DOCS_POLICIES" in text


def test_generation_is_deterministic(site: tuple[Catalogue, Path]) -> None:
    catalogue, _ = site
    assert generate_pages(catalogue) == generate_pages(catalogue)


def test_the_record_schema_is_published_at_its_stable_url(site: tuple[Catalogue, Path]) -> None:
    """Editors point `# yaml-language-server: $schema=` at <site>/schemas/policy.schema.json: the file `validate` uses, byte for byte."""
    _catalogue, out = site
    published = out / "schemas" / "policy.schema.json"
    assert published.read_bytes() == (ROOT / "schemas" / "policy.schema.json").read_bytes()
    for name in ("config.schema.json", "overrides.schema.json"):  # `$schema` for fastpolicy.toml and overrides.yaml editors
        assert (out / "schemas" / name).read_bytes() == (ROOT / "schemas" / name).read_bytes()
    assert json.loads(published.read_text(encoding="utf-8"))["$id"] == "https://fastpolicy.dev/schemas/policy.schema.json"
    page = (out / "integrations" / "index.html").read_text(encoding="utf-8")
    assert "yaml-language-server: $schema=https://fastpolicy.dev/schemas/policy.schema.json" in page
    assert "security-events" in page and "codequality" in page and "pre-commit" in page  # code is highlighted: tokens, not lines
