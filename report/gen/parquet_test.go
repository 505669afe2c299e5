package gen

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// TestParquet reads a generated file back with parquet-go: the schema is
// as documented, and the rows are the same visits as the CSV's.
func TestParquet(t *testing.T) {
	const rows = rowGroupRows + 9000 // two row groups
	data := generate(t, opts(rows, "parquet"))
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}

	cols := f.Root().Columns()
	var names []string
	for _, c := range cols {
		names = append(names, c.Name())
		if !c.Required() {
			t.Errorf("column %s is not required", c.Name())
		}
		lt := c.Type().LogicalType()
		if c.Name() == "ts" {
			ts, ok := lt.Value.(*format.TimestampType)
			if c.Type().Kind() != parquet.Int64 || !ok || !ts.IsAdjustedToUTC || !isMillis(ts.Unit.Value) {
				t.Errorf("ts: %v %v, want INT64 TIMESTAMP(MILLIS, UTC)", c.Type().Kind(), lt)
			}
			continue
		}
		if _, ok := lt.Value.(*format.StringType); c.Type().Kind() != parquet.ByteArray || !ok {
			t.Errorf("%s: %v %v, want a BYTE_ARRAY STRING", c.Name(), c.Type().Kind(), lt)
		}
	}
	if !slices.Equal(names, columns[:]) {
		t.Errorf("columns %v, want %v", names, columns)
	}

	md := f.Metadata()
	if len(md.RowGroups) != 2 || md.RowGroups[0].NumRows != rowGroupRows {
		t.Errorf("%d row groups, the first of %d rows; want 2, the first of %d", len(md.RowGroups), md.RowGroups[0].NumRows, rowGroupRows)
	}
	for _, rg := range md.RowGroups {
		for _, cc := range rg.Columns {
			m := cc.MetaData
			if m.Codec != format.Zstd {
				t.Errorf("%v: codec %v, want ZSTD", m.PathInSchema, m.Codec)
			}
			if m.PathInSchema[0] != "ts" && !slices.Contains(m.Encoding, format.RLEDictionary) {
				t.Errorf("%v: encodings %v, want dictionary encoding", m.PathInSchema, m.Encoding)
			}
		}
	}

	got, err := parquet.Read[parquetRow](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, generate(t, opts(rows, "csv")))
	if len(got) != len(want) {
		t.Fatalf("parquet has %d rows, csv %d", len(got), len(want))
	}
	for i, p := range got {
		w := want[i]
		ts := time.UnixMilli(p.TS).UTC().Format(time.RFC3339)
		g := []string{ts, string(p.URL), string(p.Referrer), p.UserAgent, p.Country, string(p.VisitorID), p.TrueSource}
		if !slices.Equal(g, w) {
			t.Fatalf("row %d:\nparquet %q\ncsv     %q", i, g, w)
		}
	}
}

func TestParquetEmpty(t *testing.T) {
	data := generate(t, opts(0, "parquet"))
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 0 || len(f.Root().Columns()) != len(columns) {
		t.Errorf("%d rows, %d columns; want 0 rows, %d columns", f.NumRows(), len(f.Root().Columns()), len(columns))
	}
}

func isMillis(u format.TimeUnitValue) bool {
	_, ok := u.(*format.MilliSeconds)
	return ok
}
