; path-test.nsi: runs path.nsh's CairnPathWithout on a table of PATHs, so
; the PATH editing of the setup can be tested under Wine (or Windows):
;
;   makensis -DOUTFILE=path-test.exe test/path-test.nsi
;   wine path-test.exe /S   (or path-test.exe on Windows)
;
; writes path-test.txt next to itself, a line per case ("ok" or "FAIL"),
; and exits with 1 when a case failed.
Unicode true
Target amd64-unicode ; Wine runs it without 32-bit libraries
OutFile "${OUTFILE}"
SilentInstall silent
RequestExecutionLevel user
!addincludedir "${__FILEDIR__}\.."
!define CAIRN_PATH_TEST
!include path.nsh

Var Out
Var Failed

; Case PATH ENTRY WANT FOUND: CairnPathWithout of PATH and ENTRY gives
; WANT, with the error flag clear when FOUND is 1.
!macro Case path entry want found
	Push "${path}"
	Push "${entry}"
	Call CairnPathWithout
	${If} ${Errors}
		StrCpy $1 0
	${Else}
		StrCpy $1 1
	${EndIf}
	Pop $0
	${If} $0 S== "${want}"
	${AndIf} $1 = ${found}
		FileWrite $Out "ok    '${path}' without '${entry}'$\r$\n"
	${Else}
		FileWrite $Out "FAIL  '${path}' without '${entry}': '$0' (found $1), want '${want}' (found ${found})$\r$\n"
		StrCpy $Failed 1
	${EndIf}
!macroend

Section
	StrCpy $Failed 0
	FileOpen $Out "$EXEDIR\path-test.txt" w
	!insertmacro Case "" "C:\Cairn" "" 0
	!insertmacro Case "C:\Cairn" "C:\Cairn" "" 1
	!insertmacro Case "C:\Cairn" "c:\cairn" "" 1
	!insertmacro Case "C:\a;C:\Cairn" "C:\Cairn" "C:\a" 1
	!insertmacro Case "C:\Cairn;C:\a" "C:\Cairn" "C:\a" 1
	!insertmacro Case "C:\a;C:\Cairn;C:\b" "C:\Cairn" "C:\a;C:\b" 1
	!insertmacro Case "C:\a;C:\Cairn;C:\b;C:\Cairn" "C:\Cairn" "C:\a;C:\b;C:\Cairn" 1
	!insertmacro Case "C:\a;;C:\Cairn;" "C:\Cairn" "C:\a;;" 1
	!insertmacro Case "C:\a;C:\Cairn\bin;C:\Cairn2" "C:\Cairn" "C:\a;C:\Cairn\bin;C:\Cairn2" 0
	!insertmacro Case "%USERPROFILE%\bin;C:\Cairn" "C:\Cairn" "%USERPROFILE%\bin" 1
	!insertmacro Case "C:\a;C:\b" "C:\Cairn" "C:\a;C:\b" 0
	FileClose $Out
	SetErrorLevel $Failed
SectionEnd
