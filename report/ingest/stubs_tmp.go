package ingest

import "io"

func newCSVScanner(name string, r io.Reader, part [][2]string, opts *Options, stats *Stats) (fileScanner, error) {
	panic("TODO")
}
func newParquetScanner(name string, f io.ReaderAt, size int64, part [][2]string, opts *Options, stats *Stats) (fileScanner, error) {
	panic("TODO")
}
