"""Every page in a real browser: no request leaves the app's own server (hostile links included), the navigation
never shows raw file names, axe-core finds nothing serious, charts have words, keyboard focus shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from benchmarks.server import StreamlitServer
from tests.e2e.conftest import ROOT, fetched, polled, resized, settle

pytestmark = pytest.mark.browser

# Every page of the app by its address ("" is the playground, the default page): one file each in pages/.
ADDRESSES = {"playground": "", "live_class": "class"}  # the pages whose address is not their file's name
PAGES = {ADDRESSES.get(p.stem, p.stem): p.stem for p in sorted((ROOT / "pages").glob("*.py"))}
IMAGE = "![x](http://127.0.0.1:9999/i)"  # another port of this very machine: a fetch would be seen
LINK = "[Log in](http://evil.example/)"
HOSTILE = {"image-value": urlencode({"units": IMAGE}), "link-key": urlencode({LINK: "1"})}
SIZES = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}
TALL = 6000  # axe checks contrast only where it can see: the main area scrolls inside its own container
BLOCKING = {"serious", "critical"}


def settled(page: Page) -> None:
    """Settled on Keras's own numbers (a page rerun once Keras has confirmed them); the page is drawn (its
    title), not an error message."""
    settle(page, charts=False)
    expect(main_area(page).locator("h1").first).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    assert "encountered an error" not in main_area(page).inner_text()


def record_requests(page: Page) -> list[str]:
    """Every URL the page asks for from now on (documents, scripts, images, fonts, fetches, websockets)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda socket: urls.append(socket.url))
    return urls


def foreign(urls: list[str], server_url: str) -> list[str]:
    """The URLs that go anywhere but the app's own server (same host and port); inline data is no request."""
    own = urlparse(server_url).netloc
    return [u for u in urls if urlparse(u).scheme not in ("data", "blob", "about") and urlparse(u).netloc != own]


def main_area(page: Page):
    return page.locator("[data-testid=stMain]")


def assert_shown_literally(page: Page) -> None:
    """A learner's text in a notice is text: no image, no link of theirs, the characters as typed."""
    main = main_area(page)
    expect(main.locator("img[src*='9999'], a[href*='evil.example'], a[href*='9999']")).to_have_count(0)
    notice = main.locator("[data-testid=stAlert]").filter(has_text="could not be used")
    expect(notice.first).to_be_visible()
    return notice


@pytest.mark.parametrize("query", ["", *HOSTILE], ids=["plain", *HOSTILE])
@pytest.mark.parametrize("path", PAGES, ids=PAGES.values())
def test_no_page_asks_any_host_but_the_app_itself(page: Page, server_url: str, path: str, query: str):
    urls = record_requests(page)
    page.goto(f"{server_url}/{path}" + (f"?{HOSTILE[query]}" if query else ""))
    settled(page)
    expect(page.locator("link[rel='shortcut icon']")).to_have_attribute("href", re.compile(r"^data:image/svg"))
    if query and path in ("", "train"):  # the pages that read the model's settings from the address
        notice = assert_shown_literally(page)
        expect(notice).to_contain_text(IMAGE if query == "image-value" else LINK)
    if path == "classroom":  # a teacher pastes a learner's link into the builder
        page.get_by_role("tab", name="Links for slides").click()
        page.get_by_text("the playground", exact=True).click()
        settled(page)
        box = page.get_by_role("textbox", name=re.compile("^Playground settings"))
        box.fill(f"units={IMAGE}&{LINK}=1")
        box.press("Enter")
        settled(page)
        expect(main_area(page).locator("[data-testid=stAlert]").filter(has_text=IMAGE)).to_have_count(1)
        expect(main_area(page).locator("img[src*='9999'], a[href*='evil.example']")).to_have_count(0)
    fetched(page)
    assert urls, "the recording saw nothing"
    assert not foreign(urls, server_url)


def class_session(browser, server_url: str) -> tuple[Page, Page, list[str], list[str]]:
    """A class session as a teacher runs it (started on the Classroom page, a question posed and revealed) and a
    student's page that followed it: -> (teacher's page, student's page, the URLs each asked for)."""
    teacher = browser.new_page(viewport={"width": 1920, "height": 1080})
    teacher_urls = record_requests(teacher)
    teacher.goto(f"{server_url}/classroom")
    settled(teacher)
    main_area(teacher).get_by_role("button", name="Start a class session").click()
    teacher.wait_for_url(re.compile(r"/class\?code=[A-Z0-9]{6}$"))
    settled(teacher)
    student = browser.new_page(viewport={"width": 390, "height": 844})
    student_urls = record_requests(student)
    student.goto(teacher.url)  # the join link: the teacher's address holds the code alone
    settled(student)
    main_area(teacher).get_by_role("button", name="Pose it to the class").click()
    expect(main_area(student).get_by_role("heading", name="Question 1")).to_be_visible()
    main_area(student).get_by_role("textbox", name="Your answer").fill("(32, 10, 64)")
    main_area(student).get_by_role("button", name="Send my answer").click()
    expect(main_area(teacher).get_by_text("1 of 1 students present have answered")).to_be_visible()
    main_area(teacher).get_by_role("button", name="Reveal to everyone").click()
    expect(main_area(student).get_by_role("heading", name="What Keras returns")).to_be_visible()
    for page in (teacher, student):
        settled(page)
    return teacher, student, teacher_urls, student_urls


def test_a_class_session_asks_no_host_but_the_app_itself(browser, server_url: str):
    """The teacher's view (its QR code included) and a student's page, through a whole round."""
    teacher, student, teacher_urls, student_urls = class_session(browser, server_url)
    try:
        expect(main_area(teacher).locator(".rnnlab-chart")).to_have_count(1)
        polled(teacher, student)  # a poll or two of each page, and whatever they show fetched
        assert teacher_urls and student_urls, "the recording saw nothing"
        assert not foreign(teacher_urls, server_url) and not foreign(student_urls, server_url)
    finally:
        for page in (teacher, student):
            page.context.close()


@pytest.mark.parametrize("view", ["teacher", "student", "projector"])
def test_a_class_session_passes_axe(browser, server_url: str, artifacts: Path, view: str):
    teacher, student, _, _ = class_session(browser, server_url)
    try:
        if view == "projector":  # the projector's view (it needs no key: any browser opens it)
            wall = browser.new_page(viewport={"width": 1920, "height": 1080})
            wall.goto(teacher.url + "&view=project")
            expect(main_area(wall).get_by_role("heading", name="Question 1")).to_be_visible()
            settled(wall)
        violations = axe_violations({"teacher": teacher, "student": student}.get(view) or wall)
    finally:
        for page in (teacher, student) + ((wall,) if view == "projector" else ()):
            page.context.close()
    (artifacts / f"axe-class-{view}.json").write_text(json.dumps(violations, indent=1))
    blocking = [(v["id"], v["impact"], [n["html"][:80] for n in v["nodes"][:3]], v["nodes"][0]["failureSummary"])
                for v in violations if v["impact"] in BLOCKING or v["id"] == "heading-order"]
    assert not blocking, json.dumps(blocking, indent=1)


def test_the_doctor_shows_a_pasted_layer_name_literally(page: Page, server_url: str):
    urls = record_requests(page)
    page.goto(f"{server_url}/doctor")
    settled(page)
    code = page.get_by_role("textbox", name="Your Keras model code (read, never run)")
    code.fill("import keras\nmodel = keras.Sequential([keras.Input(shape=(5, 3)),\n"
              f"    keras.layers.LSTM(8, name=\"{IMAGE} {LINK} `|`\"), keras.layers.Dense(1)])\n")
    page.get_by_role("textbox", name="X shape", exact=True).fill("32,5,3")
    page.get_by_role("textbox", name="y shape (optional)").fill("32,1")
    page.get_by_role("button", name="Diagnose").click()
    settled(page)
    table = main_area(page).locator("table")
    expect(table).to_contain_text(f"LSTM(8, name='{IMAGE} {LINK} `|`')")
    expect(main_area(page).locator("img")).to_have_count(0)
    fetched(page)
    assert not foreign(urls, server_url)


def test_a_fresh_server_never_lists_the_raw_page_files(browser, artifacts: Path):
    """Before st.navigation has run once, Streamlit would list pages/ by file name ("app, classroom, doctor..."):
    from the first paint on, the sidebar shows only the app's own navigation."""
    raw = {"app", *(p.stem for p in (ROOT / "pages").glob("*.py"))}
    with StreamlitServer(log_path=artifacts / "streamlit-fresh-server.log") as server:
        server.wait_healthy(timeout=120)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.add_init_script("""(() => {
            window.__navSeen = [];
            const look = () => {
                for (const link of document.querySelectorAll(
                        '[data-testid=stSidebar] a, [data-testid=stSidebarNav] a, [data-testid=stTopNavLink]')) {
                    const copy = link.cloneNode(true);
                    copy.querySelectorAll('[data-testid=stIconMaterial]').forEach(icon => icon.remove());
                    const text = copy.textContent.trim();
                    if (text && !window.__navSeen.includes(text)) window.__navSeen.push(text);
                }
            };
            new MutationObserver(look).observe(document, {childList: true, subtree: true, characterData: true});
        })()""")
        page.goto(server.url)
        page.wait_for_selector("[data-testid=stApp]")
        page.screenshot(path=artifacts / "fresh-server-first-paint.png")
        settle(page)
        page.screenshot(path=artifacts / "fresh-server-settled.png")
        seen = page.evaluate("window.__navSeen")
        assert not raw & set(seen), f"raw file names in the navigation: {seen}"
        assert {"Playground", "Lessons", "Quiz", "Shape doctor", "Train", "Classroom", "Join a class"} <= set(seen), seen
        page.close()


def axe_violations(page: Page, width: int = 1366) -> list[dict]:
    """axe-core (the copy bundled in the axe-playwright-python package: nothing is downloaded) on the whole
    page, drawn in a tall viewport (of that width) so that every element is on screen."""
    bottom = page.evaluate("""() => Math.ceil(document.querySelector('[data-testid=stMainBlockContainer]')
        .getBoundingClientRect().bottom)""")
    resized(page, width, min(max(bottom + 40, 768), TALL))
    return Axe().run(page).response["violations"]


ROUTES = {**{name: f"/{path}" for path, name in PAGES.items()},
          "playground-states": "/?return_sequences=true&return_state=true&lengths=10,7,4&mask=true",
          "playground-reveal": "/?reveal=true&units=8",
          "playground-step": "/?section=step&play=true&layer=gru",  # the step up close and its cell, following
          "playground-notes-outlined": "/?layer=gru&go_backwards=true&focus=states"}  # notes, a lesson's outline


@pytest.mark.parametrize("width", (1366, 390), ids=("laptop", "phone"))
@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
def test_axe_finds_no_serious_violation(page: Page, server_url: str, artifacts: Path, route: str, width: int):
    """Every page at laptop and at phone width (where a code block too wide for the screen would scroll without
    taking focus, and a table could overflow)."""
    page.set_viewport_size({"width": width, "height": 844 if width < 800 else 768})
    page.goto(server_url + route)
    settled(page)
    violations = axe_violations(page, width=width)
    name = next(k for k, v in ROUTES.items() if v == route)
    (artifacts / f"axe-{name}-{width}.json").write_text(json.dumps(violations, indent=1))
    blocking = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]], v["nodes"][0]["failureSummary"])
                for v in violations if v["impact"] in BLOCKING or v["id"] == "heading-order"]
    assert not blocking, json.dumps(blocking, indent=1)


def test_the_doctors_diagnosis_passes_axe(page: Page, server_url: str, artifacts: Path):
    page.goto(f"{server_url}/doctor")
    settled(page)
    page.get_by_role("button", name="Diagnose").click()  # the first example: a problem, a fix, code, a table
    settled(page)
    expect(main_area(page).locator("table")).to_be_visible()
    violations = axe_violations(page)
    (artifacts / "axe-doctor-diagnosis.json").write_text(json.dumps(violations, indent=1))
    assert not [v["id"] for v in violations if v["impact"] in BLOCKING or v["id"] == "heading-order"], violations


def test_identity_checks_read_as_words_not_icon_names(page: Page, server_url: str):
    page.goto(f"{server_url}/?return_state=true")
    settled(page)
    line = main_area(page).locator("[data-testid=stMarkdown]").filter(has_text="output == state_h")
    expect(line).to_contain_text("✓ holds")
    expect(main_area(page).locator("[data-testid=stMarkdownContainer] [role=img]")).to_have_count(0)
    assert "check_circle" not in main_area(page).inner_text()


def test_every_chart_has_a_text_summary(page: Page, server_url: str):
    charts = []
    for section in ("states", "gates", "step", "weights"):  # the page draws one section at a time
        page.goto(f"{server_url}/?return_sequences=true&units=8&timesteps=5&section={section}")
        settled(page)
        page.wait_for_function("() => [...document.querySelectorAll('.rnnlab-chart')].every(c => c.layout)")
        charts += page.evaluate("""() => [...document.querySelectorAll('.rnnlab-chart')].map(chart => {
            const box = chart.closest('[data-testid=stElementContainer]');
            const caption = box.nextElementSibling?.querySelector('[data-testid=stCaptionContainer]');
            return {title: chart.layout.title.text, text: caption?.innerText ?? ''};
        })""")
    assert len(charts) == 17  # the unrolled layer, input and output each time, each section's own chart, the cell
    cells = [c for c in charts if c["title"].startswith("one cell at")]
    assert len(cells) == 1 and cells[0]["text"].startswith(f"Chart: {cells[0]['title']}. One LSTM cell"), cells
    assert re.search(r"h_t = -?[\d.]+; x_t = \[", cells[0]["text"]), cells  # its numbers, in words too
    pictures = [c for c in charts if c["title"].startswith("LSTM unrolled")]
    assert len(pictures) == 4
    for picture in pictures:  # the picture says in words what Keras returns, from which cells
        assert picture["text"].startswith("Chart: LSTM unrolled over 5 timesteps, sample 0."), picture
        assert "Keras returns whole_seq (32, 5, 8): h of LSTM at 5 timesteps." in picture["text"], picture
    for chart in (c for c in charts if c not in pictures + cells):
        assert chart["text"].startswith(f"Chart: {chart['title']}"), chart
        assert re.search(r"Values from -?[\d.e+-]+ to -?[\d.e+-]+\.$", chart["text"]), chart
    assert any("Heatmap whole_seq, 8 × 5" in c["text"] for c in charts), charts


FOCUS_JS = """() => {
    const element = document.activeElement;
    const box = e => e.getBoundingClientRect();
    const seen = e => {  // on screen, and not clipped away or covered
        const r = box(e);
        if (r.width < 2 || r.height < 2) return false;
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return hit !== null && (hit === e || e.contains(hit));
    };
    // A control drawn by its label (a toggle's real checkbox is hidden): the focus must show on what is drawn.
    let shown = element;
    while (shown && !seen(shown)) shown = shown.parentElement;
    const style = getComputedStyle(shown);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1
        && style.outlineColor !== 'transparent' && !style.outlineColor.endsWith(', 0)');
    return {name: element.getAttribute('aria-label') || element.innerText?.trim().slice(0, 40) || element.tagName,
            outline, shadow: style.boxShadow !== 'none', width: box(shown).width, height: box(shown).height};
}"""


def test_keyboard_focus_is_always_visible(page: Page, server_url: str):
    page.goto(server_url)
    settled(page)
    reached = []
    for _ in range(14):  # the skip link, the site's navigation, then the sidebar's controls
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        reached.append(focus)
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus['name']}: {focus}"
        assert focus["width"] >= 8 and focus["height"] >= 8, focus
    names = [f["name"] for f in reached]
    assert any("Playground" in n for n in names) and "return_sequences" in names, names


@pytest.mark.parametrize("path", PAGES, ids=PAGES.values())
def test_every_page_at_three_sizes(page: Page, server_url: str, artifacts: Path, path: str):
    """Screenshots for a person to look at: laptop, projector and phone."""
    page.goto(f"{server_url}/{path}")
    settled(page)
    for size, (width, height) in SIZES.items():
        resized(page, width, height)
        page.screenshot(path=artifacts / f"page-{PAGES[path]}-{size}.png")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{PAGES[path]} scrolls sideways at {size}: {overflow}px"
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
