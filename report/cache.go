package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/ingest"
)

// A rollup directory holds a build's aggregate state: one Parquet file a
// day under days/, and index.json, which says which inputs and which
// rules made them. build --cache and refreport aggregate keep it up to
// date; refreport render --rollups reads it.
//
// Every day is a table of its own (see package aggregate), so a day's
// file depends only on the visits of that day, read in the inputs' fixed
// order. Bringing a directory up to date therefore reads the inputs it
// has not seen, and recomputes just the days they have visits on, and
// the days of inputs that changed or went away, from every input with
// visits on them. The result is what a build from scratch makes, byte
// for byte.
const (
	indexName   = "index.json"
	daysDir     = "days"
	indexFormat = 2 // changed whenever a day file would come out different
)

// rollupIndex is index.json.
type rollupIndex struct {
	Format    int    `json:"format"`
	Refreport string `json:"refreport"`
	// Sources is the SHA-256 of sources.yaml and Settings of everything
	// else that decides a day's groups: a change to either makes every
	// day stale.
	Sources  string        `json:"sources_sha256"`
	Settings string        `json:"settings_sha256"`
	Zone     string        `json:"zone"`
	Inputs   []cachedInput `json:"inputs"`
	Days     []string      `json:"days"`
}

// cachedInput is an input the rollups were made from. An input is taken
// to be unchanged while its path, size and modification time are, as make
// and rsync do: hashing 90 days of exports each night would take longer
// than reading the new one.
type cachedInput struct {
	Path    string       `json:"path"`
	Size    int64        `json:"size"`
	ModTime string       `json:"mod_time"`
	SHA256  string       `json:"sha256"`
	Days    []string     `json:"days"` // the days it has visits on
	Stats   ingest.Stats `json:"stats"`
}

// settingsHash hashes what, besides sources.yaml, decides a day's groups.
func (j *job) settingsHash() string {
	cols := make([]string, 0, len(j.cfg.Columns))
	for k, v := range j.cfg.Columns {
		cols = append(cols, k+"="+v)
	}
	sort.Strings(cols)
	hosts := slices.Clone(j.cfg.SiteHosts)
	sort.Strings(hosts)
	b, _ := json.Marshal(struct {
		Zone      string   `json:"zone"`
		Columns   []string `json:"columns"`
		SiteHosts []string `json:"site_hosts"`
	}{j.loc.String(), cols, hosts})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func readRollupIndex(dir string) (*rollupIndex, error) {
	b, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		return nil, err
	}
	idx := new(rollupIndex)
	if err := json.Unmarshal(b, idx); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, indexName), err)
	}
	return idx, nil
}

func parseDays(ss []string) (map[aggregate.Day]bool, error) {
	m := make(map[aggregate.Day]bool, len(ss))
	for _, s := range ss {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, err
		}
		m[aggregate.DayFromDate(t)] = true
	}
	return m, nil
}

func dayStrings(days []aggregate.Day) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d.String()
	}
	return out
}

func modTime(fi fs.FileInfo) string { return fi.ModTime().UTC().Format(time.RFC3339Nano) }

// aggregateCached brings the rollup directory dir up to date with inputs,
// reading only what it must, and returns the whole rollup read back from
// it.
func (j *job) aggregateCached(ctx context.Context, inputs []ingest.Input, dir string) (*aggregated, error) {
	sortInputs(inputs)
	for _, in := range inputs {
		if in.Path == "-" {
			return nil, &ConfigError{errors.New("--cache: standard input cannot be cached; name the files")}
		}
	}
	old, err := readRollupIndex(dir)
	note := ""
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old, note = &rollupIndex{}, "new: all inputs read"
	case err != nil:
		old, note = &rollupIndex{}, fmt.Sprintf("unreadable index (%v): all inputs read", err)
	case old.Format != indexFormat || old.Sources != j.cat.Hash || old.Settings != j.settingsHash():
		old, note = &rollupIndex{}, "sources.yaml or settings changed: all inputs read"
	}
	oldDays, err := parseDays(old.Days)
	if err != nil {
		old, oldDays, note = &rollupIndex{}, nil, "bad day in index: all inputs read"
	}

	// Which inputs are known, unchanged, and which must be read.
	byPath := make(map[string]*cachedInput, len(old.Inputs))
	for i := range old.Inputs {
		byPath[old.Inputs[i].Path] = &old.Inputs[i]
	}
	entries := make([]cachedInput, len(inputs))
	var toRead []int // indexes in inputs
	isNew := make([]bool, len(inputs))
	dirty := map[aggregate.Day]bool{}
	for i, in := range inputs {
		fi, err := os.Stat(in.Path)
		if err != nil {
			return nil, ingest.CleanPathError(err)
		}
		e := cachedInput{Path: in.Path, Size: fi.Size(), ModTime: modTime(fi)}
		if c := byPath[in.Path]; c != nil && c.Size == e.Size && c.ModTime == e.ModTime {
			entries[i] = *c
			delete(byPath, in.Path)
			continue
		}
		entries[i] = e
		toRead = append(toRead, i)
		isNew[i] = true
	}
	// Inputs changed or gone: their days are stale.
	for _, c := range byPath {
		days, err := parseDays(c.Days)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, indexName), err)
		}
		for d := range days {
			dirty[d] = true
		}
	}

	// The days no changed input touches are decoded while the new inputs
	// are read; those the new inputs turn out to touch are dropped.
	var keep []string
	for _, d := range sortedDays(oldDays) {
		if !dirty[d] {
			keep = append(keep, dayPath(dir, d))
		}
	}
	pre := aggregate.Prefetch(keep)
	defer pre.Stop()

	// Read the new inputs, hashing them on the side.
	subset := func(idx []int) []ingest.Input {
		out := make([]ingest.Input, len(idx))
		for k, i := range idx {
			out[k] = inputs[i]
		}
		return out
	}
	newInputs := subset(toRead)
	opts := j.ingestOptions()
	perInput := make([]ingest.Stats, len(newInputs))
	opts.InputDone = func(i int, s ingest.Stats) { perInput[i] = s }
	fresh, stats, hashes, err := scanHashing(ctx, newInputs, opts, j.matcher)
	if err != nil {
		return &aggregated{rollup: fresh.Snapshot(), stats: stats}, err
	}
	for k, i := range toRead {
		entries[i].SHA256 = hashes[k].SHA256
		entries[i].Stats = perInput[k]
		days := fresh.InputDays(k)
		entries[i].Days = dayStrings(days)
		for _, d := range days {
			dirty[d] = true
		}
	}

	// Unchanged inputs with visits on a stale day: the day is made again
	// from every input that has visits on it, in order.
	var again []int
	for i, e := range entries {
		if isNew[i] {
			again = append(again, i)
			continue
		}
		days, err := parseDays(e.Days)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, indexName), err)
		}
		for d := range days {
			if dirty[d] {
				again = append(again, i)
				break
			}
		}
	}
	if len(again) > len(toRead) {
		fresh, _, err = scanDays(ctx, subset(again), j.ingestOptions(), j.matcher, dirty)
		if err != nil {
			return nil, err
		}
	}

	// Write the stale days, then the index: a crash in between leaves an
	// index that does not know the new inputs, which are then read again.
	if err := os.MkdirAll(filepath.Join(dir, daysDir), 0o755); err != nil {
		return nil, err
	}
	present := fresh.Days()
	for d := range dirty {
		pre.Forget(dayPath(dir, d))
		if !slices.Contains(present, d) {
			if err := os.Remove(dayPath(dir, d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	for _, d := range present {
		var buf bytes.Buffer
		if err := fresh.WriteDay(&buf, d); err != nil {
			return nil, fmt.Errorf("%s: %v", dayPath(dir, d), err)
		}
		if err := writeAtomic(dayPath(dir, d), buf.Bytes()); err != nil {
			return nil, err
		}
	}
	all := map[aggregate.Day]bool{}
	for d := range oldDays {
		if !dirty[d] {
			all[d] = true
		}
	}
	for _, d := range present {
		all[d] = true
	}
	days := sortedDays(all)
	idx := &rollupIndex{Format: indexFormat, Refreport: Version, Sources: j.cat.Hash, Settings: j.settingsHash(),
		Zone: j.loc.String(), Inputs: entries, Days: dayStrings(days)}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(dir, indexName), append(b, '\n')); err != nil {
		return nil, err
	}
	if note == "" {
		note = fmt.Sprintf("%d of %d inputs read, %d days made again", len(toRead), len(inputs), len(present))
	}
	agg, err := j.readRollups([]string{dir}, pre)
	if agg != nil {
		agg.note = note
	}
	return agg, err
}

func dayPath(dir string, d aggregate.Day) string {
	return filepath.Join(dir, daysDir, d.String()+".parquet")
}

// writeAtomic writes a file whole or not at all.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	// CreateTemp makes the file readable by its owner only.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// readRollups reads rollup directories into one rollup, with the inputs
// and counts their indexes name. A directory without index.json is a
// SQL engine's export: every Parquet file under it is read, and rows of
// one day may be spread over files. The directories must hold different
// days and inputs, and have been made with this sources.yaml.
func (j *job) readRollups(dirs []string, pre *aggregate.Prefetched) (*aggregated, error) {
	var sets [][]string
	var idxs []*rollupIndex
	loc := j.loc
	zone := ""
	for _, dir := range dirs {
		idx, err := readRollupIndex(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		var files []string
		if idx != nil {
			if idx.Format != indexFormat {
				return nil, fmt.Errorf("%s: rollups of format %d, this refreport reads %d: run refreport aggregate again", dir, idx.Format, indexFormat)
			}
			if idx.Sources != j.cat.Hash {
				return nil, fmt.Errorf("%s: rollups made with another sources.yaml (sha256 %.12s, this one %.12s): run refreport aggregate again", dir, idx.Sources, j.cat.Hash)
			}
			if zone != "" && idx.Zone != zone {
				return nil, fmt.Errorf("%s: days in zone %s, another directory's in %s", dir, idx.Zone, zone)
			}
			zone = idx.Zone
			l, err := time.LoadLocation(idx.Zone)
			if err != nil {
				return nil, fmt.Errorf("%s: zone %q: %v", dir, idx.Zone, err)
			}
			loc = l
			days, err := parseDays(idx.Days)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", filepath.Join(dir, indexName), err)
			}
			for _, d := range sortedDays(days) {
				files = append(files, dayPath(dir, d))
			}
		} else {
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
					files = append(files, p)
				}
				return nil
			})
			if err != nil {
				return nil, ingest.CleanPathError(err)
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s: no rollup files (*.parquet) and no %s", dir, indexName)
			}
			sort.Strings(files)
		}
		sets = append(sets, files)
		idxs = append(idxs, idx)
	}
	// An input in two directories is named before any file is read; its
	// days would be in both too.
	seen := map[string]string{} // input hash or path -> directory
	var entries []cachedInput
	for i, idx := range idxs {
		if idx == nil {
			continue
		}
		for _, e := range idx.Inputs {
			for _, key := range []string{"path " + e.Path, "sha256 " + e.SHA256} {
				if d, ok := seen[key]; ok {
					return nil, fmt.Errorf("--rollups %s: input %s is also in %s", dirs[i], e.Path, d)
				}
				seen[key] = dirs[i]
			}
			entries = append(entries, e)
		}
	}
	snap, err := pre.ReadSnapshot(sets, loc)
	if err != nil {
		return nil, fmt.Errorf("--rollups: %v", err)
	}
	agg := &aggregated{rollup: snap}
	// The counts and the manifest list inputs in the order a build reads
	// them.
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].Path < entries[b].Path })
	for i := range entries {
		agg.stats.Merge(&entries[i].Stats)
		agg.inputs = append(agg.inputs, InputHash{Path: entries[i].Path, Bytes: entries[i].Size, SHA256: entries[i].SHA256})
	}
	return agg, nil
}

func sortedDays(m map[aggregate.Day]bool) []aggregate.Day {
	out := make([]aggregate.Day, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}
