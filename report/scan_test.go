package report

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/gen"
	"github.com/webmasterid/refreport/report/ingest"
)

// The classifier and the rollup copy what they keep: a visit's strings
// may share a buffer that is overwritten as soon as the visit is counted,
// as the reader does with Options.ReuseStrings, and the groups are the
// same as from strings of their own. And scan, which reads (reusing its
// strings' memory), classifies (on two goroutines) and sums on goroutines
// of their own, counts what one goroutine does.
func TestScanKeepsNoVisitMemory(t *testing.T) {
	var data bytes.Buffer
	opts := gen.DefaultOptions()
	opts.Rows = 20000
	if err := gen.Write(&data, opts); err != nil {
		t.Fatal(err)
	}
	m := matcher(t)
	inputs := []ingest.Input{{Path: "-", Size: -1}}
	// Small batches, so that scan's goroutines go round their buffers
	// many times.
	want, _, err := scan(context.Background(), inputs, ingest.Options{Location: time.UTC, BatchSize: 64, Stdin: bytes.NewReader(data.Bytes())}, m)
	if err != nil {
		t.Fatal(err)
	}

	r := ingest.NewReader(context.Background(), inputs, ingest.Options{Location: time.UTC, Stdin: bytes.NewReader(data.Bytes())})
	c := m.NewClassifier()
	got := aggregate.New(time.UTC)
	buf := make([]byte, 0, 1<<20)
	for r.Scan() {
		for _, v := range r.Batch() {
			// Every string a view of buf, overwritten after the visit.
			buf = buf[:0]
			for _, s := range []*string{&v.URL, &v.Referrer, &v.UTMSource, &v.UTMMedium, &v.UTMCampaign,
				&v.UTMTerm, &v.UTMContent, &v.UserAgent, &v.Country, &v.VisitorID} {
				if *s == "" {
					continue
				}
				off := len(buf)
				buf = append(buf, *s...)
				*s = unsafe.String(&buf[off], len(*s))
			}
			res := c.Classify(&v)
			got.Add(&v, &res)
			for i := range buf {
				buf[i] = '#'
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Groups(), want.Groups()) {
		t.Error("groups differ when the visits' memory is reused")
	}
	if !reflect.DeepEqual(got.Details(), want.Details()) {
		t.Error("details differ when the visits' memory is reused")
	}
}

// A build does not read the columns it does not count: a bad visitor id
// does not cost a visit.
func TestScanReadsCountedFields(t *testing.T) {
	data := "ts,url,visitor_id,country\n2026-11-24T10:00:00Z,https://a/," + strings.Repeat("v", 200) + ",D\xff\n"
	opts := ingest.Options{Location: time.UTC, MaxField: 100, Stdin: strings.NewReader(data)}
	r, stats, err := scan(context.Background(), []ingest.Input{{Path: "-", Size: -1}}, opts, matcher(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Visits() != 1 || len(stats.Examples) != 0 {
		t.Errorf("%d visits, problems %v; want 1 and none", r.Visits(), stats.Examples)
	}
}
