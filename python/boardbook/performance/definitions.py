"""DfE definitions of the measures boards most often import from Explore Education Statistics (EES).

Keyed by the EES column name, which is what an imported indicator is called. ``polarity`` is given only
where DfE and Ofsted read the measure one way (a count of referrals is neither good nor bad). Sources:
"Children in need" statistical release (CIN census) and its methodology; tables as named by the files
in ../shared/data/ees/.
"""

from __future__ import annotations

from dataclasses import dataclass

from boardbook.performance import contract as c


@dataclass(frozen=True)
class Definition:
    text: str
    polarity: str | None = None


DEFINITIONS: dict[str, Definition] = {
    "CPP_subsequent_percent": Definition(
        "Repeat child protection plans: plans started in the year that were a second or subsequent plan, as a "
        "% of all plans started in the year (DfE CIN census, D3; lower is better)",
        c.LOWER,
    ),
    "CPP_subsequent": Definition(
        "Child protection plans started in the year that were a second or subsequent plan (count; DfE CIN census, D3)"
    ),
    "CPP_start": Definition("Child protection plans started in the year (count; DfE CIN census, D3)"),
    "CPP_At31": Definition("Children on a child protection plan at 31 March (count; DfE CIN census, D5)"),
    "2_years_or_more_percent": Definition(
        "Child protection plans open at 31 March that had lasted 2 years or more, as a % of plans open at "
        "31 March (DfE CIN census, D5). Not the same as DfE's headline measure of plans ENDED in the year "
        "that lasted 2 years or more",
        c.LOWER,
    ),
    "referral_count": Definition("Referrals to children's social care in the year (count; DfE CIN census, C1)"),
    "rereferral_percent": Definition(
        "Re-referrals within 12 months of a previous referral, as a % of referrals in the year (DfE CIN "
        "census, C1; lower is better)",
        c.LOWER,
    ),
    "rereferral_child_percent": Definition(
        "Children referred in the year who had been referred within the previous 12 months, as a % of children "
        "referred (DfE CIN census, C1; lower is better)",
        c.LOWER,
    ),
    "no_further_action_percent": Definition(
        "Referrals in the year that led to no further action, as a % of referrals (DfE CIN census, C1)"
    ),
    "At31_episodes": Definition("Children in need at 31 March (episodes; DfE CIN census, B1)"),
    "Started_episodes": Definition("Children in need episodes starting in the year (DfE CIN census, B1)"),
    "Episodes_with_assessment_factor": Definition(
        "Episodes with an assessment completed in the year that recorded at least one factor (DfE CIN census, C3)"
    ),
    "population_estimate": Definition(
        "ONS mid-year population estimate of children aged 0 to 17 (the denominator of DfE rates per 10,000 children)"
    ),
}


def definition(measure: str) -> Definition | None:
    """DfE's definition of an EES measure column, if boardbook knows it."""
    return DEFINITIONS.get(measure)
