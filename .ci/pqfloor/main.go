// Command pqfloor is a yardstick for .ci/bench, as cat is for CSV: it
// times parquet-go alone reading a Parquet file's pages (decompressed,
// decoded, dictionaries and all) for the columns a build reads, on
// every core, a row group at a time. A build does all of that and then
// classifies and counts every row, so it cannot take less time.
//
//	pqfloor FILE    # prints the seconds taken
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/webmasterid/refreport/report"
	"github.com/webmasterid/refreport/report/ingest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pqfloor FILE")
		os.Exit(2)
	}
	start := time.Now()
	values, err := read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pqfloor:", err)
		os.Exit(1)
	}
	if values == 0 {
		fmt.Fprintln(os.Stderr, "pqfloor: no values read: none of the columns a build reads?")
		os.Exit(1)
	}
	fmt.Printf("%.3f\n", time.Since(start).Seconds())
}

// read reads every page of the build's columns and returns the number of
// values in them.
func read(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return 0, err
	}
	var names []string
	for _, c := range pf.Schema().Columns() {
		names = append(names, c[0])
	}
	var cols []int
	for _, field := range report.ScanFields() {
		if i := ingest.Column(names, field); i >= 0 {
			cols = append(cols, i)
		}
	}
	groups := pf.RowGroups()
	var (
		next, values atomic.Int64
		wg           sync.WaitGroup
		mu           sync.Mutex
		firstErr     error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				g := int(next.Add(1)) - 1
				if g >= len(groups) {
					return
				}
				chunks := groups[g].ColumnChunks()
				for _, c := range cols {
					n, err := readChunk(chunks[c])
					values.Add(n)
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = fmt.Errorf("row group %d: %w", g, err)
						}
						mu.Unlock()
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return values.Load(), firstErr
}

func readChunk(c parquet.ColumnChunk) (int64, error) {
	pages := c.Pages()
	defer pages.Close()
	var n int64
	for {
		p, err := pages.ReadPage()
		if err != nil {
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		n += p.NumValues()
		parquet.Release(p)
	}
}
