"""The budget data contract (../shared/DESIGN.md): names other tools and acceptance checks rely on."""

INPUT_NAMES = ("Partnership", "FinancialYear", "ReservesBroughtForward", "Requirement")
OUTPUT_NAMES = (
    "TotalContributions",
    "TotalIncome",
    "TotalExpenditure",
    "Surplus",
    "Drawdown",
    "AddToReserves",
    "ReservesCarriedForward",
)

CONTRIBUTIONS = "Contributions"
CONTRIBUTIONS_HEADERS = ("Partner", "Sector", "Basis", "Share", "Amount")
OTHER_INCOME = "OtherIncome"
OTHER_INCOME_HEADERS = ("Item", "Kind", "Amount")
EXPENDITURE = "Expenditure"
EXPENDITURE_HEADERS = ("Item", "Budget", "Actual")
ANNUAL_REPORT = "AnnualReport"
ANNUAL_REPORT_HEADERS = ("Section", "Line", "Amount")
CHANGES = "ContributionChanges"
CHANGES_HEADERS = ("Partner", "Previous", "Amount", "Change", "Change %")
PROPOSAL = "Proposal"
PROPOSAL_HEADERS = ("Partner", "Sector", "Basis", "Share", "This year", "Next year", "Change", "Change %")

SHARE, FIXED = "share", "fixed"
BASES = (SHARE, FIXED)
FUNDING_STREAM, INCOME = "Funding stream", "Income"
KINDS = (FUNDING_STREAM, INCOME)
SECTORS = (
    "Local authority",
    "Health",
    "Police",
    "Probation",
    "District council",
    "Schools",
    "Education",
    "Fire and rescue",
    "Voluntary sector",
    "Other",
)
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
PERCENT_FORMAT = "0.00%"
