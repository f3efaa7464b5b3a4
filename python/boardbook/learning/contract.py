"""The learning and improvement tracker's data contract (../shared/DESIGN.md): names other tools rely on."""

RECOMMENDATIONS = "Recommendations"
INPUT_HEADERS = (
    "Ref",
    "Review",
    "Review type",
    "Agreed",
    "Recommendation",
    "Theme",
    "Lead agency",
    "Owner",
    "Due",
    "Status",
    "Impact evidence",
    "Updated",
)
FILLED_HEADERS = ("RAG", "Days overdue", "Impact check")
HEADERS = INPUT_HEADERS + FILLED_HEADERS
BY_REVIEW, BY_THEME = "ByReview", "ByTheme"
SUMMARY_COLUMNS = ("Recommendations", "Completed", "Overdue", "% complete")
BY_REVIEW_HEADERS = ("Review", *SUMMARY_COLUMNS)
BY_THEME_HEADERS = ("Theme", *SUMMARY_COLUMNS)

NAMES = ("Partnership", "AsAt")  # defined names on the Tracker sheet
AS_AT = "AsAt"

REVIEW_TYPES = ("CSPR", "Rapid review", "SCR", "Audit", "Inspection", "Other")
NOT_STARTED, IN_PROGRESS, COMPLETED, EVIDENCED = "Not started", "In progress", "Completed", "Evidenced"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, EVIDENCED)
DONE = (COMPLETED, EVIDENCED)  # "Completed" in the summaries counts both
GREEN, AMBER, RED = "Green", "Amber", "Red"
RAG_LABELS = (GREEN, AMBER, RED)
NO_IMPACT = "No impact evidence"  # the Impact check of a completed recommendation with no impact evidence

DUE_SOON_DAYS = 30  # Amber when due within this many days
STALE_DAYS = 90  # Amber when not updated for more than this many days

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0%"
