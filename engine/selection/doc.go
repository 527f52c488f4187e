// Package selection holds the user's backup selection: the folders and files
// to back up (included), and the patterns that leave things out (excluded),
// which win. It compiles the patterns into a Matcher that the backup walker asks
// about every file and folder it meets, so matching is built to be cheap: most
// patterns become a map lookup or a string test at Compile.
//
// # Paths
//
// Paths are absolute and slash-separated on every system. On Windows the drive
// is the first element: "/C:/Users/ana/Documents/report.docx". Names may be
// any bytes, valid UTF-8 or not.
//
// # Patterns
//
// A pattern without a slash matches a file or folder's name, at any depth:
//
//	*.tmp          any name ending in ".tmp"
//	node_modules   any file or folder named node_modules
//	~$*            Office lock files ("~$report.docx")
//	.Trash-???     "?" is one character
//	[Cc]ache       "[...]" is one character of a set; "[^...]" one not in it
//
// "*", "?" and "[...]" work as in path.Match, within one name. A backslash
// makes the next character plain: "report\[1\].pdf" is the name
// "report[1].pdf". Patterns use "/" on Windows too; "\" is never a separator.
//
// A pattern with a slash matches a whole path. "**" as a whole element matches
// any number of elements, none included:
//
//	/proc                   the folder /proc (and so all of it)
//	/home/ana/big/**        the same as /home/ana/big
//	**/node_modules         the same as node_modules
//	**/.cache/**            the same as .cache
//	/home/*/Downloads       Downloads in any user's home folder
//	/home/ana/**/build      any folder named build under /home/ana
//	/*:/Windows             the Windows folder on any drive (Windows)
//
// A pattern with a slash that does not start with "/" matches below any folder:
// "Library/Caches" is the same as "**/Library/Caches".
//
// A leading "~/" stands for the user's home folder: "~/.cache" is
// "/home/ana/.cache" for ana. Patterns are stored with "~" and expanded at
// Compile (Options.Home).
//
// A trailing "/" means folders only: "cache/" excludes folders named cache, but
// not a file named cache.
//
// On Windows and macOS, whose usual file systems ignore case, patterns do too
// (Options.CaseInsensitive): "thumbs.db" matches "Thumbs.db".
//
// Patterns that cannot match anything sensible are errors that name them: an
// unclosed "[", a "\" at the end, "." or ".." as an element, "~" with no home
// folder, the empty pattern, "/".
//
// # Folders and their contents
//
// A pattern that matches a folder excludes everything below it: the walker asks
// about a folder before it goes in, and does not go into an excluded one. So
// Matcher.Excluded looks at the path it is given, not at its parents;
// Selection.Contains checks every folder from the root down.
//
// Included folders are roots of the walk. Exclusions win over an included folder
// and everything below it, but folders above a root are not consulted: with
// "/mnt" excluded by default, an included "/mnt/photos" is still backed up.
//
// # Defaults
//
// DefaultExclusions gives each system's default patterns (caches, temporary
// files, trash, virtual machine disks, system folders). They are copied into the
// Selection on first run and are the user's to edit from then on.
package selection
