//go:build linux

package netconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// LedgerDir is where lab ledgers are kept by default: one JSON file per
// lab, named after its prefix. Tests, and one "machine" of a lab spread
// over network namespaces, use a directory of their own.
const LedgerDir = "/run/nsh/labs"

// ledgerFile is where a ledger is kept on disk. While a process builds or
// holds the lab it holds an flock on a lock file beside it: the kernel
// drops it when the process dies, however it dies.
type ledgerFile struct {
	dir, prefix string
	lock        *os.File
}

func (f *ledgerFile) path() string     { return filepath.Join(f.dir, f.prefix+".json") }
func (f *ledgerFile) lockPath() string { return filepath.Join(f.dir, "."+f.prefix+".lock") }

// ErrBusy marks a lab whose ledger another process holds (it is building
// the lab, or keeps it); it wraps unix.EBUSY.
var ErrBusy = fmt.Errorf("lab in use by another process: %w", unix.EBUSY)

// lockFile takes the lab's lock, or fails with ErrBusy.
func (f *ledgerFile) lockFile() error {
	lf, err := os.OpenFile(f.lockPath(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("lab ledger: %w", err)
	}
	if err := unix.Flock(int(lf.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		lf.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return fmt.Errorf("lab ledger: %s: %w", f.prefix, ErrBusy)
		}
		return fmt.Errorf("lab ledger: lock %s: %w", f.lockPath(), err)
	}
	f.lock = lf
	return nil
}

// unlock drops the lab's lock; remove also removes the lock file (the lab
// is gone). A nil f does nothing.
func (f *ledgerFile) unlock(remove bool) {
	if f == nil || f.lock == nil {
		return
	}
	if remove {
		os.Remove(f.lockPath())
	}
	f.lock.Close()
	f.lock = nil
}

// locked reports whether some process holds the lab's lock.
func (f *ledgerFile) locked() bool {
	lf, err := os.Open(f.lockPath())
	if err != nil {
		return false
	}
	defer lf.Close()
	return unix.Flock(int(lf.Fd()), unix.LOCK_SH|unix.LOCK_NB) != nil
}

// ledgerRecord is a ledger's file. A namespace without an inode and a link
// without an index were being made when the record was written.
type ledgerRecord struct {
	Prefix string         `json:"prefix"`
	PID    int            `json:"pid"`  // the process that wrote the record
	Host   idRecord       `json:"host"` // the namespace the host links are in
	Netns  []netnsRecord  `json:"netns"`
	Links  []hostLinkJSON `json:"links"`
}

type idRecord struct {
	Dev uint64 `json:"dev,omitempty"`
	Ino uint64 `json:"ino,omitempty"`
}

type netnsRecord struct {
	Name string `json:"name"`
	idRecord
}

type hostLinkJSON struct {
	Name  string `json:"name"`
	Index int    `json:"index,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

// stepHook is called between writing a step down and making it; tests
// stop a build there.
var stepHook = func(step string) {}

// CreateLedger starts the ledger of a new lab, kept in dir (LedgerDir by
// default) as PREFIX.json, and holds the lab's lock until Release or
// Teardown. It fails with EEXIST when a ledger for prefix is there already:
// that lab is live or left behind, for LoadLedger. The calling thread's
// network namespace becomes the lab's host namespace.
func CreateLedger(dir, prefix string) (*Ledger, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lab ledger: %w", err)
	}
	l := NewLedger()
	if _, err := l.Host(); err != nil {
		return nil, err
	}
	l.disk = &ledgerFile{dir: dir, prefix: prefix}
	if err := l.disk.lockFile(); err != nil {
		l.host.Close()
		return nil, err
	}
	data, err := l.marshal()
	if err == nil {
		err = l.disk.write(data, true)
	}
	if err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// LoadLedger reads the ledger of lab prefix from dir, for Teardown (or for
// more building), and takes the lab's lock: it fails with ErrBusy while
// another process holds the lab (builds it, or has not released it). The
// namespaces the ledger names are opened only when asked for (Handle),
// after checking they are the ones recorded.
func LoadLedger(dir, prefix string) (*Ledger, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	f := &ledgerFile{dir: dir, prefix: prefix}
	if err := f.lockFile(); err != nil {
		return nil, err
	}
	r, err := readRecord(f.path())
	if err != nil {
		f.unlock(false)
		return nil, err
	}
	l := NewLedger()
	l.disk = f
	l.hostID = nsID{r.Host.Dev, r.Host.Ino}
	for _, n := range r.Netns {
		l.names = append(l.names, n.Name)
		l.handles = append(l.handles, nil)
		l.ids = append(l.ids, nsID{n.Dev, n.Ino})
	}
	for _, k := range r.Links {
		l.hostLinks = append(l.hostLinks, hostLink{name: k.Name, index: k.Index, kind: k.Kind})
	}
	return l, nil
}

func readRecord(path string) (*ledgerRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lab ledger: %w", err)
	}
	var r ledgerRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("lab ledger: %s: %v: %w", path, err, ErrInvalid)
	}
	return &r, nil
}

// validPrefix checks that prefix can name a ledger file.
func validPrefix(prefix string) error {
	if prefix == "" || len(prefix) > 200 || strings.ContainsAny(prefix, "/\x00") || strings.HasPrefix(prefix, ".") {
		return &detailErr{fmt.Sprintf("lab ledger: invalid lab prefix %q: want 1-200 bytes, no '/', not starting with '.'", prefix), ErrInvalid}
	}
	return nil
}

// save writes the ledger to its file, if it has one.
func (l *Ledger) save() error {
	if l.disk == nil {
		return nil
	}
	data, err := l.marshal()
	if err != nil {
		return err
	}
	return l.disk.write(data, false)
}

// finish removes the ledger's file once nothing recorded is left, and
// saves what is left otherwise.
func (l *Ledger) finish() error {
	if l.disk == nil {
		return nil
	}
	if len(l.names) > 0 || len(l.hostLinks) > 0 {
		err := l.save()
		l.disk.unlock(false)
		return err
	}
	err := os.Remove(l.disk.path())
	l.disk.unlock(true)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lab ledger: %w", err)
	}
	return nil
}

func (l *Ledger) marshal() ([]byte, error) {
	r := ledgerRecord{Prefix: l.disk.prefix, PID: os.Getpid(),
		Netns: []netnsRecord{}, Links: []hostLinkJSON{}}
	host := l.hostID
	if l.host != nil && !l.host.Closed() {
		host = idOf(l.host)
	}
	r.Host = idRecord{host.dev, host.ino}
	for i, name := range l.names {
		r.Netns = append(r.Netns, netnsRecord{name, idRecord{l.ids[i].dev, l.ids[i].ino}})
	}
	for _, hl := range l.hostLinks {
		r.Links = append(r.Links, hostLinkJSON{hl.name, hl.index, hl.kind})
	}
	return json.MarshalIndent(r, "", "  ")
}

// write replaces the file atomically: a temporary file in the same
// directory, synced, then renamed over it (or, when exclusive, linked to
// its name, which fails if it exists). A reader, or a process killed at any
// moment, sees the old content or the new, never a mix. The directory is
// not synced: a ledger only has to outlive its process, not the machine,
// whose namespaces and links die with it (and syncing it costs another
// journal commit per step on a disk-backed /run).
func (f *ledgerFile) write(data []byte, exclusive bool) error {
	tmp, err := os.CreateTemp(f.dir, "."+f.prefix+".*.tmp")
	if err != nil {
		return fmt.Errorf("lab ledger: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a rename there is nothing there
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && exclusive {
		err = os.Link(tmp.Name(), f.path())
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s: a lab with this prefix is live or left behind: %w", f.path(), unix.EEXIST)
		}
	} else if err == nil {
		err = os.Rename(tmp.Name(), f.path())
	}
	if err != nil {
		return fmt.Errorf("lab ledger: %w", err)
	}
	return nil
}

// LabInfo describes a ledger found on disk.
type LabInfo struct {
	Prefix  string // the lab's prefix (the file's name)
	Path    string // the ledger file
	PID     int    // the process that last wrote it
	Running bool   // a process holds the lab (builds or keeps it); false: left behind
	Netns   int    // namespaces recorded
	Live    int    // of those, how many still exist as recorded
	Links   int    // host links recorded
	Err     error  // the file could not be read; the other fields are empty
}

// State says what is left of the lab: "live" (every namespace recorded
// exists), "partial" (some do), or "gone" (none does: only the file is
// left, or the lab had no namespaces).
func (i LabInfo) State() string {
	switch {
	case i.Netns > 0 && i.Live == i.Netns:
		return "live"
	case i.Live > 0:
		return "partial"
	}
	return "gone"
}

// ListLedgers lists the ledgers in dir, sorted by prefix: labs being built,
// kept, or left behind by a process that was killed. A missing dir holds
// none.
func ListLedgers(dir string) ([]LabInfo, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lab ledger: %w", err)
	}
	var out []LabInfo
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") || !e.Type().IsRegular() {
			continue
		}
		out = append(out, labInfo(dir, strings.TrimSuffix(name, ".json")))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out, nil
}

func labInfo(dir, prefix string) LabInfo {
	info := LabInfo{Prefix: prefix, Path: filepath.Join(dir, prefix+".json")}
	r, err := readRecord(info.Path)
	if err != nil {
		info.Err = err
		return info
	}
	info.PID, info.Netns, info.Links = r.PID, len(r.Netns), len(r.Links)
	info.Running = (&ledgerFile{dir: dir, prefix: prefix}).locked()
	for _, n := range r.Netns {
		if h, err := openRecorded(n.Name, nsID{n.Dev, n.Ino}); err == nil {
			h.Close()
			info.Live++
		}
	}
	return info
}
