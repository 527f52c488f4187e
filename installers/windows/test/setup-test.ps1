# setup-test.ps1 -Setup Cairn-Setup-VERSION.exe: installs Cairn silently for
# the person running it, checks what the setup made, runs the command line,
# uninstalls silently and checks that nothing is left but the person's own
# data. On Windows only (the Windows CI, .github/workflows/test.yml); under
# Wine, check.sh does what Wine can. Exits 1 at the first failure.
#
# Checked after the install (cairn.nsi, path.nsh):
#   - cairn-desktop.exe, cairn.exe and uninstall.exe in
#     %LOCALAPPDATA%\Programs\Cairn;
#   - the Start menu entry Cairn.lnk, running cairn-desktop.exe;
#   - start at login: Cairn.lnk in the Startup folder running
#     `cairn-desktop.exe --hidden` (Cairn starts at login through this
#     shortcut, the one go-autostart and the app's setting manage, not
#     through the Run key, which must not have a Cairn value);
#   - the uninstall entry in HKCU, and the install folder on the person's
#     PATH (HKCU\Environment), once, after an update too;
#   - `cairn.exe status` prints and exits, `cairn.exe version` names the
#     version.
# Checked after the uninstall: the folder, both shortcuts, the uninstall
# entry and the PATH entry are gone (PATH is what it was before), and the
# data `cairn status` made is still there.
param([Parameter(Mandatory = $true)][string]$Setup)

$ErrorActionPreference = 'Stop'
$failed = $false

function Ok([string]$what) { Write-Host "  ok    $what" }
function Fail([string]$what) {
    Write-Host "  FAIL  $what"
    $script:failed = $true
}
function Expect([string]$what, [bool]$cond) { if ($cond) { Ok $what } else { Fail $what } }

# WaitFor polls cond until it holds or the deadline passes (a silent
# uninstaller copies itself to %TEMP% and returns before it is done).
function WaitFor([scriptblock]$cond, [int]$seconds = 120) {
    $deadline = (Get-Date).AddSeconds($seconds)
    while ((Get-Date) -lt $deadline) {
        if (& $cond) { return $true }
        Start-Sleep -Milliseconds 250
    }
    return (& $cond)
}

function UserPath { [Environment]::GetEnvironmentVariable('Path', 'User') }
function PathEntries([string]$p) { if ($p) { $p -split ';' } else { @() } }
function LinkOf([string]$lnk) {
    $s = (New-Object -ComObject WScript.Shell).CreateShortcut($lnk)
    return @{ Target = $s.TargetPath; Args = $s.Arguments }
}

$setupPath = (Resolve-Path $Setup).Path
$dir = Join-Path $env:LOCALAPPDATA 'Programs\Cairn'
$startMenu = Join-Path $env:APPDATA 'Microsoft\Windows\Start Menu\Programs\Cairn.lnk'
$startup = Join-Path $env:USERPROFILE 'AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\Cairn.lnk'
$uninstKey = 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\Cairn'
$runKey = 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Run'
$pathBefore = UserPath

if (Test-Path $dir) { throw "$dir exists before the test: not a clean machine" }

function Install([string]$what) {
    $p = Start-Process -FilePath $setupPath -ArgumentList '/S' -Wait -PassThru
    Expect "$what`: the setup exits with 0 (got $($p.ExitCode))" ($p.ExitCode -eq 0)
}

Write-Host "`nsilent install for this person ($setupPath)"
Install 'install'
foreach ($f in 'cairn-desktop.exe', 'cairn.exe', 'uninstall.exe') {
    Expect "$f in $dir" (Test-Path (Join-Path $dir $f))
}
Expect "Start menu entry $startMenu" (Test-Path $startMenu)
if (Test-Path $startMenu) {
    $l = LinkOf $startMenu
    Expect "the Start menu entry runs cairn-desktop.exe ($($l.Target))" ($l.Target -ieq (Join-Path $dir 'cairn-desktop.exe'))
}
Expect "start at login: $startup" (Test-Path $startup)
if (Test-Path $startup) {
    $l = LinkOf $startup
    Expect "it runs cairn-desktop.exe --hidden ($($l.Target) $($l.Args))" (($l.Target -ieq (Join-Path $dir 'cairn-desktop.exe')) -and ($l.Args -eq '--hidden'))
}
$run = Get-ItemProperty -Path $runKey -ErrorAction SilentlyContinue
Expect 'no Run key value: start at login is the Startup shortcut' (-not ($run -and ($run.PSObject.Properties.Name -contains 'Cairn')))
$key = Get-ItemProperty -Path $uninstKey -ErrorAction SilentlyContinue
Expect 'the uninstall entry in HKCU names the folder' ($key -and $key.InstallLocation -ieq $dir)
$entries = @(PathEntries (UserPath) | Where-Object { $_ -ieq $dir })
Expect "the folder is on the person's PATH once ($(UserPath))" ($entries.Count -eq 1)

Write-Host "`nthe command line"
$tmp = if ($env:RUNNER_TEMP) { $env:RUNNER_TEMP } else { $env:TEMP }
$cairnHome = Join-Path $tmp ('cairn-home-' + [guid]::NewGuid())
$env:CAIRN_HOME = $cairnHome
$out = Join-Path $tmp 'cairn-status.txt'
$p = Start-Process -FilePath (Join-Path $dir 'cairn.exe') -ArgumentList 'status' -NoNewWindow -PassThru `
    -RedirectStandardOutput $out -RedirectStandardError "$out.err"
$null = $p.Handle # keeps ExitCode readable after WaitForExit(timeout)
if (-not $p.WaitForExit(120000)) {
    $p.Kill()
    Fail 'cairn.exe status did not exit within 2 minutes'
} else {
    $text = Get-Content -Raw $out
    Write-Host $text
    Expect "cairn.exe status exits with 0 (got $($p.ExitCode))" ($p.ExitCode -eq 0)
    Expect 'cairn.exe status prints the home and the selection' ($text -match 'Cairn home:' -and $text -match 'Selected:')
}
$version = & (Join-Path $dir 'cairn.exe') version
Expect "cairn.exe version prints ($version)" ($LASTEXITCODE -eq 0 -and $version -match '^cairn ')
Expect "cairn status made its data in $cairnHome" (Test-Path $cairnHome)
Remove-Item Env:\CAIRN_HOME

Write-Host "`nsilent update over it"
Install 'update'
$entries = @(PathEntries (UserPath) | Where-Object { $_ -ieq $dir })
Expect "still once on PATH after the update ($(UserPath))" ($entries.Count -eq 1)

Write-Host "`nsilent uninstall"
$p = Start-Process -FilePath (Join-Path $dir 'uninstall.exe') -ArgumentList '/S' -Wait -PassThru
Expect "the uninstaller exits with 0 (got $($p.ExitCode))" ($p.ExitCode -eq 0)
Expect "$dir removed" (WaitFor { -not (Test-Path $dir) })
Expect 'the Start menu entry removed' (WaitFor { -not (Test-Path $startMenu) })
Expect 'the Startup shortcut removed' (WaitFor { -not (Test-Path $startup) })
Expect 'the uninstall entry removed' (WaitFor { -not (Test-Path $uninstKey) })
Expect "PATH as it was before ($(UserPath))" (WaitFor { (UserPath) -eq $pathBefore })
Expect "the person's data is left alone ($cairnHome)" (Test-Path $cairnHome)

if ($failed) {
    Write-Host "`nsetup-test: FAILED"
    exit 1
}
Write-Host "`nsetup-test: all passed"
