package snapshot

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotOnVolume says a file is not on a local drive Cairn can snapshot:
// a network share (UNC), a device path or a path without a drive letter.
var ErrNotOnVolume = errors.New("not on a local drive (a network share cannot be snapshotted)")

// shadowDevicePrefix starts the device path of every shadow copy
// (Win32_ShadowCopy.DeviceObject), followed by its number.
const shadowDevicePrefix = `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy`

// ValidVolume returns s as the root of a drive letter ("C:\", upper-cased)
// when it is exactly that, else false. It is the only form the service
// accepts, so nothing else ever reaches the commands that make a shadow
// copy.
func ValidVolume(s string) (string, bool) {
	if len(s) != 3 || s[1] != ':' || s[2] != '\\' {
		return "", false
	}
	c := s[0]
	if 'a' <= c && c <= 'z' {
		c -= 'a' - 'A'
	}
	if c < 'A' || c > 'Z' {
		return "", false
	}
	return string([]byte{c, ':', '\\'}), true
}

// ValidDevice says whether s is a shadow copy's device path:
// \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy followed by its number.
func ValidDevice(s string) bool {
	n, ok := strings.CutPrefix(s, shadowDevicePrefix)
	return ok && allDigits(n) && len(n) <= 10
}

// ValidID says whether s is a shadow copy's ID as Windows writes it, a
// GUID in braces: {3f2504e0-4f89-11d3-9a0c-0305e82c3301}.
func ValidID(s string) bool {
	if len(s) != 38 || s[0] != '{' || s[37] != '}' {
		return false
	}
	for i := 1; i < 37; i++ {
		c := s[i]
		switch i {
		case 9, 14, 19, 24:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

// VolumeOf is the drive root ("C:\") of a Windows path. The long form
// (\\?\C:\…) is read too; a share (\\server\share, \\?\UNC\…), a device
// path (\\.\…, \\?\GLOBALROOT\…) and a path without a drive are
// ErrNotOnVolume.
func VolumeOf(path string) (string, error) {
	p := strings.ReplaceAll(path, "/", `\`)
	p = strings.TrimPrefix(p, `\\?\`)
	if len(p) < 3 || p[1] != ':' || p[2] != '\\' {
		return "", fmt.Errorf("%s: %w", path, ErrNotOnVolume)
	}
	v, ok := ValidVolume(p[:3])
	if !ok {
		return "", fmt.Errorf("%s: %w", path, ErrNotOnVolume)
	}
	return v, nil
}

// ShadowPath is where filePath, on the drive volumeRoot ("C:\"), is
// inside that drive's shadow copy shadowDevice:
// C:\Users\a\x.pst in \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy3
// is \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy3\Users\a\x.pst. The
// result is in Windows' long form, so it has no length limit. A file on
// another drive, a share, a relative path or one with "." or ".." in it
// is refused.
func ShadowPath(volumeRoot, shadowDevice, filePath string) (string, error) {
	root, ok := ValidVolume(volumeRoot)
	if !ok {
		return "", fmt.Errorf("%q is not a drive's root like C:\\", volumeRoot)
	}
	if !ValidDevice(shadowDevice) {
		return "", fmt.Errorf("%q is not a shadow copy's device path", shadowDevice)
	}
	v, err := VolumeOf(filePath)
	if err != nil {
		return "", err
	}
	if v != root {
		return "", fmt.Errorf("%s is not on %s", filePath, root)
	}
	rest := strings.TrimPrefix(strings.ReplaceAll(filePath, "/", `\`), `\\?\`)[3:]
	for _, el := range strings.Split(rest, `\`) {
		if el == "." || el == ".." || (el == "" && rest != "") {
			return "", fmt.Errorf("%s is not a clean path", filePath)
		}
	}
	return shadowDevice + `\` + rest, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
