"""The Excel add-in, ``boardbook.xlam``: built from text on any platform, verified by other readers, shipped in
the package (``src/`` and the built ``boardbook.xlam`` beside this file are package data).

- :mod:`~boardbook.addin.build` assembles the .xlam (ribbon, VBA, settings sheet, theme), byte-reproducibly;
- :mod:`~boardbook.addin.wrappers` generates the worksheet-function VBA from boardbook.udfs, as xlwings would;
- :mod:`~boardbook.addin.vbaproject` and :mod:`~boardbook.addin.ovba` write ``vbaProject.bin`` ([MS-OVBA], [MS-CFB]);
- :mod:`~boardbook.addin.verify` reads it back with olevba, mraptor, openpyxl, openxml-audit and LibreOffice;
- :mod:`~boardbook.addin.audit` is openxml-audit less what every openpyxl workbook gets (also for the templates);
- :mod:`~boardbook.addin.install` copies it into Excel's start-up folder; :mod:`~boardbook.addin.cli` is
  ``boardbook addin``. See addin/README.md.
"""
