// Package fit cuts words and paths only when the window has no room for
// them, and then where it hurts least: columns share the width by what
// they need (Columns), and a path keeps its end, the folder's own name
// (PathLabel).
package fit
