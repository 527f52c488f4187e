package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"unicode/utf16"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// Shadow copies are made and deleted through WMI's Win32_ShadowCopy,
// driven by Windows PowerShell (wmi_windows.go runs it). Nothing a client
// sent is ever part of a command: the scripts are constants, the drive
// (validated by snapshot.ValidVolume, and again by the script) and the ID
// (one this service made, validated by snapshot.ValidID) are handed over
// in environment variables, and the script is passed -EncodedCommand, so
// no quoting is involved.

// Environment variables the scripts read.
const (
	envVolume = "CAIRN_VSS_VOLUME"
	envID     = "CAIRN_VSS_ID"
)

// createScript makes a client-accessible shadow copy (the kind a program
// reads files from, not a backup application's) of the drive in
// CAIRN_VSS_VOLUME and writes {"id":…,"device":…} on standard output.
const createScript = `$ErrorActionPreference = 'Stop'
$v = $env:CAIRN_VSS_VOLUME
if ($v -cnotmatch '^[A-Z]:\\$') { throw 'not a drive root' }
$r = Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{ Volume = $v; Context = 'ClientAccessible' }
if ($r.ReturnValue -ne 0) { throw ('Win32_ShadowCopy.Create returned ' + $r.ReturnValue) }
$s = Get-CimInstance -ClassName Win32_ShadowCopy | Where-Object { $_.ID -eq $r.ShadowID }
if (-not $s) { throw 'the new shadow copy is not listed' }
[Console]::Out.Write((ConvertTo-Json -Compress @{ id = [string]$s.ID; device = [string]$s.DeviceObject }))
`

// deleteScript deletes the shadow copy whose ID is in CAIRN_VSS_ID; one
// already gone is no error.
const deleteScript = `$ErrorActionPreference = 'Stop'
$id = $env:CAIRN_VSS_ID
if ($id -notmatch '^\{[0-9A-Fa-f-]{36}\}$') { throw 'not a shadow copy ID' }
Get-CimInstance -ClassName Win32_ShadowCopy | Where-Object { $_.ID -eq $id } | Remove-CimInstance
`

// encodeCommand is script as powershell.exe's -EncodedCommand takes it:
// UTF-16LE, in base64.
func encodeCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// powershellArgs are the arguments that run script: no profile (a
// profile is code an administrator may not have meant to run as the
// system), no questions.
func powershellArgs(script string) []string {
	return []string{"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encodeCommand(script)}
}

// parseCreated reads what createScript wrote, refusing anything but a
// valid ID and shadow copy device path.
func parseCreated(out []byte) (snapshot.Shadow, error) {
	var r struct{ ID, Device string }
	if err := json.Unmarshal(out, &r); err != nil {
		return snapshot.Shadow{}, fmt.Errorf("read what PowerShell wrote (%q): %w", clip(out), err)
	}
	if !snapshot.ValidID(r.ID) || !snapshot.ValidDevice(r.Device) {
		return snapshot.Shadow{}, fmt.Errorf("PowerShell wrote the ID %q and device %q", r.ID, r.Device)
	}
	return snapshot.Shadow{ID: r.ID, Device: r.Device}, nil
}

// clip shortens output for a message.
func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
