package gen

import (
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// parquetRow is the Parquet schema: required columns, strings
// dictionary-encoded, timestamps delta-encoded (they are sorted).
type parquetRow struct {
	TS         int64  `parquet:"ts,timestamp(millisecond:utc),delta"`
	URL        []byte `parquet:"url,string,dict"`
	Referrer   []byte `parquet:"referrer,string,dict"`
	UserAgent  string `parquet:"user_agent,dict"`
	Country    string `parquet:"country,dict"`
	VisitorID  []byte `parquet:"visitor_id,string,dict"`
	TrueSource string `parquet:"gen_true_source,dict"`
}

// parquetBadRow is the schema when Options.BadRows > 0: ts becomes an
// optional string, so that it can be null or garbage.
type parquetBadRow struct {
	TS         []byte `parquet:"ts,optional,string,dict"`
	URL        []byte `parquet:"url,string,dict"`
	Referrer   []byte `parquet:"referrer,string,dict"`
	UserAgent  string `parquet:"user_agent,dict"`
	Country    string `parquet:"country,dict"`
	VisitorID  []byte `parquet:"visitor_id,string,dict"`
	TrueSource string `parquet:"gen_true_source,dict"`
}

const (
	rowGroupRows = 128 << 10 // bounds the writer's memory
	batchRows    = 1024
)

// codec is shared so that its pool of zstd encoders is reused.
var codec = &zstd.Codec{Level: zstd.SpeedDefault}

func parquetOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(codec),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		// parquet-go's default names its build, which differs between
		// binaries; a fixed name keeps files byte-for-byte reproducible.
		&parquet.WriterConfig{CreatedBy: "refreport gen"},
	}
}

func writeParquet(w io.Writer, g *generator, o *Options) error {
	if o.BadRows > 0 {
		return writeBadParquet(w, g, o)
	}
	pw := parquet.NewGenericWriter[parquetRow](w, parquetOptions()...)
	batch := make([]parquetRow, batchRows)
	var arena []byte
	var r row
	for {
		n := 0
		arena = arena[:0]
		for n < len(batch) && g.next(&r) {
			p := &batch[n]
			p.TS = r.ts * 1000
			p.URL, arena = keep(arena, r.url)
			p.Referrer, arena = keep(arena, r.ref)
			p.UserAgent = r.ua.s
			p.Country = countryCodes[r.country]
			p.VisitorID, arena = keep(arena, r.vid[:])
			p.TrueSource = r.src
			n++
		}
		if n == 0 {
			break
		}
		if _, err := pw.Write(batch[:n]); err != nil {
			return fmt.Errorf("gen: parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("gen: parquet: %w", err)
	}
	return nil
}

// keep copies s into the batch's arena. The slices it returns stay valid
// when the arena grows, since they keep the old array alive.
func keep(arena, s []byte) ([]byte, []byte) {
	start := len(arena)
	arena = append(arena, s...)
	return arena[start:len(arena):len(arena)], arena
}

// Kinds of bad Parquet rows.
const (
	badPqNullTS = iota
	badPqGarbageTS
	badPqUTF8
)

var badParquetKinds = newTable([]uint64{badPqNullTS: 30, badPqGarbageTS: 30, badPqUTF8: 40})

func writeBadParquet(w io.Writer, g *generator, o *Options) error {
	pw := parquet.NewGenericWriter[parquetBadRow](w, parquetOptions()...)
	batch := make([]parquetBadRow, batchRows)
	bad := newRNG(o.Seed, streamBad)
	threshold := badThreshold(o.BadRows)
	var arena, tmp []byte
	var r row
	for {
		n := 0
		arena = arena[:0]
		for n < len(batch) && g.next(&r) {
			p := &batch[n]
			tmp = appendTime(tmp[:0], r.day, r.ts)
			p.TS, arena = keep(arena, tmp)
			p.URL, arena = keep(arena, r.url)
			p.Referrer, arena = keep(arena, r.ref)
			p.UserAgent = r.ua.s
			p.Country = countryCodes[r.country]
			p.VisitorID, arena = keep(arena, r.vid[:])
			p.TrueSource = r.src
			if threshold > 0 && bad.u64()>>11 < threshold {
				switch badParquetKinds.pick(&bad) {
				case badPqNullTS:
					p.TS = nil
				case badPqGarbageTS:
					s := badTimestamps.pick(&bad)
					if s == "" {
						s = "-"
					}
					p.TS, arena = keep(arena, []byte(s))
				default:
					s := invalidUTF8[bad.intn(len(invalidUTF8))]
					switch bad.intn(3) {
					case 0:
						tmp = append(append(tmp[:0], r.url...), s...)
						p.URL, arena = keep(arena, tmp)
					case 1:
						tmp = append(append(append(tmp[:0], "https://"...), s...), ".example/"...)
						p.Referrer, arena = keep(arena, tmp)
					default:
						p.UserAgent = "Mozilla/5.0 (" + s + ")"
					}
				}
			}
			n++
		}
		if n == 0 {
			break
		}
		if _, err := pw.Write(batch[:n]); err != nil {
			return fmt.Errorf("gen: parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("gen: parquet: %w", err)
	}
	return nil
}
