// Package firstrun is what Cairn shows the first time it starts: a welcome,
// then whether this is a new computer or one that replaces a computer
// backed up before. A new computer chooses where to back up (the forms of
// ui/destform), its home folder is selected with the default exclusions,
// and the app starts the first backup. A replacement goes through the
// replace-device wizard (ui/replace).
package firstrun
