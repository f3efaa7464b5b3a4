"""The matrix of safeguarding concerns: each concern marked by the evidence behind it."""
