"""The Excel add-in, ``addin/boardbook.xlam``: built from text on any platform, verified by other readers.

- :mod:`~boardbook.addin.build` assembles the .xlam (ribbon, VBA, settings sheet), byte-reproducibly;
- :mod:`~boardbook.addin.wrappers` generates the worksheet-function VBA from boardbook.udfs, as xlwings would;
- :mod:`~boardbook.addin.vbaproject` and :mod:`~boardbook.addin.ovba` write ``vbaProject.bin`` ([MS-OVBA], [MS-CFB]);
- :mod:`~boardbook.addin.verify` reads it back with olevba, openpyxl and LibreOffice;
- :mod:`~boardbook.addin.install` copies it into Excel's start-up folder; :mod:`~boardbook.addin.cli` is
  ``boardbook addin``. See addin/README.md.
"""
