from __future__ import annotations

import pytest

from safetyops.orgs.creditcode import (
    ALPHABET,
    check_character,
    credit_code_problem,
    normalize_credit_code,
    validate_credit_code,
)
from tests.orgs.factories import make_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # the published example
        make_credit_code(1, first="A"),
        make_credit_code(2, first="N"),
        make_credit_code(3, first="Y"),
        make_credit_code(4, first="1"),
    ],
)
def test_valid_codes_pass(code: str) -> None:
    assert credit_code_problem(code) is None
    validate_credit_code(code)


def test_letters_a_n_y_are_accepted_as_registrars() -> None:
    for first in "ANY":
        body = first + "1330199" + "MA2H3K4L5"
        assert len(body) == 17
        assert credit_code_problem(body + check_character(body)) is None


def test_wrong_check_character_names_the_expected_one() -> None:
    good = "91110000600037341L"
    bad = good[:17] + "M"
    problem = credit_code_problem(bad)
    assert problem is not None and "校验位" in problem and "“L”" in problem


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters(letter: str) -> None:
    code = "9111000060003734" + letter + "L"
    problem = credit_code_problem(code)
    assert problem is not None and letter in problem and "不允许" in problem


@pytest.mark.parametrize("code", ["", "9111000060003734", "91110000600037341L0", "91110000600037341"])
def test_wrong_length(code: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and "18位" in problem


def test_registrar_position_rejects_other_letters() -> None:
    body = "B1110000600037341"
    problem = credit_code_problem(body + check_character(body))
    assert problem is not None and "第1位" in problem


def test_lowercase_is_rejected_but_normalised_input_passes() -> None:
    assert credit_code_problem("91110000600037341l") is not None
    assert normalize_credit_code(" 91110000600037341l ") == "91110000600037341L"
    assert normalize_credit_code("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


def test_every_check_character_is_reachable() -> None:
    """The check is mod 31 over the whole alphabet: each character appears as some code's check."""
    seen = {check_character(f"9111000060003734{c}") for c in ALPHABET}
    assert seen == set(ALPHABET)
