; path.nsh: an install for one person puts the install folder on that
; person's PATH (HKCU\Environment's Path), so `cairn status` works in any
; new Command Prompt or PowerShell; the uninstaller takes out exactly the
; entry it added, and only when it was the setup that added it (the
; uninstall key's CairnAddedPath). Both tell running programs (Explorer,
; which starts the next terminals) with WM_SETTINGCHANGE "Environment".
; An install for everyone leaves PATH alone: the system PATH is shared by
; every person and service.
;
; NSIS strings hold at most NSIS_MAX_STRLEN characters (1024 in Debian's
; and Chocolatey's NSIS): a longer PATH would be read cut short, and
; writing it back would lose the rest, so such a PATH is never written.
; test/path-test.nsi runs CairnPathWithout under Wine.

!include LogicLib.nsh
!include WinMessages.nsh

; The longest PATH that is read whole, with room for the install folder.
!define /math CAIRN_PATH_MAX ${NSIS_MAX_STRLEN} - 2

; CairnPathWithout: with PATH and then ENTRY pushed, leaves PATH without
; its first element equal to ENTRY (compared ignoring case, as Windows
; does) and that element's separator on the stack; the error flag set, and
; PATH as it was, when no element is ENTRY.
!macro CairnPathWithoutFunction un
Function ${un}CairnPathWithout
	Exch $R0 ; ENTRY
	Exch
	Exch $R1 ; PATH, then the result
	Push $R2 ; where the element starts
	Push $R3 ; where it ends (the index of the ; or of the end)
	Push $R4 ; the character there
	Push $R5 ; the element
	StrCpy $R2 0
	StrCpy $R3 0
	ClearErrors
	${Do}
		StrCpy $R4 $R1 1 $R3
		${If} $R4 == ";"
		${OrIf} $R4 == ""
			IntOp $R5 $R3 - $R2
			${If} $R5 > 0
				StrCpy $R5 $R1 $R5 $R2
			${Else}
				StrCpy $R5 ""
			${EndIf}
			${If} $R5 != ""
			${AndIf} $R5 == $R0
				${If} $R2 > 0 ; take the ; before it
					IntOp $R2 $R2 - 1
					StrCpy $R5 $R1 $R2
					StrCpy $R4 $R1 "" $R3
					StrCpy $R1 "$R5$R4"
				${ElseIf} $R4 == "" ; it was all of PATH
					StrCpy $R1 ""
				${Else} ; the first: take the ; after it
					IntOp $R3 $R3 + 1
					StrCpy $R1 $R1 "" $R3
				${EndIf}
				${Break}
			${EndIf}
			${If} $R4 == ""
				SetErrors
				${Break}
			${EndIf}
			IntOp $R2 $R3 + 1
		${EndIf}
		IntOp $R3 $R3 + 1
	${Loop}
	Pop $R5
	Pop $R4
	Pop $R3
	Pop $R2
	Exch $R1
	Exch
	Pop $R0
FunctionEnd
!macroend
!insertmacro CairnPathWithoutFunction ""

!ifndef CAIRN_PATH_TEST
!insertmacro CairnPathWithoutFunction "un."

; CairnAddToPath: $INSTDIR at the end of the person's PATH, unless it is
; there already (an update, or put there by the person).
Function CairnAddToPath
	ClearErrors
	ReadRegStr $0 HKCU "Environment" "Path"
	Push $0
	Push $INSTDIR
	Call CairnPathWithout
	Pop $1
	${IfNot} ${Errors}
		Return
	${EndIf}
	StrLen $1 $0
	StrLen $2 $INSTDIR
	IntOp $1 $1 + $2
	${If} $1 >= ${CAIRN_PATH_MAX}
		DetailPrint "Your PATH is too long for this setup to add $INSTDIR to it."
		Return
	${EndIf}
	StrCpy $1 $0 1 -1
	${If} $0 == ""
	${OrIf} $1 == ";"
		StrCpy $0 "$0$INSTDIR"
	${Else}
		StrCpy $0 "$0;$INSTDIR"
	${EndIf}
	WriteRegExpandStr HKCU "Environment" "Path" $0
	WriteRegDWORD HKCU "${UNINSTKEY}" "CairnAddedPath" 1
	SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
FunctionEnd

; un.CairnRemoveFromPath: takes out of the person's PATH the entry
; CairnAddToPath added, and nothing else.
Function un.CairnRemoveFromPath
	ReadRegDWORD $0 HKCU "${UNINSTKEY}" "CairnAddedPath"
	${If} $0 <> 1
		Return
	${EndIf}
	ClearErrors
	ReadRegStr $0 HKCU "Environment" "Path"
	StrLen $1 $0
	${If} $1 >= ${CAIRN_PATH_MAX} ; perhaps cut short: not written back
		Return
	${EndIf}
	Push $0
	Push $INSTDIR
	Call un.CairnPathWithout
	Pop $0
	${If} ${Errors} ; the person took it out already
		Return
	${EndIf}
	${If} $0 == ""
		DeleteRegValue HKCU "Environment" "Path"
	${Else}
		WriteRegExpandStr HKCU "Environment" "Path" $0
	${EndIf}
	SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
FunctionEnd
!endif
