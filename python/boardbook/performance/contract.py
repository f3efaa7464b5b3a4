"""The performance workbook's data contract (../shared/DESIGN.md): names other tools rely on, verbatim.

Change nothing here without changing the contract.
"""

TEMPLATE_VERSION = "2026.1"

INDICATORS = "Indicators"
INDICATORS_HEADERS = (
    "Priority",
    "Indicator",
    "Definition",
    "Period",
    "Numerator",
    "Denominator",
    "Per",
    "Value",
    "Previous",
    "Target",
    "Polarity",
    "Tolerance",
    "RAG",
    "Trend",
    "Statistical neighbours",
    "England",
    "Source",
    "Note",
)
EVIDENCE = "Evidence"
EVIDENCE_HEADERS = ("Priority", "Lens", "Finding", "RAG", "Source", "Date")
# Optional, typed by people and kept by every fill: the annual report's "What went well" / "Even better if".
REFLECTIONS = "Reflections"
REFLECTIONS_HEADERS = ("Priority", "Kind", "Text")
WENT_WELL, EVEN_BETTER = "What went well", "Even better if"
REFLECTION_KINDS = (WENT_WELL, EVEN_BETTER)
REFLECTION_KIND_ALIASES = {"WWW": WENT_WELL, "EBI": EVEN_BETTER}  # as boards write them on the whiteboard
RISK_FACTORS = "RiskFactors"
RISK_FACTORS_HEADERS = ("Factor", "Assessments", "Plans", "Conversion", "Quadrant")

QUANTITATIVE, QUALITATIVE, PRACTITIONERS, CHILDREN = (
    "Quantitative data",
    "Qualitative data",
    "Practitioner views",
    "Child and family views",
)
LENSES = (QUANTITATIVE, QUALITATIVE, PRACTITIONERS, CHILDREN)

HIGH_HIGH = "High prevalence / High impact"
HIGH_LOW = "High prevalence / Low impact"
LOW_HIGH = "Low prevalence / High impact"
LOW_LOW = "Low prevalence / Low impact"
QUADRANT_LABELS = (HIGH_HIGH, HIGH_LOW, LOW_HIGH, LOW_LOW)

GREEN, AMBER, RED = "Green", "Amber", "Red"
RAG_LABELS = (GREEN, AMBER, RED)
IMPROVING, WORSENING, NO_CHANGE = "Improving", "Worsening", "No change"
TRENDS = (IMPROVING, WORSENING, NO_CHANGE)
HIGHER, LOWER = "higher", "lower"  # ... is better
POLARITIES = (HIGHER, LOWER)
ASSESSMENTS, PLANS = "assessments", "plans"  # prevalence measures
PREVALENCE_MEASURES = (ASSESSMENTS, PLANS)

# Sheets and the tables on them. The Quadrant sheet holds one table, laid out as a 2×2 grid per priority.
ABOUT = "About"
QUADRANT = "Quadrant"
QUADRANT_HEADERS = (
    "Priority",
    "Lens (left)",
    "Finding (left)",
    "RAG (left)",
    "Lens (right)",
    "Finding (right)",
    "RAG (right)",
)
GRID = ((QUANTITATIVE, QUALITATIVE), (PRACTITIONERS, CHILDREN))  # top row, bottom row of each priority
SUMMARY = "Summary"  # the lens cell of each priority's heading row
RISK_SHEET = "Risk factors"
CHART_SHEET = "Risk factor chart"
CHART_ANCHOR = "A10"
THRESHOLD_LINES = "ThresholdLines"
THRESHOLD_LINES_HEADERS = ("Line", "Assessments", "Conversion")  # x column follows the prevalence measure

# Defined names on the About sheet (workbook-scoped, one cell each).
NAMES = ("Partnership", "FilledAt", "PrevalenceMeasure", "PrevalenceThreshold", "ImpactThreshold", "TemplateVersion")
