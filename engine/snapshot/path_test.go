package snapshot

import (
	"errors"
	"testing"
)

const dev3 = `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy3`

func TestShadowPath(t *testing.T) {
	long := `C:\Users\a\` + `AppData\Local\Microsoft\Outlook\` +
		`a-folder-name-long-enough-to-pass-the-old-limit-of-two-hundred-and-sixty-characters-once-it-is-doubled\` +
		`a-folder-name-long-enough-to-pass-the-old-limit-of-two-hundred-and-sixty-characters-once-it-is-doubled\x.pst`
	for _, tc := range []struct {
		name, root, device, path, want string
	}{
		{"outlook", `C:\`, dev3, `C:\Users\a\x.pst`, dev3 + `\Users\a\x.pst`},
		{"drive letter case", `c:\`, dev3, `C:\Users\a\x.pst`, dev3 + `\Users\a\x.pst`},
		{"path case kept", `C:\`, dev3, `c:\Users\A\X.pst`, dev3 + `\Users\A\X.pst`},
		{"slashes", `C:\`, dev3, `C:/Users/a/x.pst`, dev3 + `\Users\a\x.pst`},
		{"long form", `C:\`, dev3, `\\?\C:\Users\a\x.pst`, dev3 + `\Users\a\x.pst`},
		{"long path", `C:\`, dev3, long, dev3 + long[2:]},
		{"the root", `D:\`, dev3, `D:\`, dev3 + `\`},
		{"other drive", `C:\`, dev3, `D:\x.pst`, ""},
		{"UNC", `C:\`, dev3, `\\server\share\x.pst`, ""},
		{"long UNC", `C:\`, dev3, `\\?\UNC\server\share\x.pst`, ""},
		{"device path", `C:\`, dev3, `\\.\C:\x.pst`, ""},
		{"another shadow", `C:\`, dev3, dev3 + `\x.pst`, ""},
		{"relative", `C:\`, dev3, `Users\a\x.pst`, ""},
		{"drive-relative", `C:\`, dev3, `C:x.pst`, ""},
		{"dot dot", `C:\`, dev3, `C:\Users\..\Windows\x`, ""},
		{"doubled separator", `C:\`, dev3, `C:\Users\\a`, ""},
		{"trailing separator", `C:\`, dev3, `C:\Users\a\`, ""},
		{"root not a root", `C:\Users`, dev3, `C:\Users\a\x.pst`, ""},
		{"root not a letter", `1:\`, dev3, `1:\x`, ""},
		{"device not a shadow", `C:\`, `\\?\GLOBALROOT\Device\HarddiskVolume3`, `C:\x.pst`, ""},
		{"device with a path", `C:\`, dev3 + `\..`, `C:\x.pst`, ""},
	} {
		got, err := ShadowPath(tc.root, tc.device, tc.path)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: ShadowPath(%q, %q, %q) = %q, want refused", tc.name, tc.root, tc.device, tc.path, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: ShadowPath(%q, %q, %q) = %q, %v; want %q", tc.name, tc.root, tc.device, tc.path, got, err, tc.want)
		}
	}
}

func TestVolumeOf(t *testing.T) {
	for path, want := range map[string]string{
		`C:\Users\a\x.pst`: `C:\`, `d:\x`: `D:\`, `\\?\e:\x`: `E:\`, `C:/x`: `C:\`,
		`\\server\share\x`: "", `\\?\UNC\server\share\x`: "", `\\?\GLOBALROOT\Device\x`: "", `x`: "", `C:`: "", ``: "",
	} {
		got, err := VolumeOf(path)
		if got != want || (want == "") != errors.Is(err, ErrNotOnVolume) {
			t.Errorf("VolumeOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
}

func TestValidVolume(t *testing.T) {
	for in, want := range map[string]string{
		`C:\`: `C:\`, `z:\`: `Z:\`,
		`C:`: "", `C:/`: "", `C:\x`: "", `CC:\`: "", `\\?\C:\`: "", `1:\`: "", `C:\'`: "", "C:\\\x00": "",
		`$(calc):\`: "", `;:\`: "", ``: "", `Ä:\`: "",
	} {
		got, ok := ValidVolume(in)
		if got != want || ok != (want != "") {
			t.Errorf("ValidVolume(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestValidIDAndDevice(t *testing.T) {
	for in, want := range map[string]bool{
		"{3f2504e0-4f89-11d3-9a0c-0305e82c3301}": true, "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}": true,
		"3f2504e0-4f89-11d3-9a0c-0305e82c3301": false, "{3f2504e0-4f89-11d3-9a0c-0305e82c330'}": false,
		"{3f2504e0-4f89-11d3-9a0c0-305e82c3301}": false, "": false,
	} {
		if got := ValidID(in); got != want {
			t.Errorf("ValidID(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]bool{
		dev3: true, shadowDevicePrefix + "12": true, shadowDevicePrefix: false, shadowDevicePrefix + "3x": false,
		shadowDevicePrefix + `3\x`: false, `\\?\GLOBALROOT\Device\HarddiskVolume3`: false,
	} {
		if got := ValidDevice(in); got != want {
			t.Errorf("ValidDevice(%q) = %v", in, got)
		}
	}
}
