package device

import (
	"context"
	"errors"
	"fmt"

	"github.com/cairnbackup/cairn/engine"
	"github.com/cairnbackup/cairn/engine/crypt"
	"github.com/cairnbackup/cairn/engine/repo"
	"github.com/cairnbackup/cairn/engine/store"
	"github.com/cairnbackup/cairn/engine/store/remote"
)

// orgKey is the organisation-held key of a destination being added: the
// server it is handed to or fetched from, once signed in.
type orgKey struct {
	ctx context.Context
	b   *remote.Backend
}

func (o *orgKey) opened(b *remote.Backend) { o.b = b }

// orgSecret is the archive's secret in KeyOrganisation mode. A new archive
// gets a random one, like a custom key, handed to the server before the
// archive is made (a server that does not keep it stops everything, with
// nothing made); an existing one's comes from the server.
func (k *keyChooser) orgSecret(create bool) ([]byte, error) {
	if k.org == nil || k.org.b == nil {
		return nil, errors.New("only a Cairn server can keep the archive key for the organisation")
	}
	if create {
		key, err := newCustomKey()
		if err != nil {
			return nil, err
		}
		secret, err := canonicalCustomKey(key)
		if err != nil {
			return nil, err
		}
		if err := k.org.b.PutOrgKey(k.org.ctx, secret); err != nil {
			return nil, err
		}
		k.custom = secret
		return secret, nil
	}
	secret, err := k.org.b.OrgKey(k.org.ctx, "")
	if errors.Is(err, engine.ErrNotFound) {
		return nil, fmt.Errorf("your organisation keeps no key for this device's archive: it was made with another key option; add the destination with that one (%w)", err)
	}
	if err != nil {
		return nil, err
	}
	k.custom = secret
	return secret, nil
}

// unlockWithOrgKey opens an adopted server archive with the key the
// organisation keeps for its device, if it keeps one that opens it (ok
// false, no error, otherwise: another key option made the archive).
func unlockWithOrgKey(ctx context.Context, b store.Backend) (m crypt.MasterKey, ok bool, err error) {
	rb, isRemote := b.(*remote.Backend)
	if !isRemote {
		return m, false, nil
	}
	secret, err := rb.OrgKey(ctx, "")
	if errors.Is(err, engine.ErrNotFound) || errors.Is(err, remote.ErrOrgKeysNotOffered) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	defer clear(secret)
	m, err = repo.Unlock(ctx, b, secret)
	if errors.Is(err, engine.ErrWrongPassword) {
		return m, false, nil
	}
	return m, err == nil, err
}
