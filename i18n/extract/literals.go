package extract

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// Literal is a text shown to a person that does not go through lang.
type Literal struct {
	Text  string
	Where string // file:line
}

// uiCalls are the Fyne calls whose string arguments a person reads, and
// uiFields the struct fields (widget.FormItem{Text: …}, ui.Page{Title: …}).
var (
	uiCalls = map[string]bool{
		"NewLabel": true, "NewButton": true, "NewButtonWithIcon": true, "NewCheck": true, "NewCard": true,
		"NewFormItem": true, "NewMenuItem": true, "NewMenu": true, "SetText": true, "SetPlaceHolder": true,
		"NewInformation": true, "ShowInformation": true, "NewConfirm": true, "ShowConfirm": true,
		"NewCustom": true, "ShowCustom": true, "NewCustomConfirm": true, "ShowCustomConfirm": true,
		"NewNotification": true, "NewRichTextWithText": true, "NewHyperlink": true, "SetTitle": true,
		"NewWindow": true, "NewSelect": true, "NewRadioGroup": true, "SetOptions": true, "NewAccordionItem": true,
		"NewTabItem": true, "NewTabItemWithIcon": true, "SetSubTitle": true,
	}
	uiFields = map[string]bool{"Text": true, "HintText": true, "Title": true, "Label": true, "PlaceHolder": true}
)

// Untranslated walks dirs (Go files, tests excluded) and returns the string
// literals with a letter in them that are passed to a Fyne call showing
// text, or set as a shown field, without lang: a text a translation would
// miss. allowed lists texts that are the same in every language (names).
func Untranslated(allowed []string, dirs ...string) ([]Literal, error) {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	var out []Literal
	err := parseFiles(dirs, func(fset *token.FileSet, f *ast.File) {
		out = append(out, fileLiterals(fset, f, ok)...)
	})
	return out, err
}

func fileLiterals(fset *token.FileSet, f *ast.File, ok map[string]bool) []Literal {
	var out []Literal
	check := func(e ast.Expr) {
		for _, lit := range shownLiterals(e) {
			s, err := strconv.Unquote(lit.Value)
			if err != nil || ok[s] || !strings.ContainsFunc(s, unicode.IsLetter) {
				continue
			}
			pos := fset.Position(lit.Pos())
			out = append(out, Literal{Text: s, Where: fmt.Sprintf("%s:%d", pos.Filename, pos.Line)})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if name := calledName(n.Fun); uiCalls[name] {
				for _, a := range n.Args {
					check(a)
				}
			}
		case *ast.KeyValueExpr:
			if k, isIdent := n.Key.(*ast.Ident); isIdent && uiFields[k.Name] {
				check(n.Value)
			}
		}
		return true
	})
	return out
}

// shownLiterals are the string literals an argument shows as they are: the
// literal itself, or those of a []string{…}; a literal inside another call
// (lang.L("…"), fmt.Sprintf) is that call's business.
func shownLiterals(e ast.Expr) []*ast.BasicLit {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return []*ast.BasicLit{e}
		}
	case *ast.CompositeLit:
		var out []*ast.BasicLit
		for _, el := range e.Elts {
			out = append(out, shownLiterals(el)...)
		}
		return out
	case *ast.BinaryExpr: // "Name: " + x
		return append(shownLiterals(e.X), shownLiterals(e.Y)...)
	}
	return nil
}

func calledName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.Ident:
		return f.Name
	}
	return ""
}
