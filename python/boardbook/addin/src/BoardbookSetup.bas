Attribute VB_Name = "BoardbookSetup"
' Start-up and the "is Python ready?" check of the boardbook add-in.
' Settings (which Python to run) live on the add-in's own "boardbook.conf" sheet and are read with the
' embedded xlwings module's GetConfig: Interpreter_Win / Interpreter_Mac, empty = "python" on the PATH.
' `boardbook addin install` fills them in with the Python where boardbook is installed.
Option Explicit

' The ribbon's onLoad callback (customUI14.xml): runs once when Excel loads the add-in's ribbon tab, and gives
' the worksheet functions their help text in Insert Function. It is the ribbon's callback, not a start-up
' macro, so that mail gateways and antivirus (oletools' mraptor and the like) see no code that runs by itself.
Public Sub OnRibbonLoad(ribbon As IRibbonUI)
    #If Not Mac Then
        BoardbookUdfs.RegisterFunctions  ' worksheet functions run on Windows only (an xlwings limit)
    #End If
End Sub

' True when the Python in the settings runs and has boardbook (checked once per Excel session).
' Otherwise says in plain words what is wrong and what to do, and returns False.
Public Function PythonReady() As Boolean
    #If Mac Then
        ' Excel for Mac can neither wait for Python nor look outside its sandbox reliably, so the ribbon
        ' command itself reports a missing boardbook (see GUARD in BoardbookRibbon).
        PythonReady = True
    #Else
        Static ready As Boolean
        Dim interpreter As String
        If Not ready Then
            interpreter = GetConfig("INTERPRETER_WIN", "")
            If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
            If interpreter = "python" And GetConfig("CONDA PATH") <> "" And GetConfig("CONDA ENV") <> "" Then
                ready = True  ' xlwings activates the conda environment itself; nothing to check from here
            Else
                ready = WindowsCheck(interpreter)
            End If
        End If
        PythonReady = ready
    #End If
End Function

#If Not Mac Then
Private Function WindowsCheck(interpreter As String) As Boolean
    ' Exit codes of the check: 0 ready, 2 boardbook missing, 3 another xlwings version than this add-in's.
    Dim check As String, exitCode As Long
    If interpreter <> "python" And interpreter <> "pythonw" And Not FileExists(interpreter) Then
        MsgBox "boardbook cannot find the Python it is set to use:" & vbLf & interpreter & vbLf & vbLf & _
               "Install Python and boardbook, then run  boardbook addin install  in a command prompt (it " & _
               "records the right Python in the add-in), or correct Interpreter_Win in the add-in's " & _
               "boardbook.conf settings.", vbExclamation, "boardbook: Python not found"
        Exit Function
    End If
    check = "import sys, importlib.util as u, importlib.metadata as m; sys.exit(2 if u.find_spec('boardbook') " & _
            "is None else 3 if m.version('xlwings') != '" & XLWINGS_VERSION & "' else 0)"
    On Error GoTo NotRunnable
    exitCode = WScript.Run(Chr(34) & interpreter & Chr(34) & " -c " & Chr(34) & check & Chr(34), 0, True)
    On Error GoTo 0
    Select Case exitCode
        Case 0
            WindowsCheck = True
        Case 2
            MsgBox "boardbook is not installed in the Python that Excel runs (" & interpreter & ")." & vbLf & _
                   vbLf & "Install it there (" & interpreter & " -m pip install boardbook), or run  " & _
                   "boardbook addin install  from the Python that has boardbook, then restart Excel.", _
                   vbExclamation, "boardbook is not installed"
        Case 3
            MsgBox "This add-in needs xlwings " & XLWINGS_VERSION & ", but the Python that Excel runs (" & _
                   interpreter & ") has another version." & vbLf & vbLf & "Reinstall boardbook there, or " & _
                   "run  boardbook addin install  with that Python to get the matching add-in.", _
                   vbExclamation, "boardbook: xlwings version"
        Case 9009
            MsgBox "Python is not installed: Windows only has its Microsoft Store shortcut for ""python""." & _
                   vbLf & vbLf & "Install Python and boardbook, then run  boardbook addin install.", _
                   vbExclamation, "boardbook: Python not found"
        Case Else
            MsgBox "The Python that Excel runs (" & interpreter & ") stopped with exit code " & exitCode & _
                   " while checking for boardbook." & vbLf & vbLf & "Check Interpreter_Win in the add-in's " & _
                   "boardbook.conf settings, or run  boardbook addin install  again.", _
                   vbExclamation, "boardbook: Python did not run"
    End Select
    Exit Function
NotRunnable:
    MsgBox "Python was not found (" & interpreter & ")." & vbLf & vbLf & _
           "Install Python and boardbook, then run  boardbook addin install  in a command prompt, " & _
           "and restart Excel.", vbExclamation, "boardbook: Python not found"
End Function
#End If
