package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// Recovered says what RecoverEscrow did.
type Recovered struct {
	User       string
	DeviceID   string
	DeviceName string
	ArchiveID  string
	KeyObject  string // the new key file in the device's archive (kind "keys")
}

// RecoverEscrow opens the escrowed key of a user's device (device: its ID
// or its name) with the organisation's private key, and writes into that
// device's archive a new key file that opens with tempPassword. The key
// files already there stay: the forgotten password still opens the archive
// too, so nothing the person has is lost. The person then unlocks with the
// temporary password and sets one of their own ('cairn dest passwd').
func RecoverEscrow(ctx context.Context, d *Data, user, device string, private [32]byte, tempPassword []byte, kdf crypt.KDFParams) (Recovered, error) {
	var out Recovered
	dev, err := findDevice(ctx, d.Records, user, device)
	if err != nil {
		return out, err
	}
	out.User, out.DeviceID, out.DeviceName = dev.UserName, dev.ID, dev.Name
	e, err := d.Records.Escrow(ctx, dev.ID)
	if errors.Is(err, records.ErrNotFound) {
		return out, fmt.Errorf("device %s (%s) of %s has no escrowed key: its owner did not choose escrow, so the organisation cannot recover it", dev.Name, dev.ID, dev.UserName)
	}
	if err != nil {
		return out, err
	}
	master, archiveID, err := openEscrowed(e, dev.ID, private)
	if err != nil {
		return out, err
	}
	out.ArchiveID = archiveID
	if err := checkArchive(ctx, d, dev.ID, archiveID); err != nil {
		return out, err
	}
	out.KeyObject, err = addKeyFile(ctx, d, dev, master, tempPassword, kdf)
	return out, err
}

// findDevice finds a user's device by ID or, failing that, by name (the
// active one first).
func findDevice(ctx context.Context, rec records.Store, user, device string) (records.Device, error) {
	u, err := rec.User(ctx, user)
	if err != nil {
		return records.Device{}, fmt.Errorf("no user %q: %w", user, err)
	}
	ds, err := rec.Devices(ctx, u.ID)
	if err != nil {
		return records.Device{}, err
	}
	var found *records.Device
	for i := range ds {
		if ds[i].ID == device {
			return ds[i], nil
		}
		if ds[i].Name == device && (found == nil || !found.Retired.IsZero()) {
			found = &ds[i]
		}
	}
	if found == nil {
		return records.Device{}, fmt.Errorf("%s has no device %q ('cairn-server device list %s' lists them): %w", user, device, user, records.ErrNotFound)
	}
	return *found, nil
}

// openEscrowed opens a sealed key and checks that it is this device's.
func openEscrowed(e records.Escrow, deviceID string, private [32]byte) (crypt.MasterKey, string, error) {
	pub, err := remote.EscrowPublic(private)
	if err != nil {
		return crypt.MasterKey{}, "", err
	}
	if pub.Fingerprint() != e.KeyFingerprint {
		return crypt.MasterKey{}, "", fmt.Errorf("this private key (fingerprint %s) is not the escrow key this device's key was sealed to (%s)", pub.Fingerprint(), e.KeyFingerprint)
	}
	x, err := remote.OpenEscrow(e.Sealed, private)
	if err != nil {
		return crypt.MasterKey{}, "", err
	}
	if x.DeviceID != deviceID {
		return crypt.MasterKey{}, "", fmt.Errorf("the escrowed key says it belongs to device %s, not %s: it was not recovered", x.DeviceID, deviceID)
	}
	return crypt.MasterKey(x.Key), x.ArchiveID, nil
}

// checkArchive makes sure the device's archive on the server is the one the
// key was escrowed for (its plaintext marker names it).
func checkArchive(ctx context.Context, d *Data, deviceID, archiveID string) error {
	_, f, err := d.Vault.Open(ctx, blobs.Ref{Device: deviceID, Kind: string(store.KindConfig), Name: "archive"})
	if err != nil {
		return fmt.Errorf("device %s has no archive on this server: %w", deviceID, err)
	}
	defer f.Close()
	var m struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(io.LimitReader(io.NewSectionReader(f, 0, 1<<16), 1<<16)).Decode(&m); err != nil {
		return fmt.Errorf("the archive marker of device %s is damaged: %w", deviceID, err)
	}
	if m.ID != archiveID {
		return fmt.Errorf("device %s now holds archive %s, not %s whose key was escrowed: the escrowed key cannot open it", deviceID, m.ID, archiveID)
	}
	return nil
}

// addKeyFile wraps master under password into a new key file of the
// device's archive, as Cairn's own archives keep them (engine/repo).
func addKeyFile(ctx context.Context, d *Data, dev records.Device, master crypt.MasterKey, password []byte, kdf crypt.KDFParams) (string, error) {
	w, err := crypt.Wrap(master, password, kdf)
	if err != nil {
		return "", err
	}
	w.Created = time.Now().UTC().Format(time.RFC3339)
	data, err := w.Marshal()
	if err != nil {
		return "", err
	}
	var id [8]byte
	rand.Read(id[:])
	name := hex.EncodeToString(id[:])
	ref := blobs.Ref{Device: dev.ID, Kind: string(store.KindKey), Name: name}
	if _, err := d.Vault.Put(ctx, dev.UserName, ref, int64(len(data)), bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("write the new key file into the archive: %w", err)
	}
	return name, nil
}
