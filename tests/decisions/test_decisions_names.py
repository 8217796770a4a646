"""Members' names, and a recorded vote's names matched to members: on the County Council's own
minutes of 23 February 2022, whose recorded vote on the Medium Term Financial Strategy names
all 51 members present."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from haveyoursay.decisions.names import match_name, match_recorded_vote, parse_name, read_recorded_vote

DATA = Path(__file__).parent / "data"
VOTE = (DATA / "council-2022-02-23-mtfs-vote.txt").read_text()


def present_list():
    """The members present, as the minutes list them, each made a person-like record."""
    text = (DATA / "council-2022-02-23-present.txt").read_text().replace(" and Mrs. M. Wright", ", Mrs. M. Wright")
    people = []
    for pk, written in enumerate((n.strip() for n in text.replace("\n", ", ").split(",") if n.strip()), 1):
        parsed = parse_name(written)
        people.append(
            SimpleNamespace(
                pk=pk,
                name=written.replace(" (in the Chair)", ""),
                honorific_prefix=parsed.prefix,
                given_name=parsed.given_name,
                initials=parsed.initials,
                family_name=parsed.family_name,
            )
        )
    return people


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Mr. B. L. Pain CC", ("Mr", "", "B. L.", "Pain", "CC")),
        ("Dr. R. K. A. Feltham CC", ("Dr", "", "R. K. A.", "Feltham", "CC")),
        ("Mr. D. C. Bill MBE CC", ("Mr", "", "D. C.", "Bill", "MBE CC")),
        ("Mr. Max Hunt CC", ("Mr", "Max", "", "Hunt", "CC")),
        ("Mr. O. O'Shea JP CC", ("Mr", "", "O.", "O'Shea", "JP CC")),
        ("Mr. D. Harrison CC (in the Chair)", ("Mr", "", "D.", "Harrison", "CC")),
        ("Councillor Basil Curley", ("Councillor", "Basil", "", "Curley", "")),
        ("Mrs A. Wright", ("Mrs", "", "A.", "Wright", "")),
        ("Dr Feltham", ("Dr", "", "", "Feltham", "")),
    ],
)
def test_it_parses_names_as_minutes_write_them(written, expected):
    parsed = parse_name(written)
    assert (parsed.prefix, parsed.given_name, parsed.initials, parsed.family_name, parsed.suffix) == expected


def test_the_present_list_has_the_51_members_who_voted():
    assert len(present_list()) == 51


def test_it_reads_the_recorded_vote_paragraph():
    reading = read_recorded_vote(VOTE)
    assert reading.counts() == {"for": 40, "against": 11, "abstain": 0}
    assert reading.stated_totals == {"for": 40, "against": 11}
    assert ("for", "Mrs A. Wright") in reading.names and ("for", "Mrs M. Wright") in reading.names
    assert ("against", "Mr Welsh") in reading.names


def test_it_matches_every_name_in_the_mtfs_vote_to_one_member_present():
    people = present_list()
    reading, matches, problems = match_recorded_vote(VOTE, people)
    assert problems == []
    assert len(matches) == 51
    assert len({m.person.pk for m in matches}) == 51
    by_written = {m.written: m.person.name for m in matches}
    assert by_written["Mr Pain"] == "Mr. B. L. Pain CC"
    assert by_written["Mr Harrison"] == "Mr. D. Harrison CC"
    assert by_written["Mr Harrison-Rushton"] == "Mr. B. Harrison-Rushton CC"
    assert by_written["Mr Rushton"] == "Mr. N. J. Rushton CC"
    assert by_written["Mrs A. Wright"] == "Mrs. A. Wright CC"
    assert by_written["Mrs M. Wright"] == "Mrs. M. Wright CC"
    assert by_written["Mr Richardson"] == "Mr. T. J. Richardson CC"
    assert by_written["Mrs Richardson"] == "Mrs. H. L. Richardson CC"


def test_a_title_that_differs_only_in_form_is_matched_and_noted():
    people = present_list()
    match = match_name("Mrs Broadley", people, "against")
    assert match.person.name == "Ms. L. Broadley CC"
    assert match.note == "Written as Mrs; the member's record says Ms."


@pytest.mark.parametrize(
    "written, could_be",
    [
        ("Mrs Wright", {"Mrs. A. Wright CC", "Mrs. M. Wright CC"}),
        ("Richardson", {"Mr. T. J. Richardson CC", "Mrs. H. L. Richardson CC"}),
        ("Dr Richardson", {"Mr. T. J. Richardson CC", "Mrs. H. L. Richardson CC"}),
    ],
)
def test_it_refuses_to_guess_between_members_a_name_could_mean(written, could_be):
    match = match_name(written, present_list(), "for")
    assert match.person is None
    assert {p.name for p in match.candidates} == could_be
    assert match.problem.startswith(f"“{written}” could be ")
    assert "Write the name with initials" in match.problem


@pytest.mark.parametrize("written", ["Mr Harrison-Smith", "Mr Rush", "Mrs B. Wright", "Mr Wright"])
def test_it_refuses_a_name_that_is_no_member_present(written):
    match = match_name(written, present_list(), "for")
    assert match.person is None
    assert match.problem


def test_a_member_named_twice_is_refused():
    paragraph = VOTE.replace("Mr Welsh", "Mr Welsh, Mr Pain")
    _, _, problems = match_recorded_vote(paragraph, present_list())
    assert "Mr. B. L. Pain CC is named twice (as “Mr Pain” and “Mr Pain”)." in problems
    assert "The minute says 11 members voted against, but 12 are named." in problems


def test_totals_that_disagree_with_the_names_are_refused():
    paragraph = VOTE.replace("40 members voting", "41 members voting")
    _, _, problems = match_recorded_vote(paragraph, present_list())
    assert problems == ["The minute says 41 members voted for, but 40 are named."]


def test_an_ambiguous_name_stops_the_vote_being_recorded():
    paragraph = VOTE.replace("Mrs A. Wright and Mrs M. Wright", "Mrs Wright and Mrs M. Wright")
    _, matches, problems = match_recorded_vote(paragraph, present_list())
    assert any(p.startswith("“Mrs Wright” could be ") for p in problems)
    assert [m.written for m in matches if m.person is None] == ["Mrs Wright"]


def test_a_paragraph_without_headings_says_how_to_paste_it():
    _, matches, problems = match_recorded_vote("The motion was carried.", present_list())
    assert matches == []
    assert problems[0].startswith("No names were found.")
