"""The training evaluation workbook's data contract (../shared/DESIGN.md): names other tools rely on, verbatim."""

TEMPLATE_VERSION = "2026.1"

EVALUATIONS = "Evaluations"
EVALUATIONS_HEADERS = ("Course", "Date", "Agency", "Sector", "Before", "After", "Gain", "Impact", "File", "Row")
LEARNING_GAIN = "LearningGain"
GAIN_HEADERS = ("Responses", "Mean before", "Mean after", "Mean gain", "% improved")
LEARNING_GAIN_HEADERS = ("Course", *GAIN_HEADERS)
GAIN_BY_SECTOR = "GainBySector"
GAIN_BY_SECTOR_HEADERS = ("Sector", *GAIN_HEADERS)
REACH = "Reach"
REACH_HEADERS = ("Sector", "Learners", "Courses", "% of learners")
IMPACT = "ImpactComments"
IMPACT_HEADERS = ("Course", "Date", "Sector", "Comment")

ALL_SECTORS = "All sectors"  # the last row of Reach
NO_SECTOR = "Not given"  # a learner who gave no sector (and no agency the configuration knows)

# Sheets, in order after About; the defined names sit on About.
SHEETS = {
    EVALUATIONS: "Evaluations",
    LEARNING_GAIN: "Learning gain",
    GAIN_BY_SECTOR: "Gain by sector",
    REACH: "Reach",
    IMPACT: "Impact comments",
}
ABOUT = "About"
CHART = "Chart"
CHART_ANCHOR = "A3"
NAMES = ("Partnership", "FilledAt", "ScaleMin", "ScaleMax", "TemplateVersion")

MEAN_FORMAT = "0.00"
PERCENT_FORMAT = "0%"
DATE_FORMAT = "dd/mm/yyyy"
