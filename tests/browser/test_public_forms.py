"""Every public form shows a person exactly the fields it means to.

A field is *seen* when some of it is on the page, unclipped and not hidden by CSS; it is in
the accessibility tree when Chromium's own tree (read through the DevTools protocol) does not
ignore it; it is reachable when Tab, pressed from the top of the page, lands on it (or, for a
radio button, on its group). On every public form the fields seen are exactly the ones listed
below, each with a name that is not the spam trap's, each in the accessibility tree and
reachable; and the spam trap is none of seen, in the tree or reachable.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from haveyoursay.hub.demo import load_demo
from haveyoursay.hub.forms import HubFilterForm
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire
from tests.factories import make_consultation

TRAP = "Leave this empty"
SLUG = "library-services"
START = f"/consultations/{SLUG}/respond/"
FIELDS = "input:not([type=hidden]), select, textarea, button"

# For each field matched by FIELDS, in document order: the area of it a person can see, in
# CSS pixels (what of its box lies inside the document and inside every ancestor that clips),
# and whether it is a radio button and its name. Fields are numbered for the Tab walk.
GEOMETRY = """selector => Array.from(document.querySelectorAll(selector)).map((element, index) => {
    element.dataset.fieldIndex = index;
    let area = 0;
    const style = getComputedStyle(element);
    if (element.getClientRects().length && style.visibility === "visible") {
        const box = element.getBoundingClientRect();
        let [left, top] = [box.left + scrollX, box.top + scrollY];
        let [right, bottom] = [box.right + scrollX, box.bottom + scrollY];
        left = Math.max(left, 0);
        top = Math.max(top, 0);
        right = Math.min(right, document.documentElement.scrollWidth);
        bottom = Math.min(bottom, document.documentElement.scrollHeight);
        for (let ancestor = element.parentElement; ancestor; ancestor = ancestor.parentElement) {
            const clipping = getComputedStyle(ancestor);
            if (clipping.clip !== "auto" || clipping.clipPath !== "none") { right = left; break; }
            if (clipping.overflow !== "visible") {
                const outer = ancestor.getBoundingClientRect();
                left = Math.max(left, outer.left + scrollX);
                top = Math.max(top, outer.top + scrollY);
                right = Math.min(right, outer.right + scrollX);
                bottom = Math.min(bottom, outer.bottom + scrollY);
            }
        }
        area = Math.max(0, right - left) * Math.max(0, bottom - top);
    }
    return {area, radio: element.type === "radio" ? element.name : null, trap: element.name === "website"};
})"""


@dataclass
class Field:
    index: int
    name: str  # its accessible name
    role: str
    seen: bool
    in_tree: bool
    radio_group: str | None
    trap: bool
    reachable: bool = False

    def __str__(self):
        return f"{self.role} “{self.name}”"


def fields_on(page):
    """Every field of the page, as a person, a screen reader and the Tab key meet it."""
    geometry = page.evaluate(GEOMETRY, FIELDS)
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": FIELDS})["nodeIds"]
        assert len(node_ids) == len(geometry)
        fields = []
        for index, (node_id, shape) in enumerate(zip(node_ids, geometry)):
            backend = cdp.send("DOM.describeNode", {"nodeId": node_id})["node"]["backendNodeId"]
            node = cdp.send("Accessibility.getPartialAXTree", {"backendNodeId": backend, "fetchRelatives": False})
            node = node["nodes"][0]
            fields.append(Field(
                index=index, name=(node.get("name") or {}).get("value", ""),
                role=(node.get("role") or {}).get("value", ""),
                seen=shape["area"] > 4, in_tree=not node.get("ignored", False), radio_group=shape["radio"],
                trap=shape["trap"],
            ))  # fmt: skip
    finally:
        cdp.detach()
    focused = tab_walk(page)
    groups_focused = {f.radio_group for f in fields if f.index in focused and f.radio_group}
    for field in fields:
        field.reachable = field.index in focused or (field.radio_group or None) in groups_focused
    return fields


def tab_walk(page, limit=600):
    """The numbers of the fields that Tab lands on, pressed from the top of the page until the
    focus leaves the page or comes back round."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    page.locator("body").focus()
    focused, first = set(), None
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = page.evaluate(
            "(() => { const e = document.activeElement; return e && e !== document.body ? "
            "(e.dataset.fieldIndex !== undefined ? 'f' + e.dataset.fieldIndex : e.outerHTML.slice(0, 80)) : null })()"
        )
        if current is None or current == first:
            break
        first = first or current
        if current.startswith("f"):
            focused.add(int(current[1:]))
    return focused


def assert_fields(page, expected):
    """The fields seen on `page` are `expected` (str(Field) each, in order), each in the tree and
    reachable by Tab; the spam trap, if the page has one, is unseen, out of the tree, unreachable."""
    fields = fields_on(page)
    for trap in (f for f in fields if f.trap):
        assert not trap.seen, f"the spam trap can be seen on {page.url}"
        assert not trap.in_tree, f"the spam trap is in the accessibility tree on {page.url}"
        assert not trap.reachable, f"the spam trap can be reached with Tab on {page.url}"
    seen = [f for f in fields if f.seen]
    assert [str(f) for f in seen] == expected
    for field in seen:
        assert field.name.strip() and field.name != TRAP, f"{field} has no name of its own on {page.url}"
        assert field.in_tree, f"{field} is seen but not in the accessibility tree on {page.url}"
        assert field.reachable, f"{field} is seen but can't be reached with Tab on {page.url}"
    for field in fields:
        if field.in_tree and not field.trap:
            assert field.seen, f"{field} is in the accessibility tree but can't be seen on {page.url}"


BUTTONS = ["button “Continue”", "button “Save and come back later”"]
AGREE = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree"]
IMPORTANCE = ["Very important", "Fairly important", "Not very important", "Not at all important"]

# Each kind of question on a section of its own: the question, and the fields its page shows.
SECTIONS = [
    ("single", "Have you used a library this year?", {"options": ["Yes", "No"]}, ["radio “Yes”", "radio “No”"]),
    ("agree", "Do you agree with the proposed opening hours?", {},
     [f"radio “{a}”" for a in [*AGREE, "Don't know"]]),
    ("importance", "How important is the mobile library to you?", {},
     [f"radio “{a}”" for a in [*IMPORTANCE, "Don't know"]]),
    ("area", "Which area do you live in?", {}, None),  # the demo's districts, "Somewhere else", "Prefer not to say"
    ("multiple", "Which services do you use?", {"options": ["Books", "Computers", "Events"]},
     ["checkbox “Books”", "checkbox “Computers”", "checkbox “Events”"]),
    ("short_text", "What is your nearest library?", {}, ["textbox “What is your nearest library? (optional)”"]),
    ("long_text", "What would you change?", {}, ["textbox “What would you change? (optional)”"]),
    ("number", "How many times a month do you visit?", {"settings": {"min": 0, "max": 31}},
     ["textbox “How many times a month do you visit? (optional)”"]),
    ("date", "When did you last visit?", {}, ["textbox “Day”", "textbox “Month”", "textbox “Year”"]),
    ("postcode", "What is your postcode?", {}, ["textbox “What is your postcode? (optional)”"]),
    ("ranking", "Rank these services", {"options": ["Books", "Computers", "Events"]},
     ["combobox “Books”", "combobox “Computers”", "combobox “Events”"]),
    ("grid", "How satisfied are you with each?", {
        "settings": {"statements": [{"value": "books", "label": "Book stock"}, {"value": "staff", "label": "Staff"}]},
        "options": [("satisfied", "Satisfied"), ("dissatisfied", "Dissatisfied")],
    }, ["radio “Satisfied”", "radio “Dissatisfied”", "radio “Don't know”"] * 2),
    ("location", "Where should a new library go?", {
        "settings": {"places": [{"value": "loughborough", "label": "Loughborough town centre"}]},
    }, ["combobox “Where should a new library go? (optional)”", "textbox “Or enter a postcode”"]),
]


@pytest.fixture
def every_question_type(live_server):
    """The demo hub, with an open consultation whose questionnaire has a section for each
    kind of question."""
    cache.clear()
    load_demo()
    consultation = make_consultation(title="Library services review", slug=SLUG)
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="We keep responses safely.")
    for kind, text, extra, _ in SECTIONS:
        add_question(add_page(questionnaire, f"About {kind}"), kind, text, code=kind, **extra)
    yield questionnaire
    cache.clear()


def test_the_spam_trap_on_the_start_page_is_neither_seen_nor_heard_nor_tabbed_to(page, every_question_type):
    page.goto(START)
    trap = page.locator("input[name=website]")
    expect(trap).to_have_count(1)
    box = trap.bounding_box()
    assert box["x"] + box["width"] <= 0, f"the spam trap shows on the start page at {box}"
    expect(page.get_by_label(TRAP)).to_have_count(1)  # there for software to find
    expect(page.get_by_role("textbox", name=TRAP)).to_have_count(0)  # but not for a screen reader
    assert_fields(page, ["button “Start now”"])


def hub_fields():
    form = HubFilterForm({})
    form.is_valid()
    form.count_options()  # each option says how many it would show, as on the page
    boxes = [label for name in ("status", "outcome", "topic", "area", "partner") for _, label in form.fields[name].choices]
    return ["searchbox “Search consultations”", "button “Search”", *[f"checkbox “{b}”" for b in boxes],
            "button “Apply filters”"]  # fmt: skip


def test_every_public_form_shows_exactly_its_own_fields(page, every_question_type):
    page.goto("/")
    assert_fields(page, hub_fields())
    page.goto(f"/consultations/{SLUG}/")
    # "Respond online" is a link; the one form asks for an address to hear the outcome at.
    assert_fields(page, ["textbox “Email address”", "button “Get updates”"])

    page.goto(START)
    assert_fields(page, ["button “Start now”"])
    page.get_by_role("button", name="Start now").click()
    for kind, text, _, expected in SECTIONS:
        expect(page.get_by_text(text)).to_be_visible()
        if expected is None:
            question = every_question_type.ordered_questions().get(code=kind)
            expected = [f"radio “{option.label}”" for option in question.options.all()]
        assert_fields(page, expected + BUTTONS)
        page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    assert_fields(page, [])  # "Continue to send your response" is a link styled as a button
    page.get_by_role("button", name="Continue to send your response").click()
    declaration = [
        "radio “As an individual”", "radio “On behalf of an organisation”",
        "radio “Publish my response with my name”", "radio “Publish my response anonymously”",
        "radio “Do not publish my response”", "radio “Yes”", "radio “No”", "button “Accept and send”",
    ]
    assert_fields(page, declaration)
    # The boxes each answer asks for are shown under it once it is chosen (GOV.UK's conditional reveal).
    page.get_by_label("On behalf of an organisation").check()
    page.get_by_label("Publish my response with my name").check()
    page.get_by_label("Yes").check()
    # Tab from the top again, not on from "Yes", where the clicks left Chromium's starting point.
    page.get_by_role("heading", level=1).click()
    revealed = declaration[:2] + ["textbox “Name of the organisation”", "textbox “Your role in the organisation”"]
    revealed += declaration[2:3] + ["textbox “Your name”"] + declaration[3:6] + ["textbox “Email address”"]
    assert_fields(page, revealed + declaration[6:])

    page.goto(f"/consultations/{SLUG}/respond/section/1/")
    page.get_by_role("button", name="Save and come back later").click()
    assert_fields(page, ["textbox “Email address”", "button “Email me a link”"])
    page.get_by_label("Email address").fill("resident@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("We have sent a link to resident@example.org")).to_be_visible()
    assert_fields(page, [])  # sent: the page says where it went and offers no form to send another

    page.goto(f"/consultations/{SLUG}/respond/continue/")
    assert_fields(page, ["textbox “Your code”", "button “Continue”"])
    page.goto("/respond/continue/not-a-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or has already been used")
    assert_fields(page, [])
