; appid-test.nsi: runs appid.nsh's CairnSetAppID on a new shortcut, so
; check.sh can test its COM calls under Wine:
;
;   appid-test.exe /OUT=DIR
;
; makes DIR\Cairn.lnk, gives it the ID org.cairnbackup.cairn and writes
; DIR\ok.txt when every call succeeded, else DIR\error.txt. Wine's shell
; link answers IPropertyStore::SetValue with S_OK but does not keep the
; property, so that the ID is in the .lnk itself only Windows can show.
Unicode true
Target amd64-unicode ; Wine runs it without 32-bit libraries
OutFile "${OUTFILE}"
SilentInstall silent
RequestExecutionLevel user
!addincludedir "${__FILEDIR__}\.."
!include FileFunc.nsh
!include appid.nsh

Section
	${GetParameters} $1
	${GetOptions} $1 "/OUT=" $0
	CreateDirectory $0
	CreateShortcut "$0\Cairn.lnk" "$WINDIR\notepad.exe" "--hidden"
	${CairnSetAppID} "$0\Cairn.lnk" "org.cairnbackup.cairn"
	${If} ${Errors}
		FileOpen $2 "$0\error.txt" w
		FileClose $2
		SetErrorLevel 1
	${Else}
		FileOpen $2 "$0\ok.txt" w
		FileClose $2
	${EndIf}
SectionEnd
