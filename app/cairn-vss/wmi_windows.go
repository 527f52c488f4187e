//go:build windows

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"

	"github.com/cairnbackup/cairn/engine/snapshot"
)

// wmiMaker makes shadow copies through Win32_ShadowCopy (wmi.go).
type wmiMaker struct{}

func (wmiMaker) Volume(root string) (string, error) {
	r, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return "", fmt.Errorf("%w: %v", snapshot.ErrBadVolume, err)
	}
	if t := windows.GetDriveType(r); t != windows.DRIVE_FIXED {
		return "", fmt.Errorf("%w: %s is not a local fixed drive (type %d)", snapshot.ErrBadVolume, root, t)
	}
	buf := make([]uint16, 64)
	if err := windows.GetVolumeNameForVolumeMountPoint(r, &buf[0], uint32(len(buf))); err != nil {
		return "", fmt.Errorf("%w: %s is not a volume's mount point: %v", snapshot.ErrBadVolume, root, err)
	}
	return windows.UTF16ToString(buf), nil
}

func (wmiMaker) Create(ctx context.Context, root string) (snapshot.Shadow, error) {
	if _, ok := snapshot.ValidVolume(root); !ok {
		return snapshot.Shadow{}, fmt.Errorf("%w: %q", snapshot.ErrBadVolume, root)
	}
	out, err := powershell(ctx, createScript, envVolume+"="+root)
	if err != nil {
		return snapshot.Shadow{}, err
	}
	return parseCreated(out)
}

func (wmiMaker) Delete(ctx context.Context, id string) error {
	if !snapshot.ValidID(id) {
		return fmt.Errorf("%q is not a shadow copy ID", id)
	}
	_, err := powershell(ctx, deleteScript, envID+"="+id)
	return err
}

// maxOutput bounds what is kept of PowerShell's output.
const maxOutput = 64 << 10

// powershell runs script with Windows PowerShell from the system folder
// (never one found on PATH), with the service's environment and one more
// variable, until ctx ends.
func powershell(ctx context.Context, script, env string) ([]byte, error) {
	sys, err := windows.GetSystemDirectory()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(sys, `WindowsPowerShell\v1.0\powershell.exe`), powershellArgs(script)...)
	cmd.Env = append(os.Environ(), env)
	cmd.Dir = sys
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("PowerShell did not finish in time: %w", ctx.Err())
		}
		return nil, fmt.Errorf("PowerShell: %v: %s", err, strings.TrimSpace(clip(stderr.Bytes())))
	}
	return stdout.Bytes(), nil
}

// limitedBuffer keeps the first maxOutput bytes written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
