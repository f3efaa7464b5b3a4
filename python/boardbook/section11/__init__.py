"""Section 11 audit: returns, validation, collation into the board summary."""
