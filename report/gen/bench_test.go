package gen

import (
	"io"
	"testing"
)

// BenchmarkGen measures rows per second for each format. The bytes
// written are reported too, so -benchmem's B/op is not needed to size
// the output.
func BenchmarkGen(b *testing.B) {
	for _, format := range []string{"csv", "parquet"} {
		b.Run(format, func(b *testing.B) {
			const rows = 200000
			o := DefaultOptions()
			o.Rows = rows
			o.Format = format
			var n int64
			b.ReportAllocs()
			for b.Loop() {
				cw := &countWriter{}
				if err := Write(cw, o); err != nil {
					b.Fatal(err)
				}
				n = cw.n
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(n)/rows, "bytes/row")
		})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countWriter)(nil)
