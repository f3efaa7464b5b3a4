"""The matrix of concerns' data contract (../shared/DESIGN.md): names other tools rely on."""

CONCERNS = "Concerns"
EVIDENCE = ("Review work", "Quality assurance", "Data", "Escalated")
INPUT_HEADERS = ("Group", "Concern", *EVIDENCE)
HEADERS = (*INPUT_HEADERS, "Sources")
YES = "Yes"  # what a marked evidence cell holds, in text (the colour repeats it, never replaces it)
MARKS = ("yes", "y", "x", "✓", "✔", "●", "•", "true")  # read as Yes, in any case
NOT_MARKS = ("", "no", "n", "false", "-", "–")  # read as no
