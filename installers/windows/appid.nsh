; appid.nsh: ${CairnSetAppID} LNK ID gives the shortcut LNK the Application
; User Model ID ID (the property System.AppUserModel.ID).
;
; Windows shows a program's notifications (toasts) only when a Start menu
; shortcut carries the ID the program sends them under; Fyne sends them
; under the app's ID, org.cairnbackup.cairn (app/desktop AppID). The same
; ID on every shortcut groups Cairn's windows under one taskbar button.
;
; Debian's NSIS has no plugin for it (WinShell and ApplicationID are not
; packaged), so this calls the shell's COM objects through the System
; plugin with NSIS's own Include\Win\COM.nsh and Propkey.nsh: ShellLink →
; IPersistFile::Load, IPropertyStore::SetValue(PKEY_AppUserModel_ID,
; VT_LPWSTR) and Commit, IPersistFile::Save. Errors are set when it failed;
; the shortcut still works then, only toasts are not shown.

!include LogicLib.nsh
!include Win\COM.nsh
!include Win\Propkey.nsh

!macro CairnSetAppID lnk id
	Push "${id}"
	Push "${lnk}"
	Call CairnSetAppID
!macroend
!define CairnSetAppID "!insertmacro CairnSetAppID"

Function CairnSetAppID
	System::Store "S" ; keeps $0-$9 and $R0-$R9 as they were
	Pop $8 ; the shortcut
	Pop $9 ; the ID
	StrCpy $7 1 ; not done
	!insertmacro ComHlpr_CreateInProcInstance ${CLSID_ShellLink} ${IID_IShellLink} r0 ""
	${If} $0 P<> 0
		${IUnknown::QueryInterface} $0 '("${IID_IPersistFile}",.r1)'
		${If} $1 P<> 0
			${IPersistFile::Load} $1 '("$8",${STGM_READWRITE}).r6'
			${If} $6 = 0
				${IUnknown::QueryInterface} $0 '("${IID_IPropertyStore}",.r2)'
				${If} $2 P<> 0
					; The string is a BSTR: a wide string, freed below.
					System::Call 'oleaut32::SysAllocString(w r9)p.r5'
					System::Call '*${SYSSTRUCT_PROPERTYKEY}(${PKEY_AppUserModel_ID})p.r3'
					System::Call '*${SYSSTRUCT_PROPVARIANT}(${VT_LPWSTR},,p r5)p.r4'
					${IPropertyStore::SetValue} $2 '($3,$4).r6'
					${If} $6 = 0
						${IPropertyStore::Commit} $2 '().r6'
					${EndIf}
					System::Free $3
					System::Free $4
					System::Call 'oleaut32::SysFreeString(p r5)'
					${IUnknown::Release} $2 ""
					${If} $6 = 0
						${IPersistFile::Save} $1 '("$8",1).r6'
						${If} $6 = 0
							StrCpy $7 0
						${EndIf}
					${EndIf}
				${EndIf}
			${EndIf}
			${IUnknown::Release} $1 ""
		${EndIf}
		${IUnknown::Release} $0 ""
	${EndIf}
	ClearErrors
	${If} $7 <> 0
		DetailPrint "Could not give $8 the ID $9: Windows may not show Cairn's notifications."
		SetErrors
	${EndIf}
	System::Store "L"
FunctionEnd
