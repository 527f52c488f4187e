package selection

import "testing"

func TestArchivePathWindows(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`C:\Users\ana\report.docx`, "/C:/Users/ana/report.docx"},
		{`C:`, "/C:"}, // the drive's root, not its current folder
		{`C:\`, "/C:"},
		{`c:\users`, "/C:/users"}, // one drive letter, one history
		{`C:/Users/ana/`, "/C:/Users/ana"},
		{`C:\Users\.\ana\..\bo\\x`, "/C:/Users/bo/x"},
		{`C:\..\..`, "/C:"}, // never above the drive
		{`\\server\share\Documents\a.txt`, "/UNC/server/share/Documents/a.txt"},
		{`\\server\share`, "/UNC/server/share"},
		{`\\server\share\`, "/UNC/server/share"},
		{`\\server\share\..\..\x`, "/UNC/server/share/x"},
		{`\\?\C:\very\long\path`, "/C:/very/long/path"},
		{`\\?\c:`, "/C:"},
		{`\\?\UNC\server\share\x`, "/UNC/server/share/x"},
		{`\\?\unc\server\share`, "/UNC/server/share"},
		{`\\.\D:\x`, "/D:/x"},
		{"/C:/Users/ana", "/C:/Users/ana"}, // already the archive's form
		{"/c:", "/C:"},
	} {
		got, ok := ArchivePath("windows", c.in)
		if !ok || got != c.want {
			t.Errorf("ArchivePath(windows, %q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestArchivePathWindowsNotAbsolute(t *testing.T) {
	for _, in := range []string{
		`Documents\a.txt`, `\Users\ana`, `C:notes.txt`, ``, `1:\x`, `\\server`, `\\server\`,
		`\\?\Volume{5d1b2c9e-0000-0000-0000-100000000000}\x`, `\\?\UNC\server`, "/UNC/server/share",
	} {
		if got, ok := ArchivePath("windows", in); ok {
			t.Errorf("ArchivePath(windows, %q) = %q, want not absolute", in, got)
		}
	}
}

func TestArchivePathUnix(t *testing.T) {
	for _, goos := range []string{"linux", "darwin"} {
		for _, c := range []struct{ in, want string }{
			{"/home/ana/a.txt", "/home/ana/a.txt"},
			{"/home//ana/./b/../a.txt/", "/home/ana/a.txt"},
			{"/", "/"},
			{`/home/ana/C:\x`, `/home/ana/C:\x`}, // a backslash is a character in a name
		} {
			if got, ok := ArchivePath(goos, c.in); !ok || got != c.want {
				t.Errorf("ArchivePath(%s, %q) = %q, %v; want %q", goos, c.in, got, ok, c.want)
			}
		}
		if got, ok := ArchivePath(goos, "notes.txt"); ok {
			t.Errorf("ArchivePath(%s, notes.txt) = %q, want not absolute", goos, got)
		}
	}
}

func TestOSPath(t *testing.T) {
	for _, c := range []struct{ goos, in, want string }{
		{"windows", "/C:/Users/ana/report.docx", `C:\Users\ana\report.docx`},
		{"windows", "/C:", `C:\`}, // "C:" alone would be C:'s current folder
		{"windows", "/C:/", `C:\`},
		{"windows", "/D:/x/", `D:\x`},
		{"windows", "/UNC/server/share/Documents/a.txt", `\\server\share\Documents\a.txt`},
		{"windows", "/UNC/server/share", `\\server\share\`},
		{"windows", "/UNC/server", `\\server`},
		{"windows", "/", `\`},
		// Already in Windows' form: kept in it, so callers need not know.
		{"windows", `C:\Users\ana`, `C:\Users\ana`},
		{"windows", `C:`, `C:\`},
		{"windows", `c:/Users/`, `C:\Users`},
		{"windows", `\\server\share\x`, `\\server\share\x`},
		{"windows", `\\?\C:\x`, `C:\x`},
		{"windows", "Documents/a.txt", `Documents\a.txt`},
		{"windows", `C:notes.txt`, `C:notes.txt`},
		{"linux", "/home/ana/a.txt", "/home/ana/a.txt"},
		{"darwin", "/Users/ana/a.txt", "/Users/ana/a.txt"},
	} {
		if got := OSPath(c.goos, c.in); got != c.want {
			t.Errorf("OSPath(%s, %q) = %q, want %q", c.goos, c.in, got, c.want)
		}
	}
}

// Every path survives the trip to the system and back.
func TestOSPathRoundTrip(t *testing.T) {
	for _, p := range []string{
		"/C:", "/C:/Users/ana/report.docx", "/UNC/server/share", "/UNC/server/share/a/b",
	} {
		if got, ok := ArchivePath("windows", OSPath("windows", p)); !ok || got != p {
			t.Errorf("%q → %q → %q, %v", p, OSPath("windows", p), got, ok)
		}
	}
}
