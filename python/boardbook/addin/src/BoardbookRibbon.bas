Attribute VB_Name = "BoardbookRibbon"
' The ribbon's one callback. Every button in customUI14.xml names BoardbookRibbon.OnAction, and its tag
' (e.g. "s11.validate") says what to run: Python's boardbook.excel.dispatch looks the tag up in HANDLERS.
' A new button needs ribbon XML and a Python handler, never VBA.
' Built into boardbook.xlam by `boardbook addin build`; RunPython comes from the embedded xlwings module.
Option Explicit

' Checks, in the same Python line, that boardbook is installed there, and says so in plain words if not.
' (Excel for Mac cannot wait for Python, so on a Mac this is the only check; see BoardbookSetup.)
Private Const GUARD As String = "import sys, importlib.util as u; u.find_spec('boardbook') or sys.exit(" & _
    "'boardbook is not installed in the Python that Excel runs (' + sys.executable + '). Install it there, " & _
    "or run: boardbook addin install  from the Python that has boardbook, then restart Excel.'); "

Public Sub OnAction(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the workbook you want to work on first: boardbook works on the workbook in front.", _
               vbInformation, "boardbook"
        Exit Sub
    End If
    If Not BoardbookSetup.PythonReady() Then Exit Sub
    Application.StatusBar = "boardbook: " & control.Tag & " ..."
    RunPython GUARD & "import boardbook.excel; boardbook.excel.dispatch('" & control.Tag & "')"
    #If Not Mac Then
        Application.StatusBar = False  ' on a Mac, RunPython returns at once and xlwings resets it when done
    #End If
End Sub
