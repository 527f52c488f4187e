; cairn.nsi: Cairn's Windows setup. build.sh runs it as
;   makensis -DVERSION=0.1.0 -DNUMERIC_VERSION=0.1.0.0 -DDESKTOP=cairn-desktop.exe -DCLI=cairn.exe
;       -DICON=cairn.ico -DOUTFILE=Cairn-Setup-0.1.0.exe [-DSIGN=cmd] cairn.nsi
;
; It installs two programs: cairn-desktop.exe, the desktop app (a GUI
; program: no console window), which the Start menu entry and start at login
; run, and cairn.exe, the command line (a console program, so `cairn status`
; prints in the terminal it is typed in and password questions work; started
; without a command it hands over to cairn-desktop.exe).
;
; Per user by default, without administrator rights, into
; %LOCALAPPDATA%\Programs\Cairn; for everyone on the computer (Program Files,
; needs an administrator) with /ALLUSERS or the choice on the first page.
; An install for one person also puts its folder on that person's PATH, and
; its uninstaller takes that entry out again (path.nsh).
;
; For IT, silent:
;   Cairn-Setup-0.1.0.exe /S [/ALLUSERS] [/SERVER=URL] [/FINGERPRINT=FP]
;       [/KEY=account|password|custom] [/ESCROW=1] [/EXCLUDE="pattern;pattern"] [/D=folder]
; The preset options write %ProgramData%\Cairn\preset.json (preset.nsh).
; Exit codes: 0 done, 1 cancelled or failed, 2 a wrong option, 740 /ALLUSERS
; without an administrator.
;
; Start at login agrees with app/autostart (go-autostart on Windows): a
; shortcut Cairn.lnk running `cairn-desktop.exe --hidden` in
; %USERPROFILE%\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup,
; the path go-autostart uses. The app makes that shortcut match its "start at
; login" setting at every start, so the setup makes it on a first install and
; only refreshes it on an update (a person who turned it off keeps it off).
; An install for everyone cannot write every person's Startup folder: it
; registers an Active Setup component that starts Cairn once at each
; person's next login, and the app then makes that person's shortcut.
;
; The shortcuts carry the AppUserModelID org.cairnbackup.cairn (appid.nsh):
; without it on the Start menu entry Windows drops Cairn's notifications.
;
; An update or uninstall closes the installing person's Cairn only
; (taskkill filtered by USERNAME). In an install for everyone other people's
; Cairn may still run the programs: they are renamed aside (Windows lets a
; running program be renamed, not replaced), the new ones put in place, and
; the old copies deleted at the next restart; those people run the new
; version from their next login.
;
; An install for everyone also installs Cairn's open-file helper,
; cairn-vss.exe (app/cairn-vss): a service running as the system that makes
; Volume Shadow Copies, so Cairn can back up files other programs keep open
; (Outlook's .pst). It is registered and started by its own `install`
; command (automatic start, restarted when it fails), stopped before an
; update replaces it, and removed by its `uninstall` command. An install for
; one person does not get it: a service must run a program only
; administrators can change, and making one needs an administrator; Cairn
; then lists such files as in use and says how to have them backed up.

Unicode true
Target amd64-unicode ; Cairn is 64-bit only; a 64-bit setup also runs under wine64 for check.sh
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
Name "Cairn"
OutFile "${OUTFILE}"
BrandingText "Cairn ${VERSION}"
InstallDir "" ; chosen in .onInit, by mode
ShowInstDetails hide
ShowUninstDetails hide

VIProductVersion ${NUMERIC_VERSION}
VIFileVersion ${NUMERIC_VERSION}
VIAddVersionKey /LANG=0 ProductName "Cairn"
VIAddVersionKey /LANG=0 ProductVersion "${VERSION}"
VIAddVersionKey /LANG=0 FileVersion "${VERSION}"
VIAddVersionKey /LANG=0 FileDescription "Cairn setup"
VIAddVersionKey /LANG=0 CompanyName "The Cairn authors"
VIAddVersionKey /LANG=0 LegalCopyright "The Cairn authors"
VIAddVersionKey /LANG=0 OriginalFilename "Cairn-Setup-${VERSION}.exe"

!ifdef SIGN
; The uninstaller is made while makensis runs: sign it then.
!uninstfinalize '${SIGN} "%1"' = 0
!endif

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cairn"
!define ACTIVESETUPKEY "Software\Microsoft\Active Setup\Installed Components\org.cairnbackup.cairn"
; Where go-autostart puts the shortcut, below %USERPROFILE%.
!define STARTUP "AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup"
; The ID Cairn's notifications are sent under (app/desktop AppID).
!define APPID "org.cairnbackup.cairn"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include x64.nsh
!include WinVer.nsh
!include nsDialogs.nsh
!include preset.nsh
!include appid.nsh
!include path.nsh

Var AllUsers      ; 1: for everyone (HKLM, Program Files), 0: for this person
Var Fresh         ; 1: no Cairn was installed in this mode before
Var ClosedCairn   ; 1: the setup closed a running Cairn
Var Preset        ; the preset's JSON, or ""
Var ModeMe        ; the mode page's radio buttons
Var ModeEveryone

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "Start Cairn"
!define MUI_FINISHPAGE_RUN_FUNCTION StartCairn

Page custom ModePage ModePageLeave
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipDirectoryOnUpdate
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

; ---------------------------------------------------------------- helpers

; IsAdmin: "1" on the stack when this process runs as an administrator.
!macro IsAdminFunction un
Function ${un}IsAdmin
	Push $0
	UserInfo::GetAccountType
	Pop $0
	${If} $0 == "Admin"
		StrCpy $0 1
	${Else}
		StrCpy $0 0
	${EndIf}
	Exch $0
FunctionEnd
!macroend
!insertmacro IsAdminFunction ""
!insertmacro IsAdminFunction "un."

; SetMode: registry root (SHCTX), shell folders and $INSTDIR for $AllUsers.
!macro SetModeFunction un
Function ${un}SetMode
	${If} $AllUsers = 1
		SetShellVarContext all
	${Else}
		SetShellVarContext current
	${EndIf}
FunctionEnd
!macroend
!insertmacro SetModeFunction ""
!insertmacro SetModeFunction "un."

; InUse: "1" on the stack when cairn-desktop.exe or cairn.exe in $INSTDIR
; is running (it cannot be opened for writing), else "0".
!macro InUseCheck file
	${If} ${FileExists} "$INSTDIR\${file}"
		ClearErrors
		FileOpen $0 "$INSTDIR\${file}" a
		${If} ${Errors}
			StrCpy $1 1
		${Else}
			FileClose $0
		${EndIf}
	${EndIf}
!macroend
!macro InUseFunction un
Function ${un}InUse
	Push $0
	Push $1
	StrCpy $1 0
	!insertmacro InUseCheck cairn-desktop.exe
	!insertmacro InUseCheck cairn.exe
	StrCpy $0 $1 ; the result
	Pop $1
	Exch $0 ; $0 back as it was, the result on the stack
FunctionEnd
!macroend
!insertmacro InUseFunction ""
!insertmacro InUseFunction "un."

; MoveAside: renames the running $INSTDIR\<name on the stack> to
; <name>.old<N> and deletes it at the next restart. Errors are set when it
; could not be renamed.
!macro MoveAsideFunction un
Function ${un}MoveAside
	Exch $0
	Push $1
	Push $2
	StrCpy $1 0
	${Do}
		StrCpy $2 "$INSTDIR\$0.old$1"
		Delete "$2" ; an earlier one nobody runs any more
		${IfNot} ${FileExists} "$2"
			${Break}
		${EndIf}
		IntOp $1 $1 + 1
	${Loop}
	ClearErrors
	${If} ${FileExists} "$INSTDIR\$0"
		Rename "$INSTDIR\$0" "$2"
		${IfNot} ${Errors}
			Delete /REBOOTOK "$2"
			ClearErrors
		${EndIf}
	${EndIf}
	Pop $2
	Pop $1
	Pop $0
FunctionEnd
!macroend
!insertmacro MoveAsideFunction ""
!insertmacro MoveAsideFunction "un."

; CloseCairn: when Cairn's programs in $INSTDIR are running, asks to close
; this person's Cairn, or in silent mode closes it: first as Windows asks a
; program to close, then by force. Cairn is crash-safe (a backup under way
; carries on at its next start). Only the processes of the person running
; the setup are closed (USERNAME): in an install for everyone, programs
; other people still run are moved aside (MoveAside) instead. Quits when
; they cannot be closed.
!macro CloseCairnFunction un
Function ${un}CloseCairn
	Push $0
	Push $1
	StrCpy $ClosedCairn 0
	ReadEnvStr $1 USERNAME
	StrCpy $1 '/FI "USERNAME eq $1" /IM cairn-desktop.exe /IM cairn.exe'
	retry:
	Call ${un}InUse
	Pop $0
	${If} $0 = 0
		Goto free
	${EndIf}
	${If} $ClosedCairn = 0
		MessageBox MB_OKCANCEL|MB_ICONINFORMATION "Cairn is running and must close first.$\r$\n$\r$\nClick OK to close it (a backup under way carries on when Cairn starts again), or Cancel to stop." /SD IDOK IDOK close
		SetErrorLevel 1
		Quit
		close:
		StrCpy $ClosedCairn 1
		nsExec::Exec '"$SYSDIR\taskkill.exe" $1'
		Pop $0
		Sleep 3000
		Goto retry
	${ElseIf} $ClosedCairn = 1
		StrCpy $ClosedCairn 2
		nsExec::Exec '"$SYSDIR\taskkill.exe" /F $1'
		Pop $0
		Sleep 2000
		Goto retry
	${ElseIf} $AllUsers = 1
		; Other people's Cairn: their programs are renamed, not ended.
		Push cairn-desktop.exe
		Call ${un}MoveAside
		Push cairn.exe
		Call ${un}MoveAside
		Call ${un}InUse
		Pop $0
		${If} $0 = 0
			Goto free
		${EndIf}
	${EndIf}
	MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Cairn could not be closed. Quit it from its icon in the taskbar's notification area (Quit Cairn), then click Retry." /SD IDCANCEL IDRETRY retry
	SetErrorLevel 1
	Quit
	free:
	Pop $1
	Pop $0
FunctionEnd
!macroend
!insertmacro CloseCairnFunction ""
!insertmacro CloseCairnFunction "un."

; ---------------------------------------------------------------- install

Function .onInit
	SetRegView 64
	${IfNot} ${RunningX64}
	${OrIfNot} ${AtLeastWin10}
		MessageBox MB_OK|MB_ICONSTOP "Cairn needs 64-bit Windows 10 or later." /SD IDOK
		SetErrorLevel 1
		Quit
	${EndIf}
	; A wrong preset option stops the setup before anything changes.
	Call CairnPresetJSON
	Pop $Preset
	${If} ${Errors}
		MessageBox MB_OK|MB_ICONSTOP "$CairnPresetError" /SD IDOK
		SetErrorLevel 2
		Quit
	${EndIf}
	; The mode: the one Cairn is installed in already (an update), unless
	; /ALLUSERS or /CURRENTUSER says.
	StrCpy $AllUsers 0
	ReadRegStr $0 HKLM "${UNINSTKEY}" "InstallLocation"
	ReadRegStr $1 HKCU "${UNINSTKEY}" "InstallLocation"
	${If} $0 != ""
	${AndIf} $1 == ""
		StrCpy $AllUsers 1
	${EndIf}
	${CairnOption} ALLUSERS $0
	${IfNot} ${Errors}
		StrCpy $AllUsers 1
	${EndIf}
	${CairnOption} CURRENTUSER $0
	${IfNot} ${Errors}
		StrCpy $AllUsers 0
	${EndIf}
	${If} $AllUsers = 1
	${AndIf} ${Silent}
		Call IsAdmin
		Pop $0
		${If} $0 = 0
			SetErrorLevel 740 ; ERROR_ELEVATION_REQUIRED
			Quit
		${EndIf}
	${EndIf}
	Call InitMode
FunctionEnd

; InitMode: folders for $AllUsers; $INSTDIR from /D=, else where Cairn is
; installed, else the default.
Var DirFromCommandLine
Function InitMode
	Call SetMode
	${If} $DirFromCommandLine == ""
		StrCpy $DirFromCommandLine 0
		${If} $INSTDIR != ""
			StrCpy $DirFromCommandLine 1
		${EndIf}
	${EndIf}
	ReadRegStr $0 SHCTX "${UNINSTKEY}" "InstallLocation"
	StrCpy $Fresh 1
	${If} $0 != ""
		StrCpy $Fresh 0
	${EndIf}
	${If} $DirFromCommandLine = 1
		Return
	${ElseIf} $0 != ""
		StrCpy $INSTDIR $0
	${ElseIf} $AllUsers = 1
		StrCpy $INSTDIR "$PROGRAMFILES64\Cairn"
	${Else}
		StrCpy $INSTDIR "$LOCALAPPDATA\Programs\Cairn"
	${EndIf}
FunctionEnd

Function ModePage
	!insertmacro MUI_HEADER_TEXT "Install Cairn" "Who will use Cairn on this computer?"
	nsDialogs::Create 1018
	Pop $0
	${NSD_CreateRadioButton} 0 0 100% 12u "Only me (no administrator needed)"
	Pop $ModeMe
	${NSD_CreateRadioButton} 0 20u 100% 12u "Everyone who uses this computer (needs an administrator)"
	Pop $ModeEveryone
	${NSD_CreateLabel} 0 44u 100% 36u "Each person's backup stays their own: Cairn starts at login for everyone, and each person chooses where their files go."
	Pop $0
	${If} $AllUsers = 1
		${NSD_Check} $ModeEveryone
	${Else}
		${NSD_Check} $ModeMe
	${EndIf}
	nsDialogs::Show
FunctionEnd

; ModePageLeave: for everyone without administrator rights, starts this
; setup again as an administrator (Windows asks) and leaves.
Function ModePageLeave
	${NSD_GetState} $ModeEveryone $0
	${If} $0 = ${BST_CHECKED}
		Call IsAdmin
		Pop $1
		${If} $1 = 0
			${GetParameters} $2
			ClearErrors
			ExecShell "runas" "$EXEPATH" "$2 /ALLUSERS"
			${If} ${Errors}
				MessageBox MB_OK|MB_ICONEXCLAMATION "Installing for everyone needs an administrator. Choose Only me, or ask your IT department."
				Abort
			${EndIf}
			Quit
		${EndIf}
		StrCpy $AllUsers 1
	${Else}
		StrCpy $AllUsers 0
	${EndIf}
	Call InitMode
FunctionEnd

Function SkipDirectoryOnUpdate
	${If} $Fresh = 0
		Abort ; an update goes where Cairn is
	${EndIf}
FunctionEnd

Section "Cairn" SecCairn
	SectionIn RO
	Call SetMode
	Call CloseCairn
	SetOutPath "$INSTDIR"
	File "/oname=cairn-desktop.exe" "${DESKTOP}"
	File "/oname=cairn.exe" "${CLI}"
	Call InstallHelper ; for everyone only
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\Cairn.lnk" "$INSTDIR\cairn-desktop.exe" "" "$INSTDIR\cairn-desktop.exe" 0 SW_SHOWNORMAL "" "Back up your files and bring back any version"
	${CairnSetAppID} "$SMPROGRAMS\Cairn.lnk" "${APPID}"
	Call WriteUninstallKey
	Call StartAtLogin
	Call WritePreset
	${If} $AllUsers = 0
		Call CairnAddToPath ; path.nsh
	${EndIf}
SectionEnd

Function WriteUninstallKey
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	IntFmt $0 "0x%08X" $0
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "Cairn"
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "The Cairn authors"
	WriteRegStr SHCTX "${UNINSTKEY}" "URLInfoAbout" "https://github.com/cairnbackup/cairn"
	WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\cairn-desktop.exe,0"
	WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" $0
	WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
FunctionEnd

; StartAtLogin: see the top of this file.
Function StartAtLogin
	${If} $AllUsers = 1
		; Once per person, at their next login: rundll32 returns at once, so
		; the login does not wait for Cairn; Cairn then makes the person's
		; own Startup shortcut (or not, by their setting).
		WriteRegStr HKLM "${ACTIVESETUPKEY}" "" "Cairn"
		WriteRegStr HKLM "${ACTIVESETUPKEY}" "Version" "1"
		WriteRegDWORD HKLM "${ACTIVESETUPKEY}" "IsInstalled" 1
		WriteRegStr HKLM "${ACTIVESETUPKEY}" "StubPath" '"$WINDIR\System32\rundll32.exe" shell32.dll,ShellExec_RunDLL "$INSTDIR\cairn-desktop.exe" --hidden'
		Return
	${EndIf}
	ReadEnvStr $1 USERPROFILE
	StrCpy $1 "$1\${STARTUP}"
	StrCpy $0 "$1\Cairn.lnk"
	${If} $Fresh = 1
	${OrIf} ${FileExists} "$0"
		CreateDirectory "$1"
		CreateShortcut "$0" "$INSTDIR\cairn-desktop.exe" "--hidden"
		${CairnSetAppID} "$0" "${APPID}"
	${EndIf}
FunctionEnd

; WritePreset: %ProgramData%\Cairn\preset.json from the command line. In an
; install for everyone the folder is made readable, not writable, by people
; (only administrators and the system change IT's preset).
Function WritePreset
	${If} $Preset == ""
		Return
	${EndIf}
	ReadEnvStr $0 ProgramData
	${CairnWritePreset} "$0\Cairn" $Preset
	${If} ${Errors}
		MessageBox MB_OK|MB_ICONSTOP "Could not write $0\Cairn\preset.json." /SD IDOK
		SetErrorLevel 1
		Quit
	${EndIf}
	DetailPrint "Wrote $0\Cairn\preset.json"
	WriteRegDWORD SHCTX "${UNINSTKEY}" "CairnWrotePreset" 1
	${If} $AllUsers = 1
		; S-1-5-18 SYSTEM, -32-544 Administrators, -32-545 Users
		nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$0\Cairn" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
		Pop $1
	${EndIf}
FunctionEnd

; InstallHelper: in an install for everyone, stops the open-file helper
; (it deletes its shadow copies), puts the new cairn-vss.exe in place and
; has it register and start itself. A helper that cannot be installed does
; not stop the setup: Cairn works without it (files in use wait until they
; are closed).
Function InstallHelper
	${If} $AllUsers <> 1
		Return
	${EndIf}
	${If} ${FileExists} "$INSTDIR\cairn-vss.exe"
		nsExec::ExecToLog '"$INSTDIR\cairn-vss.exe" stop'
		Pop $0
		Push cairn-vss.exe ; renamed aside when it still runs
		Call MoveAside
		ClearErrors
	${EndIf}
	File "/oname=cairn-vss.exe" "${VSS}"
	nsExec::ExecToLog '"$INSTDIR\cairn-vss.exe" install'
	Pop $0
	${If} $0 != 0
		DetailPrint "Cairn's open-file helper could not be started ($0): files other programs keep open are backed up once they are closed."
	${EndIf}
FunctionEnd

; StartCairn: the finish page's "Start Cairn", as the person and not as the
; administrator an install for everyone runs as (Explorer starts it).
Function StartCairn
	${If} $AllUsers = 1
		Exec '"$WINDIR\explorer.exe" "$INSTDIR\cairn-desktop.exe"'
	${Else}
		Exec '"$INSTDIR\cairn-desktop.exe"'
	${EndIf}
FunctionEnd

; A silent update for one person starts the Cairn it closed again.
Function .onInstSuccess
	${If} ${Silent}
	${AndIf} $ClosedCairn <> 0
	${AndIf} $AllUsers = 0
		Exec '"$INSTDIR\cairn-desktop.exe" --hidden'
	${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstall

; un.RemoveHelper: in an install for everyone, stops and removes the
; open-file helper service (it deletes its shadow copies as it stops).
Function un.RemoveHelper
	${If} $AllUsers <> 1
		Return
	${EndIf}
	${If} ${FileExists} "$INSTDIR\cairn-vss.exe"
		nsExec::ExecToLog '"$INSTDIR\cairn-vss.exe" uninstall'
		Pop $0
	${EndIf}
	Delete /REBOOTOK "$INSTDIR\cairn-vss.exe"
	Delete /REBOOTOK "$INSTDIR\cairn-vss.exe.old*"
FunctionEnd

Section "un.Cairn" SecUninstall
	SectionIn RO
	Call un.CloseCairn
	Call un.RemoveHelper
	Delete "$INSTDIR\cairn-desktop.exe"
	Delete "$INSTDIR\cairn.exe"
	Delete /REBOOTOK "$INSTDIR\cairn-desktop.exe.old*" ; moved aside while other people ran them
	Delete /REBOOTOK "$INSTDIR\cairn.exe.old*"
	Delete "$INSTDIR\uninstall.exe"
	RMDir /REBOOTOK "$INSTDIR" ; only when empty
	Delete "$SMPROGRAMS\Cairn.lnk"
	${If} $AllUsers = 1
		DeleteRegKey HKLM "${ACTIVESETUPKEY}"
	${Else}
		ReadEnvStr $0 USERPROFILE
		Delete "$0\${STARTUP}\Cairn.lnk"
		Call un.CairnRemoveFromPath ; path.nsh
	${EndIf}
	ReadRegDWORD $0 SHCTX "${UNINSTKEY}" "CairnWrotePreset"
	${If} $0 = 1
		ReadEnvStr $0 ProgramData
		Delete "$0\Cairn\preset.json"
		RMDir "$0\Cairn"
	${EndIf}
	DeleteRegKey SHCTX "${UNINSTKEY}"
SectionEnd

; Not chosen unless asked: the person's settings, index and logs in
; %LOCALAPPDATA%\cairn (and %APPDATA%\cairn, where Cairn kept them before).
; Backups on drives and servers are never touched, and the keys in Windows
; Credential Manager stay.
Section /o "un.My Cairn settings and index on this computer" SecSettings
	ReadEnvStr $0 LOCALAPPDATA
	RMDir /r "$0\cairn"
	ReadEnvStr $0 APPDATA
	RMDir /r "$0\cairn"
SectionEnd

Function un.onInit
	SetRegView 64
	; Installed for everyone when HKLM's entry names this folder.
	StrCpy $AllUsers 0
	ReadRegStr $0 HKLM "${UNINSTKEY}" "InstallLocation"
	${If} $0 == $INSTDIR
		StrCpy $AllUsers 1
		Call un.IsAdmin
		Pop $1
		${If} $1 = 0
			${If} ${Silent}
				SetErrorLevel 740
				Quit
			${EndIf}
			StrCpy $2 ""
			${un.CairnOption} REMOVESETTINGS $1
			${IfNot} ${Errors}
				StrCpy $2 /REMOVESETTINGS
			${EndIf}
			ClearErrors
			ExecShell "runas" "$INSTDIR\uninstall.exe" $2
			${If} ${Errors}
				MessageBox MB_OK|MB_ICONEXCLAMATION "Cairn was installed for everyone: removing it needs an administrator."
			${EndIf}
			Quit
		${EndIf}
	${EndIf}
	Call un.SetMode
	; /REMOVESETTINGS also removes this person's settings and index.
	${un.CairnOption} REMOVESETTINGS $0
	${IfNot} ${Errors}
		SectionSetFlags ${SecSettings} ${SF_SELECTED}
	${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
	!insertmacro MUI_DESCRIPTION_TEXT ${SecUninstall} "Cairn's program, its Start menu entry and its start at login."
	!insertmacro MUI_DESCRIPTION_TEXT ${SecSettings} "Your settings and index in %LOCALAPPDATA%\cairn (or %APPDATA%\cairn). Your backups on drives and servers are not touched."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
