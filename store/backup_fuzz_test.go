package store

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadManifest: whatever a manifest file holds, ReadManifest returns an
// error or a manifest whose file is a plain name in the manifest's folder,
// never a path that leads elsewhere (retention deletes that file).
func FuzzReadManifest(f *testing.F) {
	f.Add(`{"format":"lifeops-backup-manifest","version":1,"created_at":"2027-01-02T03:04:05Z","file":"b.sqlite","method":"sqlite","dialect":"sqlite","schema_version":"20261125233000","migrations":["20261125233000"],"tables":{"users":1},"size":10,"sha256":"00"}`)
	f.Add(`{"format":"lifeops-backup-manifest","version":1,"file":"../../etc/passwd","method":"sqlite"}`)
	f.Add(`{"format":"lifeops-backup-manifest","version":2,"file":"b.sqlite","method":"sqlite"}`)
	f.Add(`{"format":"lifeops-backup-manifest","version":1,"file":"b.sqlite","method":"tar"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "b.sqlite")
		if err := os.WriteFile(path+ManifestSuffix, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := ReadManifest(path)
		if err != nil {
			return
		}
		if m.Path() != path || m.Format != ManifestFormat || m.Version != ManifestVersion {
			t.Fatalf("accepted a manifest of %q at %q: %+v", m.File, m.Path(), m)
		}
	})
}

// FuzzLogicalReader: whatever a logical backup file holds, reading it ends
// in an error or io.EOF after exactly the documents its header announces,
// each of which passes the export checks.
func FuzzLogicalReader(f *testing.F) {
	header := `{"format":"lifeops-logical-backup","version":1,"created_at":"2027-01-02T03:04:05Z","dialect":"sqlite","schema_version":"20261125233000","migrations":["20261125233000"],"users":%d,"credentials":false}` + "\n"
	doc := `{"format":"lifeops-export","version":3,"exported_at":"2027-01-02T03:04:05Z","user":{"id":"6f1c1b1e-3c55-4f55-9d2e-0c7b1f0c2a11","name":"A","timezone":"UTC"},"health_days":[],"raw_documents":[],"heart_rate":[],"sync_states":[],"work_days":[],"scores":[],"xp":[],"achievements":[],"items":[],"events":[],"zone_changes":[]}`
	f.Add(strings.Replace(header, "%d", "1", 1) + doc)
	f.Add(strings.Replace(header, "%d", "2", 1) + doc)
	f.Add(strings.Replace(header, "%d", "0", 1) + doc)
	f.Add(strings.Replace(header, "%d", "1", 1) + doc + " []")
	f.Add(`{"format":"lifeops-logical-backup","version":9}`)
	f.Fuzz(func(t *testing.T, data string) {
		lr, err := newLogicalReader(strings.NewReader(data))
		if err != nil {
			return
		}
		n := 0
		for {
			x, err := lr.next()
			if err == io.EOF {
				if n != lr.header.Users {
					t.Fatalf("EOF after %d documents of %d", n, lr.header.Users)
				}
				return
			}
			if err != nil {
				return
			}
			if err := x.check(); err != nil {
				t.Fatalf("returned a document that fails its checks: %v", err)
			}
			n++
		}
	})
}
