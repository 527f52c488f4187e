; preset.nsh: the command line of Cairn's setup, and the IT preset it writes.
;
;   /SERVER=URL /FINGERPRINT=FP /KEY=account|password|custom /ESCROW=1
;   /EXCLUDE="pattern;pattern"
;
; become %ProgramData%\Cairn\preset.json:
;
;   {"server": "URL", "fingerprint": "FP", "key": "account", "escrow": true, "exclude": ["pattern", "pattern"]}
;
; with only the keys given. Strings are escaped for JSON, and every character
; outside printable ASCII is written as \uXXXX, so the file is plain ASCII
; (valid UTF-8) whatever the Windows code page. A value with spaces is quoted:
; /EXCLUDE="~/My Videos;*.iso". Included by cairn.nsi and by
; test/preset-test.nsi, which check.sh runs under Wine.

!include LogicLib.nsh
!include FileFunc.nsh

Var CairnPresetError ; why the command line is wrong, or ""

; CairnOption NAME: the value of /NAME=value on the setup's command line
; ("" for a bare /NAME), the error flag set when it is not there. Names are
; matched case-insensitively; a value ends at the next space unless quoted,
; as /NAME="a b" or "/NAME=a b". Unlike FileFunc's GetOptions, a value may
; hold a / (https://…).
!macro CairnOptionFunction un
Function ${un}CairnOption
	Exch $R0 ; NAME
	Push $R1 ; the parameters, with a space in front
	Push $R2 ; position
	Push $R3 ; a piece of $R1
	Push $R4 ; the value
	Push $R5 ; the character that ends the value
	Push $R6 ; length of " /NAME"
	${GetParameters} $R1
	StrCpy $R1 " $R1"
	StrLen $R6 " /$R0"
	StrCpy $R2 0
	StrCpy $R4 ""
	loop:
		StrCpy $R3 $R1 1 $R2
		StrCmp $R3 "" absent
		StrCpy $R5 " "
		StrCpy $R3 $R1 $R6 $R2
		StrCmp $R3 " /$R0" match
		IntOp $R3 $R6 + 1
		StrCpy $R3 $R1 $R3 $R2
		StrCmp $R3 ' "/$R0' 0 next
		StrCpy $R5 '"'
		IntOp $R2 $R2 + 1
		Goto match
	next:
		IntOp $R2 $R2 + 1
		Goto loop
	match:
		IntOp $R2 $R2 + $R6
		StrCpy $R3 $R1 1 $R2
		StrCmp $R3 "" found ; a bare /NAME at the end
		StrCmp $R3 " " found
		StrCmp $R3 $R5 found ; "/NAME"
		StrCmp $R3 "=" 0 next ; /NAMEX: another option
		IntOp $R2 $R2 + 1
		StrCpy $R3 $R1 1 $R2
		StrCmp $R3 '"' 0 value
		StrCpy $R5 '"'
		IntOp $R2 $R2 + 1
	value:
		StrCpy $R3 $R1 1 $R2
		StrCmp $R3 "" found
		StrCmp $R3 $R5 found
		StrCpy $R4 "$R4$R3"
		IntOp $R2 $R2 + 1
		Goto value
	absent:
		Pop $R6
		Pop $R5
		Pop $R4
		Pop $R3
		Pop $R2
		Pop $R1
		StrCpy $R0 ""
		Exch $R0
		SetErrors
		Return
	found:
		StrCpy $R0 $R4
		Pop $R6
		Pop $R5
		Pop $R4
		Pop $R3
		Pop $R2
		Pop $R1
		Exch $R0
		ClearErrors
FunctionEnd
!macroend
!insertmacro CairnOptionFunction ""
!ifndef CAIRN_PRESET_TEST ; the test has no uninstaller
!insertmacro CairnOptionFunction "un."
!endif

!macro CairnOption NAME VAR
	Push "${NAME}"
	Call CairnOption
	Pop ${VAR}
!macroend
!define CairnOption "!insertmacro CairnOption"

!macro unCairnOption NAME VAR
	Push "${NAME}"
	Call un.CairnOption
	Pop ${VAR}
!macroend
!define un.CairnOption "!insertmacro unCairnOption"

; CairnJSONString: the string on the stack as a JSON string literal, quotes
; included, in printable ASCII.
Function CairnJSONString
	Exch $R0 ; in
	Push $R1 ; out
	Push $R2 ; position
	Push $R3 ; a character
	Push $R4 ; its UTF-16 code
	Push $R5 ; memory for System
	StrCpy $R1 '"'
	StrCpy $R2 0
	loop:
		StrCpy $R3 $R0 1 $R2
		StrCmp $R3 "" done
		; NSIS has no ord(): copy the character into memory, read it back
		; as a 16-bit number.
		System::Call "*(&w1 R3)p.R5"
		System::Call "*$R5(&i2 .R4)"
		System::Free $R5
		IntOp $R4 $R4 & 0xFFFF
		${If} $R4 = 34
			StrCpy $R1 '$R1\"'
		${ElseIf} $R4 = 92
			StrCpy $R1 "$R1\\"
		${ElseIf} $R4 < 32
		${OrIf} $R4 > 126
			IntFmt $R3 "\u%04x" $R4
			StrCpy $R1 "$R1$R3"
		${Else}
			StrCpy $R1 "$R1$R3"
		${EndIf}
		IntOp $R2 $R2 + 1
		Goto loop
	done:
	StrCpy $R0 '$R1"'
	Pop $R5
	Pop $R4
	Pop $R3
	Pop $R2
	Pop $R1
	Exch $R0
FunctionEnd

; CairnAddString KEY VALUE: appends "KEY": "VALUE" to $R0 (the JSON being
; built).
!macro CairnAddString KEY VALUE
	Push "${VALUE}"
	Call CairnJSONString
	Pop $R9
	${If} $R0 != "{"
		StrCpy $R0 "$R0, "
	${EndIf}
	StrCpy $R0 '$R0"${KEY}": $R9'
!macroend

; CairnPresetJSON: the preset the command line asks for, as JSON on the
; stack; "" when it asks for none. When an option is wrong, the error flag is
; set, $CairnPresetError says why and "" is on the stack.
Function CairnPresetJSON
	Push $R0 ; the JSON
	Push $R1 ; an option's value
	Push $R2 ; the exclusions left
	Push $R3 ; one exclusion
	Push $R4 ; position
	Push $R9 ; a JSON string
	StrCpy $CairnPresetError ""
	StrCpy $R0 "{"
	${CairnOption} SERVER $R1
	${IfNot} ${Errors}
		${If} $R1 == ""
			StrCpy $CairnPresetError "/SERVER= needs the server's address, like /SERVER=https://backup.example.org:8443"
			Goto fail
		${EndIf}
		!insertmacro CairnAddString server $R1
	${EndIf}
	${CairnOption} FINGERPRINT $R1
	${IfNot} ${Errors}
		!insertmacro CairnAddString fingerprint $R1
	${EndIf}
	${CairnOption} KEY $R1
	${IfNot} ${Errors}
		; StrCmp ignores case: the preset gets the lower-case word.
		${If} $R1 == "account"
			StrCpy $R1 account
		${ElseIf} $R1 == "password"
			StrCpy $R1 password
		${ElseIf} $R1 == "custom"
			StrCpy $R1 custom
		${Else}
			StrCpy $CairnPresetError "/KEY= must be account, password or custom, not '$R1'"
			Goto fail
		${EndIf}
		!insertmacro CairnAddString key $R1
	${EndIf}
	${CairnOption} ESCROW $R1
	${IfNot} ${Errors}
		${If} $R1 == "1"
		${OrIf} $R1 == "true"
		${OrIf} $R1 == "yes"
		${OrIf} $R1 == "" ; a bare /ESCROW
			StrCpy $R1 true
		${ElseIf} $R1 == "0"
		${OrIf} $R1 == "false"
		${OrIf} $R1 == "no"
			StrCpy $R1 false
		${Else}
			StrCpy $CairnPresetError "/ESCROW= must be 1 or 0, not '$R1'"
			Goto fail
		${EndIf}
		${If} $R0 != "{"
			StrCpy $R0 "$R0, "
		${EndIf}
		StrCpy $R0 '$R0"escrow": $R1'
	${EndIf}
	${CairnOption} EXCLUDE $R2
	${IfNot} ${Errors}
		${If} $R0 != "{"
			StrCpy $R0 "$R0, "
		${EndIf}
		StrCpy $R0 '$R0"exclude": ['
		StrCpy $R1 "" ; becomes ", " after the first pattern
		${Do}
			; $R3 = up to the first ";" in $R2, $R2 = the rest
			StrCpy $R4 0
			${Do}
				StrCpy $R3 $R2 1 $R4
				${IfThen} $R3 == "" ${|} ${ExitDo} ${|}
				${IfThen} $R3 == ";" ${|} ${ExitDo} ${|}
				IntOp $R4 $R4 + 1
			${Loop}
			StrCpy $R3 $R2 $R4
			IntOp $R4 $R4 + 1
			StrCpy $R2 $R2 "" $R4
			${If} $R3 != ""
				Push $R3
				Call CairnJSONString
				Pop $R9
				StrCpy $R0 "$R0$R1$R9"
				StrCpy $R1 ", "
			${EndIf}
		${LoopUntil} $R2 == ""
		StrCpy $R0 "$R0]"
	${EndIf}
	${If} $R0 == "{"
		StrCpy $R0 ""
	${Else}
		StrCpy $R0 "$R0}"
	${EndIf}
	Pop $R9
	Pop $R4
	Pop $R3
	Pop $R2
	Pop $R1
	Exch $R0
	ClearErrors
	Return
	fail:
	Pop $R9
	Pop $R4
	Pop $R3
	Pop $R2
	Pop $R1
	StrCpy $R0 ""
	Exch $R0
	SetErrors
FunctionEnd

;
; CairnWritePreset DIR JSON: writes JSON to DIR\preset.json through a
; temporary file, so Cairn never reads half a preset. The error flag is set
; when it could not.
Function CairnWritePreset
	Exch $R1 ; JSON
	Exch
	Exch $R0 ; DIR
	Push $R2 ; the file
	Push $R3 ; failed
	StrCpy $R3 0
	ClearErrors
	CreateDirectory $R0
	FileOpen $R2 "$R0\preset.json.new" w
	${If} ${Errors}
		StrCpy $R3 1
	${Else}
		FileWrite $R2 "$R1$\r$\n"
		FileClose $R2
		${If} ${Errors}
			StrCpy $R3 1
		${EndIf}
		Delete "$R0\preset.json" ; Rename does not replace a file
		ClearErrors
		Rename "$R0\preset.json.new" "$R0\preset.json"
		${If} ${Errors}
			StrCpy $R3 1
		${EndIf}
	${EndIf}
	StrCpy $R2 $R3
	Pop $R3
	${If} $R2 = 1
		Pop $R2
		Pop $R0
		Pop $R1
		SetErrors
	${Else}
		Pop $R2
		Pop $R0
		Pop $R1
		ClearErrors
	${EndIf}
FunctionEnd

!macro CairnWritePreset DIR JSON
	Push "${DIR}"
	Push "${JSON}"
	Call CairnWritePreset
!macroend
!define CairnWritePreset "!insertmacro CairnWritePreset"
