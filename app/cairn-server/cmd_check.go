package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/tlscert"
	"github.com/cairnbackup/cairn/engine/server/vault"
)

func cmdCheck(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("check", e)
	dry := fs.Bool("dry-run", false, "only report; change nothing")
	forget := fs.Bool("forget-missing", false, "also forget the records of objects whose file is gone, so devices upload them again")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	data, err := e.openData(ctx, *dataFlag)
	if err != nil {
		return err
	}
	defer data.Close()
	rep, err := data.Vault.Check(ctx, vault.CheckOptions{Fix: !*dry, ForgetMissing: *forget && !*dry})
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(e.stdout, "problem:", p.What)
		if p.Fixed != "" {
			fmt.Fprintln(e.stdout, "  fixed:", p.Fixed)
		}
	}
	fmt.Fprintf(e.stdout, "checked %d records and %d files: %d problems, %d fixed\n",
		rep.Records, rep.Files, len(rep.Problems), len(rep.Problems)-rep.Unfixed())
	if n := rep.Unfixed(); n > 0 {
		return fmt.Errorf("%d problems are left as they were (see above)", n)
	}
	return nil
}

func cmdFingerprint(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("fingerprint", e)
	certFile := fs.String("tls-cert", "", "the certificate serve uses, when it is not the self-signed one")
	var hosts listFlag
	fs.Var(&hosts, "host", "for a self-signed certificate not made yet: a name clients use (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if *certFile != "" {
		fp, err := fileFingerprint(*certFile)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, fp)
		return nil
	}
	dir, err := e.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	// Made here if serve has not made it yet, so it can be handed out
	// before the first start.
	cert, _, err := tlscert.LoadOrCreate(filepath.Join(dir, server.TLSDir), append(tlscert.DefaultHosts(), hosts...), e.now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tlscert.Fingerprint(cert))
	return nil
}

// fileFingerprint is the fingerprint of the first certificate in a PEM file.
func fileFingerprint(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("certificate: %w", err)
	}
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return "", fmt.Errorf("%s holds no PEM certificate", path)
		}
		if block.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(block.Bytes); err != nil {
				return "", fmt.Errorf("%s: %w", path, err)
			}
			return tlscert.FingerprintDER(block.Bytes), nil
		}
	}
}
