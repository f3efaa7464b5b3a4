"""The annual report pack's data contract (../shared/DESIGN.md): names other tools rely on, verbatim.

``boardbook report [--budget F] [--performance F] [--s11 F] [--learning F] [--training F] [--concerns F]
[--council-convention] --out DIR`` writes ``DIR/annual-report-data.xlsx`` (one Excel table per appendix, only
those whose input was given) and ``DIR/annual-report-appendices.docx`` (the same tables, in the same order).
"""

from boardbook.budget import contract as budget
from boardbook.concerns import contract as concerns
from boardbook.learning import contract as learning
from boardbook.performance import contract as performance
from boardbook.training import contract as training

DATA_FILE = "annual-report-data.xlsx"
DOCUMENT_FILE = "annual-report-appendices.docx"

BUDGET_APPENDIX = "BudgetAppendix"
BUDGET_APPENDIX_HEADERS = budget.ANNUAL_REPORT_HEADERS  # Section, Line, Amount
MATRIX_OF_CONCERNS = "MatrixOfConcerns"
MATRIX_OF_CONCERNS_HEADERS = concerns.HEADERS  # Group, Concern, the four kinds of evidence, Sources
SECTION11_STANDARDS = "Section11Standards"
SECTION11_STANDARDS_HEADERS = ("Ref", "Standard", "Rated", "Met", "Met %")
PRIORITIES = "Priorities"
SUMMARY = "Summary"  # indicators and findings counted by RAG, and the lenses with nothing in them
PRIORITIES_HEADERS = ("Priority", SUMMARY, *performance.LENSES, performance.WENT_WELL, performance.EVEN_BETTER)
LEARNING_GAIN = "LearningGain"
LEARNING_GAIN_HEADERS = training.LEARNING_GAIN_HEADERS  # Course, Responses, Mean before/after/gain, % improved
RECOMMENDATION_STATUS = "RecommendationStatus"
RECOMMENDATION_STATUS_HEADERS = ("Review type", *learning.STATUSES, "Total", "Overdue")
ALL_REVIEWS = "All review types"  # the last row of RecommendationStatus

# Tables in the order of the appendices (and of the sheets and the document).
TABLES = (
    BUDGET_APPENDIX,
    MATRIX_OF_CONCERNS,
    SECTION11_STANDARDS,
    PRIORITIES,
    LEARNING_GAIN,
    RECOMMENDATION_STATUS,
)

# The budget appendix: the lines that are income (shown negative under the council convention), as the budget
# workbook's AnnualReport table lays them out: every line of these sections, then the TOTAL INCOME line.
INCOME_SECTIONS = ("Funding streams", "Income", "Contributions")
TOTAL_INCOME = "TOTAL INCOME"
TOTAL_EXPENDITURE = "TOTAL"
RESERVES_BALANCE = "Reserves balance"
BUDGET_NAMES = (
    "TotalContributions",
    "TotalIncome",
    "TotalExpenditure",
    "ReservesBroughtForward",
    "Drawdown",
    "AddToReserves",
    "ReservesCarriedForward",
)

MONEY_FORMAT = budget.MONEY_FORMAT  # "£"#,##0.00;-"£"#,##0.00: the document shows money the same way
PERCENT_FORMAT = "0.0%"
MEAN_FORMAT = training.MEAN_FORMAT
COUNT_FORMAT = "#,##0"
YES = concerns.YES
