"""The section 11 data contract (../shared/DESIGN.md): names other tools and acceptance checks rely on.

Change nothing here without changing the contract.
"""

TEMPLATE_VERSION = "2026.2"  # 2026.2: the Check column and ReturnStatus (the return checks itself)
KNOWN_VERSIONS = frozenset({TEMPLATE_VERSION, "2026.1"})  # 2026.1 returns are collated as they are
OLDER_VERSIONS = frozenset({"2023.1", "2024.1", "2025.1", "1.0", "1"})

# The return, one per agency.
RETURN_NAMES = ("Agency", "Sector", "Partnership", "Round", "CompletedBy", "CompletedOn", "TemplateVersion")
ASSESSMENT = "Assessment"
ASSESSMENT_HEADERS = ("Ref", "Standard", "Rating", "Evidence", "Action", "Owner", "Due")
ASSESSMENT_INPUTS = ("Rating", "Evidence", "Action", "Owner", "Due")
CHECK = "Check"  # the template's own column: what a row still needs, as a formula (not read back)
TEMPLATE_HEADERS = (*ASSESSMENT_HEADERS, CHECK)
RETURN_STATUS = "ReturnStatus"  # on the cover: "Ready to send" or "3 standards need attention"

# The board summary.
RETURNS = "Returns"
RETURNS_HEADERS = (
    "Agency",
    "Sector",
    "Ref",
    "Rating",
    "Score",
    "Evidence",
    "Action",
    "Owner",
    "Due",
    "Moderated rating",
    "Board comment",
    "Action status",
    "Source file",
)
MANUAL_COLUMNS = ("Moderated rating", "Board comment", "Action status")
MATRIX = "Matrix"
STANDARDS = "Standards"
PROBLEMS = "Problems"
PROBLEMS_HEADERS = ("File", "Sheet", "Cell", "Problem", "Severity")
MISSING = "Missing"
MISSING_HEADERS = ("Agency", "Sector", "Email", "Reason")
CHALLENGE = "Challenge"
CHALLENGE_HEADERS = ("Agency", "Ref", "Rating", "Evidence", "Reason")
COMPARISON = "Comparison"
COMPARISON_HEADERS = ("Agency", "Ref", "Previous", "Current", "Change")
REMOVED = "Removed"
REMOVED_HEADERS = (*RETURNS_HEADERS, "Removed at")
LOG = "Log"
LOG_HEADERS = ("Run at", "Returns read", "Accepted", "Rejected", "Changes", "Inputs fingerprint", "Round")
MODERATION = "Moderation"
MODERATION_HEADERS = (
    "Agency",
    "Sector",
    "Rated",
    "Moderated",
    "Agreed",
    "Lowered",
    "Raised",
    "Self met %",
    "Moderated met %",
    "Over-optimism",
)
MODERATION_BY_STANDARD = "ModerationByStandard"
MODERATION_BY_STANDARD_HEADERS = ("Ref", "Moderated", "Lowered", "Raised", "Over-optimism")
MODERATED_SUFFIX = " (moderated)"  # after a moderated label in the Matrix
HISTORY = "History"  # earlier rounds' ratings, carried from --previous
HISTORY_HEADERS = ("Round", "Agency", "Ref", "Rating", "Moderated rating")
TREND = "Trend"  # Agency, one column per round (met %), Direction
TREND_DIRECTION = "Direction"
SURVEY = "Survey"  # practitioners' survey beside the self-ratings (s11 collate --survey)
SURVEY_HEADERS = ("Agency", "Ref", "Responses", "Positive %", "Self rating", "Flag")
# Tables added after the first summaries were made: re-collation adds them (each on its own sheet) when absent.
ADDED_TABLES = {
    MODERATION: MODERATION_HEADERS,
    MODERATION_BY_STANDARD: MODERATION_BY_STANDARD_HEADERS,
    HISTORY: HISTORY_HEADERS,
    TREND: ("Agency", TREND_DIRECTION),
    SURVEY: SURVEY_HEADERS,
}
SUMMARY_NAMES = ("Partnership", "Round", "CollatedAt", "TemplateVersion")
SUMMARY_TABLES = (
    RETURNS,
    MATRIX,
    STANDARDS,
    CHALLENGE,
    COMPARISON,
    MISSING,
    PROBLEMS,
    REMOVED,
    LOG,
    MODERATION,
    MODERATION_BY_STANDARD,
    HISTORY,
    TREND,
    SURVEY,
)

ACTION_STATUSES = ("Not started", "In progress", "Complete", "Overdue", "Not needed")


def matrix_headers(refs: list[str]) -> list[str]:
    return ["Agency", *refs, "Met %"]


def trend_headers(rounds: list[str]) -> list[str]:
    return ["Agency", *rounds, TREND_DIRECTION]


def standards_headers(labels: list[str]) -> list[str]:
    return ["Ref", "Standard", *labels, "Rated", "Met", "Met %", "Mean score"]


# Feedback to one agency (``boardbook s11 feedback``): its own rows and the partnership-wide percentages only.
YOUR_RATINGS = "YourRatings"
YOUR_RATINGS_HEADERS = (
    "Ref",
    "Standard",
    "Your rating",
    "Moderated rating",
    "Partnership met %",
    "Challenge",
    "Board comment",
)
YOUR_PROBLEMS = "YourProblems"
YOUR_PROBLEMS_HEADERS = PROBLEMS_HEADERS
YOUR_ACTIONS = "YourActions"
YOUR_ACTIONS_HEADERS = ("Ref", "Action", "Owner", "Due", "Action status")
FEEDBACK_NAMES = ("Agency", "Partnership", "Round")
