"""The quadrant performance workbook: indicators with DfE definitions, the EES import, the four-lens
quadrant and the risk-factor quadrant, for the Performance, Audit and Quality Assurance subgroup.

Read top to bottom as the process: ``reader`` and ``ees`` (inputs, validated) → ``rules`` and ``assess``
(pure decisions) → ``quadrant`` (what the sheets say) → ``fill`` (through the Book port) → ``pipeline``
(the whole run); ``cli`` is the front door and ``demo`` the bundled example::

    from boardbook.config import load_config
    from boardbook.performance.pipeline import fill_workbook

    fill_workbook("quadrant-performance.xlsx", load_config(), indicators=["indicators.csv"],
                  evidence="evidence.csv", risk_factors="risk-factors.csv")
"""
