package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/vault"
)

// apiError is an answer with a status and a machine code.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, a ...any) *apiError {
	return &apiError{http.StatusBadRequest, "bad_request", fmt.Sprintf(format, a...)}
}

// errSlow: a body arrived slower than the minimum rate.
var errSlow = errors.New("the request body arrived too slowly")

// errorFor maps an error to its answer: the one place where errors meet
// the wire. Unknown errors are 500s whose words stay in the server's log.
func errorFor(err error) *apiError {
	var ae *apiError
	var mbe *http.MaxBytesError
	var be *bodyError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, vault.ErrConflict):
		return &apiError{http.StatusConflict, "exists", "an object of that name and another size is stored already; objects are never replaced"}
	case errors.Is(err, vault.ErrQuota):
		return &apiError{http.StatusInsufficientStorage, "quota", "this upload does not fit in your account's quota (" + err.Error() +
			"): delete old versions, or ask the server's administrator for a larger quota"}
	case errors.Is(err, blobs.ErrFull):
		return &apiError{http.StatusInsufficientStorage, "disk_full", "the server's disk is full; tell its administrator"}
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, records.ErrNotFound):
		return &apiError{http.StatusNotFound, "not_found", "not found"}
	case errors.As(err, &mbe):
		return &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body is larger than the %d bytes allowed", mbe.Limit)}
	case errors.Is(err, blobs.ErrSize):
		return badRequest("%v", err)
	case errors.Is(err, errSlow), errors.Is(err, os.ErrDeadlineExceeded):
		return &apiError{http.StatusRequestTimeout, "timeout", "the request body arrived too slowly"}
	case errors.As(err, &be):
		return badRequest("the request body was cut off: %v", be.err)
	case errors.Is(err, context.Canceled):
		return badRequest("the request was cancelled")
	}
	return &apiError{http.StatusInternalServerError, "internal", "the server failed; its log says why"}
}

// fail answers with err's status and code, and logs what a person must
// look at.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := errorFor(err)
	if ae.status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if info := infoOf(r); info != nil {
		info.err = err
	}
	out := map[string]any{"error": ae.msg, "code": ae.code}
	var de *detailedError
	if errors.As(err, &de) {
		for k, v := range de.extra {
			out[k] = v
		}
	}
	writeJSON(w, ae.status, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"the server failed","code":"internal"}`)
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.Header().Set("Cache-Control", "no-store") // tokens, device lists: never for a cache
	w.WriteHeader(status)
	w.Write(b)
}

// readJSON decodes a small JSON body into v.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.o.MaxJSON))
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("the body is not the JSON expected: %v", err)
	}
	if dec.More() {
		return badRequest("the body holds more than one JSON value")
	}
	return nil
}
