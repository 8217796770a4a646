"""The one violation `axe_check` lets through, GOV.UK's aria-expanded on a radio or checkbox that
reveals fields, is let through there alone: anything else about the same input still fails."""

from tests.browser.conftest import _without_govuk_conditional_reveal

REVEALING = (
    '<input class="govuk-radios__input" id="id_q_sex_1" name="q_sex" type="radio" value="other" '
    'aria-controls="id_q_sex_1-revealed" aria-expanded="false">'
)


def violation(html, data):
    return {"id": "aria-allowed-attr", "nodes": [{"html": html, "any": [{"data": data}], "all": [], "none": []}]}


def test_govuks_aria_expanded_on_a_revealing_radio_is_let_through():
    assert _without_govuk_conditional_reveal([violation(REVEALING, ['aria-expanded="false"'])]) == []


def test_anything_else_is_still_a_violation():
    other_attribute = violation(REVEALING, ['aria-checked="true"'])
    elsewhere = violation('<input type="radio" name="x" aria-expanded="false">', ['aria-expanded="false"'])
    other_rule = {**violation(REVEALING, ['aria-expanded="false"']), "id": "label"}
    for kept in (other_attribute, elsewhere, other_rule):
        assert _without_govuk_conditional_reveal([kept]) == [kept]
