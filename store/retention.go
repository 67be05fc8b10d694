package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lifeops/lifeops/lifeops"
)

// ListBackups reads the manifest of every backup in dir, newest first.
// Files that are not manifests are left out; a manifest that cannot be
// read is an error, so that no backup is overlooked by a retention run.
func ListBackups(dir string) ([]*Manifest, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ManifestSuffix) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		m, err := ReadManifest(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b *Manifest) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// RetentionPlan splits backups into those a policy of keepDaily daily and
// keepWeekly weekly backups keeps and those it drops: the newest backup of
// each of the keepDaily most recent days that have one, and the newest of
// each of the keepWeekly most recent ISO weeks that have one, are kept
// (one backup may count for both); the rest are dropped. Days and weeks
// are in UTC. Both lists are newest first. Asking to keep nothing is an
// error: it would drop every backup.
func RetentionPlan(backups []*Manifest, keepDaily, keepWeekly int) (keep, drop []*Manifest, err error) {
	switch {
	case keepDaily < 0 || keepWeekly < 0:
		return nil, nil, &lifeops.ValidationError{Field: "keep", Reason: "must not be negative"}
	case keepDaily == 0 && keepWeekly == 0:
		return nil, nil, &lifeops.ValidationError{Field: "keep", Reason: "keeps no backup at all: keep at least one daily or one weekly"}
	}
	sorted := slices.Clone(backups)
	slices.SortStableFunc(sorted, func(a, b *Manifest) int { return b.CreatedAt.Compare(a.CreatedAt) })
	kept := map[*Manifest]bool{}
	days, weeks := map[string]bool{}, map[string]bool{}
	for _, m := range sorted { // newest first: the first of a day is its newest
		t := m.CreatedAt.UTC()
		day := t.Format("2006-01-02")
		y, w := t.ISOWeek()
		week := fmt.Sprintf("%d-W%02d", y, w)
		if !days[day] {
			days[day] = true
			if len(days) <= keepDaily {
				kept[m] = true
			}
		}
		if !weeks[week] {
			weeks[week] = true
			if len(weeks) <= keepWeekly {
				kept[m] = true
			}
		}
	}
	for _, m := range sorted {
		if kept[m] {
			keep = append(keep, m)
		} else {
			drop = append(drop, m)
		}
	}
	return keep, drop, nil
}

// PruneBackups applies RetentionPlan to the backups of dir: it deletes each
// dropped backup file, then its manifest, and returns the dropped ones.
// Files without a manifest are never touched.
func PruneBackups(dir string, keepDaily, keepWeekly int) ([]*Manifest, error) {
	all, err := ListBackups(dir)
	if err != nil {
		return nil, err
	}
	_, drop, err := RetentionPlan(all, keepDaily, keepWeekly)
	if err != nil {
		return nil, err
	}
	var removed []*Manifest
	for _, m := range drop {
		if err := os.Remove(m.Path()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		if err := os.Remove(m.Path() + ManifestSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, m)
	}
	return removed, nil
}
