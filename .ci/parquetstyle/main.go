// Command parquetstyle rewrites a Parquet file as another writer would
// write the same rows, so that .ci/bench can time refreport on the files
// real exports are, not only on the ones refreport gen writes:
//
//	parquetstyle duckdb IN OUT    # DuckDB's COPY ... (FORMAT parquet, COMPRESSION zstd)
//	parquetstyle pyarrow IN OUT   # arrow-go with pyarrow's defaults
//
// DuckDB writes every column optional, in row groups of 122,880 rows.
// pyarrow writes optional columns too (Arrow fields are nullable), in
// row groups of 1Mi rows, and a column's dictionary stops at 1 MiB: the
// rest of the row group is in plain pages. pyarrow cannot be installed
// here, so the pyarrow style is arrow-go's writer, which shares those
// defaults, with nullable fields. Both compress with zstd, as gen does,
// where their own default is snappy: the files differ from gen's in
// layout, not codec.
//
// It is a module of its own so that refreport stays pure Go.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: parquetstyle duckdb|pyarrow IN OUT")
		os.Exit(2)
	}
	var err error
	switch style, in, out := os.Args[1], os.Args[2], os.Args[3]; style {
	case "duckdb":
		err = duckdb(in, out)
	case "pyarrow":
		err = pyarrow(in, out)
	default:
		err = fmt.Errorf("unknown style %q: want duckdb or pyarrow", style)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parquetstyle:", err)
		os.Exit(1)
	}
}

func duckdb(in, out string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	_, err = db.Exec("COPY (SELECT * FROM read_parquet(" + quote(in) + ")) TO " + quote(out) + " (FORMAT parquet, COMPRESSION zstd)")
	return err
}

func pyarrow(in, out string) error {
	src, err := file.OpenParquetFile(in, false)
	if err != nil {
		return err
	}
	defer src.Close()
	fr, err := pqarrow.NewFileReader(src, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	fields := slices.Clone(rr.Schema().Fields())
	for i := range fields {
		fields[i].Nullable = true
	}
	schema := arrow.NewSchema(fields, nil)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(1<<20),
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(1<<20),
	)
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return err
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		if err := w.WriteBuffered(array.NewRecordBatch(schema, rec.Columns(), rec.NumRows())); err != nil {
			w.Close()
			return err
		}
	}
	if err := rr.Err(); err != nil {
		w.Close()
		return err
	}
	return w.Close() // closes f
}
