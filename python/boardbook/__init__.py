"""boardbook: fills the standard workbooks of English safeguarding children partnerships.

The same fill code runs headless (openpyxl files), behind Excel ribbon buttons and as worksheet
functions (xlwings). See README.md for the two commands that get you started.
"""

__version__ = "0.1.0"
