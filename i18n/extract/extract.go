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
			for _, k := range fileKeys(fset, f) {
				if !seen[k.Text] {
					seen[k.Text] = true
					keys = append(keys, k)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func fileKeys(fset *token.FileSet, f *ast.File) []Key {
	langName := ""
	for _, imp := range f.Imports {
		if imp.Path.Value == `"fyne.io/fyne/v2/lang"` {
			langName = "lang"
			if imp.Name != nil {
				langName = imp.Name.Name
			}
		}
	}
	if langName == "" {
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
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != langName {
			return true
		}
		switch sel.Sel.Name {
		case "L", "Localize", "N", "LocalizePlural", "X", "LocalizeKey", "XN", "LocalizePluralKey":
		default:
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		text, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		plural := strings.Contains(sel.Sel.Name, "N") || strings.Contains(sel.Sel.Name, "Plural")
		keys = append(keys, Key{Text: text, Plural: plural, Where: fset.Position(lit.Pos()).String()})
		return true
	})
	return keys
}
