package badgerdb

import "testing"

func TestTableMappingReadsProcMaps(t *testing.T) {
	tr := &trimmer{dir: "/home/ana/.local/share/cairn/index"}
	for _, c := range []struct {
		line       string
		start, end uintptr
		id         uint64
		ok         bool
	}{
		{"7f1c2a000000-7f1c2a100000 rw-s 00000000 fd:01 1234 /home/ana/.local/share/cairn/index/000042.sst", 0x7f1c2a000000, 0x7f1c2a100000, 42, true},
		{"7f1c2a000000-7f1c2a100000 rw-s 00000000 fd:01 1234 /home/ana/.local/share/cairn/index/000041.sst (deleted)", 0x7f1c2a000000, 0x7f1c2a100000, 41, true},
		{"7f1c2a000000-7f1c2a100000 rw-s 00000000 fd:01 1234 /home/ana/other/000042.sst", 0, 0, 0, false},
		{"7f1c2a000000-7f1c2a100000 rw-s 00000000 fd:01 1234 /home/ana/.local/share/cairn/index/000001.vlog", 0, 0, 0, false},
		{"c000000000-c004000000 rw-p 00000000 00:00 0 ", 0, 0, 0, false},
	} {
		start, end, id, ok := tr.tableMapping([]byte(c.line))
		if start != c.start || end != c.end || id != c.id || ok != c.ok {
			t.Errorf("%s: %x-%x %d %v", c.line, start, end, id, ok)
		}
	}
}
