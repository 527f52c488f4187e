package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/tlscert"
	"github.com/cairnbackup/cairn/engine/server/web"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs, dataFlag := newFlags("serve", e)
	listen := fs.String("listen", ":8443", "address and port to listen on")
	certFile := fs.String("tls-cert", "", "the certificate (PEM), with --tls-key; without them a self-signed one is made")
	keyFile := fs.String("tls-key", "", "the certificate's private key (PEM)")
	var hosts listFlag
	fs.Var(&hosts, "host", "a name or address clients use, for the self-signed certificate (repeatable)")
	grace := durationFlag{30 * 24 * time.Hour}
	fs.Var(&grace, "grace", "how long deleted objects stay in the trash")
	maxObject := sizeFlag{v: 256 << 20}
	fs.Var(&maxObject, "max-object", "the largest object accepted")
	maxUploads := fs.Int("max-uploads", 8, "uploads one user may have in flight at once")
	tokenIdle := durationFlag{180 * 24 * time.Hour}
	fs.Var(&tokenIdle, "token-idle", "a device sign-in unused this long stops working")
	webOn := fs.Bool("web", true, "serve the web pages (restore from a browser, administration) under /web/")
	smtpAddr := fs.String("smtp", "", "mail relay HOST:PORT for backup alerts (CAIRN_SERVER_SMTP_USER and _PASSWORD sign in)")
	smtpFrom := fs.String("smtp-from", "", "the sender address of backup alerts")
	db := fs.String("db", "", "the records: a postgres:// URL or a SQLite file (default: records.db in the data folder; also CAIRN_SERVER_DB)")
	limits := addSigninFlags(fs)
	webArchives := addWebArchiveFlags(fs)
	configFile := fs.String("config", "", "the configuration file: the organisation's directory and sign-on (docs/SERVER.md; also CAIRN_SERVER_CONFIG)")
	blobsSpec := fs.String("blobs", "", "the objects: s3://BUCKET[/PREFIX]?endpoint=HOST:PORT or a folder (default: the data folder; also CAIRN_SERVER_BLOBS)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "no arguments"); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return usageErr("give both --tls-cert and --tls-key, or neither")
	}
	log := e.logger(slog.LevelInfo)
	dir, err := e.dataDir(*dataFlag)
	if err != nil {
		return err
	}
	if *db == "" {
		*db = e.getenv("CAIRN_SERVER_DB")
	}
	if *blobsSpec == "" {
		*blobsSpec = e.getenv("CAIRN_SERVER_BLOBS")
	}
	data, err := server.OpenDataWith(ctx, dir, *db, *blobsSpec, e.now, log)
	if err != nil {
		return err
	}
	defer data.Close()
	release, err := data.LockServe(ctx)
	if err != nil {
		if errors.Is(err, server.ErrRunning) {
			return fmt.Errorf("%w; stop it first", err)
		}
		return err
	}
	defer release()
	cert, err := serverCert(e, log, data.Dir, *certFile, *keyFile, hosts)
	if err != nil {
		return err
	}
	if err := data.Records.SetSetting(ctx, server.SettingGrace, grace.v.String()); err != nil {
		return err
	}
	if (*smtpAddr == "") != (*smtpFrom == "") {
		return usageErr("give both --smtp and --smtp-from, or neither")
	}
	opts := server.Options{Vault: data.Vault, Logger: log, Now: e.now, HashParams: e.hashParams(),
		MaxObject: maxObject.v, Grace: grace.v, MaxUploads: *maxUploads, TokenIdle: tokenIdle.v}
	if *maxUploads < 1 || tokenIdle.v <= 0 {
		return usageErr("--max-uploads must be at least 1 and --token-idle more than 0")
	}
	if err := limits.apply(&opts); err != nil {
		return err
	}
	sso := &webSignOn{}
	if err := applyConfig(e, *configFile, &opts, sso); err != nil {
		return err
	}
	if *webOn {
		archives, err := webArchives.options()
		if err != nil {
			return err
		}
		wo := web.Options{Records: data.Records, Blobs: data.Objects, Logger: log, Now: e.now,
			HashParams: e.hashParams(), SMTP: *smtpAddr, SMTPFrom: *smtpFrom, SMTPAuth: smtpAuth(e, *smtpAddr),
			Archives: archives, OrgKey: webOrgKey(data.Records, opts.KEK)}
		if opts.SSO != nil {
			wo.SSO = sso.pages(opts.SSOLabel)
		}
		wb, err := web.New(wo)
		if err != nil {
			return err
		}
		sso.web = wb
		opts.Web = wb.Mount
		webCtx, stopWeb := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { wb.Run(webCtx) })
		defer wg.Wait()
		defer stopWeb()
	}
	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	fmt.Fprintln(e.stdout, "fingerprint:", tlscert.Fingerprint(cert))
	fmt.Fprintln(e.stdout, "listening on https://"+ln.Addr().String())
	log.Info("serving", "addr", ln.Addr().String(), "data", data.Dir, "grace", grace.v, "max_object", maxObject.v)
	return srv.Serve(ctx, ln, cert)
}

// serverCert is the administrator's certificate, or the self-signed one in
// the data folder (made on first start).
func serverCert(e *env, log *slog.Logger, dir, certFile, keyFile string, hosts []string) (tls.Certificate, error) {
	if certFile != "" {
		return tlscert.Load(certFile, keyFile)
	}
	all := append(tlscert.DefaultHosts(), hosts...)
	cert, created, err := tlscert.LoadOrCreate(filepath.Join(dir, server.TLSDir), all, e.now())
	if err != nil {
		return cert, err
	}
	if created {
		log.Info("made a self-signed certificate; clients accept it by its fingerprint", "hosts", strings.Join(all, ","))
	} else if missing := tlscert.Missing(cert, hosts); len(missing) > 0 {
		log.Warn("the self-signed certificate does not name these hosts; clients that check names will refuse them. "+
			"To make a new certificate, stop the server and remove "+filepath.Join(dir, server.TLSDir)+
			" (every client then has to accept the new fingerprint)", "hosts", strings.Join(missing, ","))
	}
	return cert, nil
}

// smtpAuth signs in to the mail relay when CAIRN_SERVER_SMTP_USER is set.
func smtpAuth(e *env, addr string) smtp.Auth {
	user := e.getenv("CAIRN_SERVER_SMTP_USER")
	if user == "" {
		return nil
	}
	host, _, _ := net.SplitHostPort(addr)
	return smtp.PlainAuth("", user, e.getenv("CAIRN_SERVER_SMTP_PASSWORD"), host)
}
