; preset-test.nsi: runs preset.nsh's code the way the setup does, so check.sh
; can test it under Wine (an NSIS program is plain Win32, which Wine runs;
; Cairn itself, a Go 1.26 program, it does not).
;
;   preset-test.exe /OUT=DIR [the setup's options]
;
; writes DIR\preset.json as the setup would, or DIR\error.txt with the
; message the setup would show, and exits with 2 then.
Unicode true
Target amd64-unicode ; Wine runs it without 32-bit libraries
OutFile "${OUTFILE}"
SilentInstall silent
RequestExecutionLevel user
!addincludedir "${__FILEDIR__}\.."
!define CAIRN_PRESET_TEST
!include preset.nsh

Section
	${CairnOption} OUT $0
	Call CairnPresetJSON
	Pop $1
	${If} ${Errors}
		CreateDirectory $0
		FileOpen $2 "$0\error.txt" w
		FileWrite $2 "$CairnPresetError"
		FileClose $2
		SetErrorLevel 2
	${ElseIf} $1 == ""
		CreateDirectory $0
		FileOpen $2 "$0\none.txt" w
		FileClose $2
	${Else}
		${CairnWritePreset} $0 $1
		${If} ${Errors}
			SetErrorLevel 1
		${EndIf}
	${EndIf}
SectionEnd
