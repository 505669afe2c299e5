package report

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

func matcher(t testing.TB) *rules.Matcher {
	t.Helper()
	cat, err := rules.Load("../sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := rules.Compile(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func scanFiles(t *testing.T, m *rules.Matcher, paths ...string) (*aggregate.Rollup, ingest.Stats) {
	t.Helper()
	inputs, err := ingest.Expand(paths)
	if err != nil {
		t.Fatal(err)
	}
	r, stats, err := scan(context.Background(), inputs, ingest.Options{Location: time.UTC}, m)
	if err != nil {
		t.Fatal(err)
	}
	return r, stats
}

// The bundled sample holds the same visits as CSV and as Parquet: both
// must give the same rollup, group for group.
func TestSampleCSVAndParquetAgree(t *testing.T) {
	m := matcher(t)
	csv, csvStats := scanFiles(t, m, "../testdata/sample.csv")
	pq, pqStats := scanFiles(t, m, "../testdata/sample.parquet")
	if csvStats.Rows == 0 || csvStats.Rows != pqStats.Rows {
		t.Fatalf("rows: csv %d, parquet %d", csvStats.Rows, pqStats.Rows)
	}
	if csvStats.SkippedRows() != 0 || pqStats.SkippedRows() != 0 {
		t.Errorf("skipped rows: csv %v, parquet %v", csvStats.Skipped, pqStats.Skipped)
	}
	cg, pg := csv.Groups(), pq.Groups()
	if len(cg) < 100 {
		t.Fatalf("only %d groups: the sample is too small to compare", len(cg))
	}
	if !reflect.DeepEqual(cg, pg) {
		for i := 0; i < len(cg) && i < len(pg); i++ {
			if cg[i] != pg[i] {
				t.Fatalf("first difference at group %d: csv %+v, parquet %+v", i, cg[i], pg[i])
			}
		}
		t.Fatalf("csv has %d groups, parquet %d", len(cg), len(pg))
	}
}

// Reading the same files in another order gives the same rollup.
func TestInputOrderDoesNotMatter(t *testing.T) {
	m := matcher(t)
	a, _ := scanFiles(t, m, "../testdata/sample.csv", "../testdata/sample.parquet")
	b, _ := scanFiles(t, m, "../testdata/sample.parquet", "../testdata/sample.csv")
	if !reflect.DeepEqual(a.Groups(), b.Groups()) {
		t.Error("rollups differ with the inputs in another order")
	}
	one, _ := scanFiles(t, m, "../testdata/sample.csv")
	if a.Visits() != 2*one.Visits() {
		t.Errorf("visits = %d, want twice the CSV sample's %d", a.Visits(), one.Visits())
	}
}
