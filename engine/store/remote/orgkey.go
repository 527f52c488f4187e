package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Organisation-held keys: a person who chose them lets the organisation
// keep their archive's secret (the password the archive is made with). The
// server keeps it wrapped under a key-encryption key only it holds, and
// gives it back to the person's own signed-in devices, over the connection
// pinned like every other (docs/SERVER-API.md, "Organisation-held keys").

// MaxOrgSecret bounds a secret sent to or taken from the server.
const MaxOrgSecret = 256

// ErrOrgKeysNotOffered: the server's administrator has not set up
// organisation-held keys.
var ErrOrgKeysNotOffered = errors.New("this server does not keep archive keys for the organisation (its administrator has not set it up): choose another key option, or ask IT")

// PutOrgKey hands this device's archive secret to the server to keep.
func (b *Backend) PutOrgKey(ctx context.Context, secret []byte) error {
	if len(secret) == 0 || len(secret) > MaxOrgSecret {
		return fmt.Errorf("an archive secret of %d bytes: the server keeps 1 to %d", len(secret), MaxOrgSecret)
	}
	body, err := json.Marshal(map[string][]byte{"secret": secret})
	if err != nil {
		return err
	}
	defer clear(body)
	resp, err := b.c.do(ctx, http.MethodPut, b.c.url("api", "v1", "devices", b.cfg.DeviceID, "orgkey"),
		bytes.NewReader(body), int64(len(body)), map[string]string{"Content-Type": "application/json"})
	if err != nil {
		return fmt.Errorf("leave the archive key with the organisation: %w", err)
	}
	resp.Body.Close()
	return nil
}

// OrgKey fetches the archive secret of one of the account's devices
// (this one's when device is ""): an error wrapping engine.ErrNotFound when
// the server keeps none for it.
func (b *Backend) OrgKey(ctx context.Context, device string) ([]byte, error) {
	if device == "" {
		device = b.cfg.DeviceID
	}
	if !validID(device) {
		return nil, fmt.Errorf("invalid device id %q", device)
	}
	var out struct {
		Secret []byte `json:"secret"`
	}
	if err := b.c.getJSON(ctx, b.c.url("api", "v1", "devices", device, "orgkey"), &out); err != nil {
		return nil, fmt.Errorf("get the archive key the organisation keeps: %w", err)
	}
	if len(out.Secret) == 0 || len(out.Secret) > MaxOrgSecret {
		return nil, errors.New("the server's answer holds no archive key Cairn could use")
	}
	return out.Secret, nil
}
