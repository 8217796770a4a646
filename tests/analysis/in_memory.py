"""Respondents in memory for the table tests, made by counting: `people("female",
agree=3, disagree=1)` is four women's group values and answers."""


def people(group, **answers):
    """([group] × n, answers) for `value=count` pairs."""
    chosen = [value for value, count in answers.items() for _ in range(count)]
    return [group] * len(chosen), chosen


def combine(*parts):
    """Several `people(...)` as one (groups, answers)."""
    return [g for part in parts for g in part[0]], [a for part in parts for a in part[1]]
