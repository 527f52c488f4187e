package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/printable"
	"github.com/cairnbackup/cairn/engine/store"
)

// Errors a server's answers map to. Each says what to do next.
var (
	ErrCredentials = errors.New("wrong user name or password")
	ErrToken       = errors.New("the server no longer accepts this computer's sign-in (signed out, revoked or expired): add the destination again to sign in")
	ErrDisabled    = errors.New("this account is disabled on the server: ask your IT administrator")
	ErrNameTaken   = errors.New("another of your devices has this computer's name: give this computer another name")
	ErrDeviceLimit = errors.New("your account has its maximum number of devices already: retire an old one (ask IT), or replace it")
	ErrRateLimited = errors.New("too many failed sign-ins: wait a while and try again")
	ErrQuota       = errors.New("your storage quota on the server is used up: ask IT for more, or remove folders from the backup")
	ErrOtherDevice = errors.New("the server lets a computer change only its own backups; this one tried to change another device's: sign in again as that device, or ask IT")
	ErrFingerprint = errors.New("the server's certificate is not the one this computer trusted when it first signed in: someone may be impersonating the server, or it got a new certificate; ask IT before going on")
)

// client is an HTTP client for one server, with the certificate pinned or
// checked against the system's roots.
type client struct {
	base   *url.URL
	http   *http.Client
	token  string
	offset atomic.Int64 // server time minus local time, ns
	// refused is the server's refusal of token, once seen: then every
	// request fails at once without being sent.
	refused atomic.Pointer[SignedOutError]
}

// maxJSON bounds what Cairn reads of a JSON answer: a server cannot make it
// allocate without limit.
const maxJSON = 16 << 20

func newClient(rawURL, fingerprint, token string) (*client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%q is not a server address like https://backup.example.org:8443", rawURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if fingerprint != "" {
		want, err := ParseFingerprint(fingerprint)
		if err != nil {
			return nil, err
		}
		// Trust on first use: the certificate is checked against the
		// fingerprint confirmed at sign-in, not against certificate authorities.
		tlsConf.InsecureSkipVerify = true
		tlsConf.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || sha256.Sum256(raw[0]) != want {
				return ErrFingerprint
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute, // the server answers a PUT once the object is durable
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &client{base: u, http: &http.Client{Transport: tr}, token: token}, nil
}

// now is the server's clock, as last seen.
func (c *client) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *client) url(parts ...string) string {
	u := *c.base
	for _, p := range parts {
		u.Path += "/" + url.PathEscape(p)
	}
	return u.String()
}

// do sends a request and maps failures: a network failure is ErrOffline;
// an error status is decoded into the error the API names.
func (c *client) do(ctx context.Context, method, u string, body io.Reader, size int64, hdr map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.ContentLength = size
	}
	if c.token != "" {
		if refused := c.refused.Load(); refused != nil {
			return nil, refused // signed out: nothing more is sent (SignedOutError)
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, ErrFingerprint) {
			return nil, ErrFingerprint
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A TLS failure can quote the server's certificate, which the
		// server chose: its text is made printable too.
		return nil, fmt.Errorf("%w: %s: %v", store.ErrOffline, c.base.Host, printable.Error(err))
	}
	if t, err := strconv.ParseInt(resp.Header.Get("X-Cairn-Time"), 10, 64); err == nil && t > 0 {
		c.offset.Store(t - time.Now().UnixNano())
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		err := apiError(resp)
		if so := (*SignedOutError)(nil); c.token != "" && errors.As(err, &so) {
			c.refused.CompareAndSwap(nil, so)
		}
		return nil, err
	}
	return resp, nil
}

// maxServerSays bounds the server's own sentence quoted in an error, in
// runes: enough for what cairn-server says, no room for a flood.
const maxServerSays = 300

// statusLine is the answer's status line ("404 Not Found"), made printable: the
// reason phrase is the server's free text.
func statusLine(resp *http.Response) string { return printable.String(resp.Status, 100) }

// apiError turns an error answer into an error a person understands. The
// server's words are made printable here, where they enter the client, so
// the command line, the logs and the desktop app all get safe text.
func apiError(resp *http.Response) error {
	var body struct {
		Error      string `json:"error"`
		Code       string `json:"code"`
		ReplacedBy string `json:"replaced_by"`
		At         int64  `json:"at"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	msg := printable.String(strings.TrimSpace(body.Error), maxServerSays)
	wrap := func(sentinel error) error {
		if msg == "" {
			return sentinel
		}
		return fmt.Errorf("%w (the server says: %s)", sentinel, msg)
	}
	switch {
	case body.Code == "credentials":
		return wrap(ErrCredentials)
	case body.Code == codeToken || body.Code == codeReplaced || body.Code == codeSignout ||
		resp.StatusCode == http.StatusUnauthorized:
		return signedOut(body.Code, msg, printable.Name(body.ReplacedBy), body.At)
	case body.Code == "disabled":
		return wrap(ErrDisabled)
	case body.Code == "device_limit":
		return wrap(ErrDeviceLimit)
	case body.Code == "name_taken":
		return wrap(ErrNameTaken)
	case body.Code == "busy":
		// Too many uploads of this account in flight (its other computers):
		// not a sign-in problem; the backup retries it later.
		return fmt.Errorf("%w: the server is busy with this account's other uploads (%s)", store.ErrOffline, msg)
	case body.Code == "other_device":
		return wrap(ErrOtherDevice)
	case body.Code == "not_offered":
		return wrap(ErrOrgKeysNotOffered)
	case body.Code == "rate_limited" || resp.StatusCode == http.StatusTooManyRequests:
		return wrap(ErrRateLimited)
	case body.Code == "quota" || body.Code == "disk_full" || resp.StatusCode == http.StatusInsufficientStorage:
		return fmt.Errorf("%w: %w", engine.ErrDestinationFull, wrap(ErrQuota))
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%w (server answered 404)", engine.ErrNotFound)
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return fmt.Errorf("%w: the server failed (%s) %s", store.ErrOffline, statusLine(resp), msg)
	}
	return fmt.Errorf("the server refused the request: %s %s", statusLine(resp), msg)
}

// getJSON fetches and decodes a JSON answer, bounded in size.
func (c *client) getJSON(ctx context.Context, u string, v any) error {
	resp, err := c.do(ctx, http.MethodGet, u, nil, 0, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeJSON(resp.Body, v)
}

func decodeJSON(r io.Reader, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return fmt.Errorf("%w: reading the answer: %v", store.ErrOffline, printable.Error(err))
	}
	if len(data) > maxJSON {
		return errors.New("the server's answer is too large")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("the server's answer is not what Cairn expects: %v", printable.Error(err))
	}
	return nil
}

func (c *client) postJSON(ctx context.Context, u string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodPost, u, bytes.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return decodeJSON(resp.Body, out)
}

// Fingerprint formats a certificate's fingerprint: SHA-256 of its DER,
// lowercase hex, a colon between bytes.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := hex.EncodeToString(sum[:])
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// ParseFingerprint accepts a fingerprint with or without colons, any case.
func ParseFingerprint(s string) ([32]byte, error) {
	var out [32]byte
	clean := strings.ToLower(strings.NewReplacer(":", "", " ", "", "SHA256", "", "sha256", "", "=", "").Replace(s))
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) != 32 {
		return out, fmt.Errorf("%q is not a SHA-256 fingerprint (64 hex digits, colons allowed)", s)
	}
	copy(out[:], b)
	return out, nil
}
