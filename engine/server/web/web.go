package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/smtp"
	"time"
	_ "time/tzdata" // browsers name zones the server's system may not have

	"github.com/cairnbackup/cairn/engine/server"
	"github.com/cairnbackup/cairn/engine/server/blobs"
	"github.com/cairnbackup/cairn/engine/server/passhash"
	"github.com/cairnbackup/cairn/engine/server/records"
	"github.com/cairnbackup/cairn/engine/server/webarchive"
)

// Records is what the pages read and write in the server's records;
// *records.SQL has it all.
type Records interface {
	User(ctx context.Context, name string) (records.User, error)
	Users(ctx context.Context) ([]records.User, error)
	AddUser(ctx context.Context, u records.User) (records.User, error)
	UpdateUser(ctx context.Context, name string, c records.UserChange) error
	Device(ctx context.Context, id string) (records.Device, error)
	Devices(ctx context.Context, userID int64) ([]records.Device, error)
	RetireDevice(ctx context.Context, id string, at time.Time) error
	Objects(ctx context.Context, q records.ObjectQuery) ([]records.Object, error)
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	ReserveSignin(ctx context.Context, at time.Time, limits []records.SigninLimit) (records.SigninReservation, error)
	ReleaseSignin(ctx context.Context, attempt int64) error
	ClearSigninFailures(ctx context.Context, key string) error

	AddWebSession(ctx context.Context, ws records.WebSession) error
	WebSession(ctx context.Context, hash string) (records.WebSession, error)
	TouchWebSession(ctx context.Context, hash string, at time.Time, zone string) error
	RemoveWebSession(ctx context.Context, hash string) error
	RemoveUserWebSessions(ctx context.Context, userID int64) error
	ExpireWebSessions(ctx context.Context, createdBefore, usedBefore time.Time) ([]string, error)
	AddAudit(ctx context.Context, e records.AuditEntry) error
	AddAuditCounted(ctx context.Context, e records.AuditEntry, window time.Duration) error
	Audit(ctx context.Context, beforeID int64, limit int) ([]records.AuditEntry, error)
	UserEmails(ctx context.Context) (map[int64]string, error)
	SetUserEmail(ctx context.Context, name, email string) error
	AlertSent(ctx context.Context, device string, level int, lastUpload time.Time) (bool, error)
	RecordAlert(ctx context.Context, device string, level int, lastUpload, sent time.Time) error
	tokenRecords // account.go
}

// Options configure the pages. Zero values get the defaults.
type Options struct {
	// Records are the server's records. Required.
	Records Records
	// Blobs hold the archives; required unless OpenArchive is given.
	Blobs blobs.Store
	// OpenArchive opens a device's archive with its password (default:
	// webarchive over Blobs, through a webarchive.Pool with the caps of
	// Archives). It returns engine.ErrWrongPassword for a wrong password.
	// Tests give an archive of their own.
	OpenArchive func(ctx context.Context, deviceID string, password []byte) (Archive, error)
	// Archives caps the archives open on the pages: the key files tried
	// and the Argon2id work each may ask for, how many one person may
	// have open, their memory all together (default
	// webarchive.PoolOptions' defaults). Unused with OpenArchive.
	Archives webarchive.PoolOptions
	// Logger gets what the pages do in the background (default
	// slog.Default()); requests are logged by the server.
	Logger *slog.Logger
	// Now is the server clock (default time.Now): sessions, alerts, the
	// audit log. Tests move it.
	Now func() time.Time
	// Sleep waits after a wrong archive password (default: a timer, or
	// until ctx ends).
	Sleep func(ctx context.Context, d time.Duration)
	// HashParams are the Argon2id costs of passwords an administrator sets
	// (default passhash.Default, as 'cairn-server user add').
	HashParams passhash.Params

	// IdleTimeout ends a session unused this long, and with it every
	// archive it opened (default 15 minutes: what the archive page
	// promises). MaxAge ends it this long after sign-in whatever its use
	// (default 8 hours, a working day).
	IdleTimeout time.Duration
	MaxAge      time.Duration
	// SweepEvery is how often Run closes the archives of ended sessions
	// (default 1 minute); AlertEvery how often it checks for devices that
	// have not backed up (default 1 hour).
	SweepEvery time.Duration
	AlertEvery time.Duration

	// ArchiveFailures wrong archive passwords within ArchiveWindow, for
	// one user or from one address, make further tries wait (default 5 in
	// 15 minutes, as sign-ins); each is answered after FailureDelay
	// (default 1 s). MaxUnlocking bounds archives being opened at once
	// (default 2): each derives a key with Argon2id, which takes memory;
	// one person's unlocks run one at a time, so they take one slot.
	ArchiveFailures int
	ArchiveWindow   time.Duration
	FailureDelay    time.Duration
	MaxUnlocking    int

	// MaxDownload is the per-download cap until an administrator sets one
	// (default 250 MB): a browser download cannot resume, and a big
	// restore belongs in the app. WarnDays and CriticalDays are the
	// levels of "not backed up for" until an administrator sets them
	// (default 3 and 7).
	MaxDownload  int64
	WarnDays     int
	CriticalDays int

	// SMTP is the mail relay, host:port; "" sends no email. SMTPFrom is
	// the sender's address; SMTPAuth, when set, signs in to the relay.
	SMTP     string
	SMTPFrom string
	SMTPAuth smtp.Auth

	// ServerZone is the time zone of times shown when the browser does
	// not say its own (default time.Local).
	ServerZone *time.Location

	// OrgKey, when set, gives the secret the organisation keeps for a
	// device's archive (organisation-held keys: server.OrgSecret under the
	// server's KEK), or an error wrapping records.ErrNotFound when it keeps
	// none. The pages open such an archive with it: the person's sign-in
	// is all they need (orgkey.go).
	OrgKey func(ctx context.Context, d records.Device) ([]byte, error)

	// SSO, when its Start is set, offers the organisation's single
	// sign-on on the sign-in page, beside the password form (which stays
	// for local and directory accounts). Web.SignInSSO finishes it.
	SSO SSO
}

func (o *Options) applyDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = server.Sleep
	}
	if o.HashParams == (passhash.Params{}) {
		o.HashParams = passhash.Default
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur(&o.IdleTimeout, 15*time.Minute)
	defDur(&o.MaxAge, 8*time.Hour)
	defDur(&o.SweepEvery, time.Minute)
	defDur(&o.AlertEvery, time.Hour)
	defInt(&o.ArchiveFailures, 5)
	defDur(&o.ArchiveWindow, 15*time.Minute)
	defDur(&o.FailureDelay, time.Second)
	defInt(&o.MaxUnlocking, 2)
	if o.MaxDownload <= 0 {
		o.MaxDownload = 250_000_000
	}
	defInt(&o.WarnDays, 3)
	defInt(&o.CriticalDays, 7)
	if o.ServerZone == nil {
		o.ServerZone = time.Local
	}
}

// Web is the pages. Safe for concurrent use.
type Web struct {
	o         Options
	rec       Records
	log       *slog.Logger
	pages     pages
	open      *openArchives
	unlocking chan struct{}
	gate      *unlockGate      // archive unlocks in flight, per user and per limit key
	pool      *webarchive.Pool // nil when Options.OpenArchive was given
	origin    *http.CrossOriginProtection
	check     server.SigninCheck
}

// New returns the pages; Mount gives them to the server, Run does their
// background work.
func New(o Options) (*Web, error) {
	if o.Records == nil {
		return nil, errors.New("web: no records")
	}
	var pool *webarchive.Pool
	if o.OpenArchive == nil {
		if o.Blobs == nil {
			return nil, errors.New("web: no blobs")
		}
		pool = webarchive.NewPool(o.Archives)
		o.OpenArchive = poolOpener(pool, o.Blobs, o.Records)
	}
	o.applyDefaults()
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Web{o: o, rec: o.Records, log: o.Logger, pages: p, open: newOpenArchives(),
		unlocking: make(chan struct{}, o.MaxUnlocking), gate: newUnlockGate(), pool: pool,
		origin: http.NewCrossOriginProtection()}, nil
}

// Mount returns the pages' handler, for server.Options.Web: check is the
// API's password check, whose limits and delays sign-ins here share.
func (w *Web) Mount(check server.SigninCheck) http.Handler {
	w.check = check
	return w.headers(w.routes())
}

// Run sweeps ended sessions (closing the archives they opened) and sends
// backup alerts until ctx ends; it then closes every open archive.
func (w *Web) Run(ctx context.Context) {
	sweep := time.NewTicker(w.o.SweepEvery)
	defer sweep.Stop()
	alert := time.NewTicker(w.o.AlertEvery)
	defer alert.Stop()
	defer w.open.closeAll()
	w.checkBackupsLogged(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sweep.C:
			w.Sweep(ctx)
		case <-alert.C:
			w.checkBackupsLogged(ctx)
		}
	}
}

func (w *Web) checkBackupsLogged(ctx context.Context) {
	if err := w.CheckBackups(ctx); err != nil && !errors.Is(err, context.Canceled) {
		w.log.Warn("checking for devices without recent backups failed; it will be tried again", "err", err)
	}
}

func (w *Web) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /web/{$}", w.home)
	m.HandleFunc("GET /web/static/{file}", w.static)
	m.HandleFunc("GET /web/signin", w.signinPage)
	m.HandleFunc("POST /web/signin", w.signin)
	m.HandleFunc("GET /web/sso", w.ssoStart)
	m.HandleFunc("POST /web/signout", w.post(w.signout))
	m.HandleFunc("GET /web/devices", w.page(w.devicesPage))
	m.HandleFunc("GET /web/devices/{id}/unlock", w.page(w.owned(w.unlockPage)))
	m.HandleFunc("POST /web/devices/{id}/unlock", w.post(w.owned(w.unlock)))
	m.HandleFunc("POST /web/devices/{id}/lock", w.post(w.owned(w.lock)))
	m.HandleFunc("GET /web/devices/{id}/browse", w.page(w.owned(w.unlocked(w.browsePage))))
	m.HandleFunc("GET /web/devices/{id}/versions", w.page(w.owned(w.unlocked(w.versionsPage))))
	m.HandleFunc("GET /web/devices/{id}/file", w.page(w.owned(w.unlocked(w.downloadFile))))
	m.HandleFunc("GET /web/devices/{id}/zip", w.page(w.owned(w.unlocked(w.downloadZip))))
	m.HandleFunc("GET /web/account", w.page(w.accountPage))
	m.HandleFunc("POST /web/account/signins/{id}/signout", w.post(w.revokeSignin))
	m.HandleFunc("GET /web/admin/{$}", w.page(w.admin(w.adminPage)))
	m.HandleFunc("GET /web/admin/users", w.page(w.admin(w.usersPage)))
	m.HandleFunc("POST /web/admin/users", w.post(w.admin(w.addUser)))
	m.HandleFunc("GET /web/admin/users/{name}", w.page(w.admin(w.userPage)))
	m.HandleFunc("POST /web/admin/users/{name}", w.post(w.admin(w.changeUser)))
	m.HandleFunc("GET /web/admin/devices", w.page(w.admin(w.allDevicesPage)))
	m.HandleFunc("POST /web/admin/devices/{id}/retire", w.post(w.admin(w.retireDevice)))
	m.HandleFunc("GET /web/admin/settings", w.page(w.admin(w.settingsPage)))
	m.HandleFunc("POST /web/admin/settings", w.post(w.admin(w.saveSettings)))
	m.HandleFunc("GET /web/admin/audit", w.page(w.admin(w.auditPage)))
	m.HandleFunc("/web/", w.notFound)
	return m
}

func (w *Web) home(rw http.ResponseWriter, r *http.Request) {
	if _, ok := w.session(rw, r); ok {
		http.Redirect(rw, r, "/web/devices", http.StatusSeeOther)
		return
	}
	http.Redirect(rw, r, "/web/signin", http.StatusSeeOther)
}

func (w *Web) notFound(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, http.StatusNotFound, "message", view{Title: "Not found",
		Error: "There is nothing here. Go back to your devices."})
}
