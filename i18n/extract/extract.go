// Package extract finds the words the app translates: the string literals
// passed to Fyne's lang.L, lang.N, lang.X and lang.XN in Go source files.
package extract

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// Key is one translatable text.
type Key struct {
	Text   string // the bundle key (English text, or the key of lang.X)
	Plural bool   // from lang.N or lang.XN: the bundle gives one/other forms
	Where  string // file:line of its first use
}

// Dirs walks dirs (recursively, skipping testdata) and returns the keys used
// in their Go files, test files excluded, by first use.
func Dirs(dirs ...string) ([]Key, error) {
	seen := map[string]bool{}
	var keys []Key
	err := parseFiles(dirs, func(fset *token.FileSet, f *ast.File) {
		for _, k := range fileKeys(fset, f) {
			if !seen[k.Text] {
				seen[k.Text] = true
				keys = append(keys, k)
			}
		}
	})
	return keys, err
}

// parseFiles parses the Go files below dirs (recursively, skipping
// testdata; test files excluded) and hands each to fn.
func parseFiles(dirs []string, fn func(*token.FileSet, *ast.File)) error {
	fset := token.NewFileSet()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && e.Name() == "testdata" {
				return filepath.SkipDir
			}
			if e.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			fn(fset, f)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Calls that take a translatable text, by package import path: the
// function names and which argument holds the text.
var textArgs = map[string]map[string]struct {
	arg    int
	plural bool
}{
	"fyne.io/fyne/v2/lang": {
		"L": {0, false}, "Localize": {0, false}, "X": {0, false}, "LocalizeKey": {0, false},
		"N": {0, true}, "LocalizePlural": {0, true}, "XN": {0, true}, "LocalizePluralKey": {0, true},
	},
	"github.com/cairnbackup/cairn/ui/words": {"Count": {1, true}},
}

func fileKeys(fset *token.FileSet, f *ast.File) []Key {
	pkgs := map[string]string{} // local name → import path, for the packages in textArgs
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if _, ok := textArgs[p]; ok {
			name := p[strings.LastIndexByte(p, '/')+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			pkgs[name] = p
		}
	}
	if len(pkgs) == 0 {
		return nil
	}
	var keys []Key
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || pkgs[id.Name] == "" {
			return true
		}
		fn, ok := textArgs[pkgs[id.Name]][sel.Sel.Name]
		if !ok || len(call.Args) <= fn.arg {
			return true
		}
		text, ok := constString(call.Args[fn.arg])
		if !ok {
			return true
		}
		keys = append(keys, Key{Text: text, Plural: fn.plural, Where: fset.Position(call.Args[fn.arg].Pos()).String()})
		return true
	})
	return keys
}

// constString is the text of a string literal, or of literals joined with
// + (a long text split over lines), as the compiler folds it.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := constString(e.X)
		y, ok2 := constString(e.Y)
		return x + y, ok1 && ok2
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}

// Add appends texts that reach lang from outside the scanned folders (such
// as engine/alerts' notification templates, which the app translates with
// lang.L(alert.Title)), each with where as its origin, unless already there.
func Add(keys []Key, where string, texts []string) []Key {
	have := make(map[string]bool, len(keys))
	for _, k := range keys {
		have[k.Text] = true
	}
	for _, t := range texts {
		if !have[t] {
			have[t] = true
			keys = append(keys, Key{Text: t, Where: where})
		}
	}
	return keys
}
