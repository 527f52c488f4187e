//go:build windows

package testtree

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// How HoldFile keeps a file from other programs.
const (
	// NoSharing opens the file without sharing (FileShare.None), as Outlook
	// holds its .pst: every other open fails with a sharing violation.
	NoSharing = false
	// LockedRange opens it sharing reads and writes and locks all its bytes
	// (LockFileEx, exclusive): others may open it, but a read fails with a
	// lock violation, as a database holds its files.
	LockedRange = true
)

// holdScript is run by PowerShell: it opens $env:CAIRN_HOLD_PATH the way
// asked, says "held", and keeps it until its standard input closes.
const holdScript = `$ErrorActionPreference = 'Stop'
$lock = $env:CAIRN_HOLD_LOCK -eq '1'
$share = if ($lock) { [IO.FileShare]::ReadWrite } else { [IO.FileShare]::None }
$f = [IO.File]::Open($env:CAIRN_HOLD_PATH, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite, $share)
if ($lock) { $f.Lock(0, [Math]::Max([int64]1, $f.Length)) }
[Console]::Out.WriteLine('held')
[Console]::Out.Flush()
[void][Console]::In.ReadLine()
$f.Close()
`

// HoldFile has another process (PowerShell) open the file at path and keep
// it, without sharing or with all its bytes locked (NoSharing,
// LockedRange), and returns once it does. The returned function lets it go
// and waits for the process to end; it is also called when the test ends.
func HoldFile(t testing.TB, path string, locked bool) (release func()) {
	t.Helper()
	// -EncodedCommand: the script as base64 of UTF-16LE, so no quoting of
	// the command line can change it.
	var script []byte
	for _, c := range utf16.Encode([]rune(holdScript)) {
		script = binary.LittleEndian.AppendUint16(script, c)
	}
	cmd := exec.Command("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
		"-EncodedCommand", base64.StdEncoding.EncodeToString(script))
	lock := "0"
	if locked {
		lock = "1"
	}
	cmd.Env = append(os.Environ(), "CAIRN_HOLD_PATH="+path, "CAIRN_HOLD_LOCK="+lock)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start PowerShell to hold %s: %v", path, err)
	}
	done := make(chan struct{})
	var released bool
	release = func() {
		if released {
			return
		}
		released = true
		stdin.Close()
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(release)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case s := <-line:
		if s != "held" {
			release()
			t.Fatalf("PowerShell could not hold %s (%q): %s", path, s, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		release()
		t.Fatalf("PowerShell did not hold %s within 2 minutes: %s", path, stderr.String())
	}
	return release
}
