package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
)

// The data files hold the numbers behind every chart and table, with the
// values as they were seen (not cut or marked as on the pages). Text cells
// in CSV are neutralised against formula injection; numbers are written by
// strconv and are left as numbers, so that a spreadsheet can sum them.

// csvText neutralises a text cell that a spreadsheet would run as a
// formula by putting a single quote in front of it.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvInt(n int64) string     { return strconv.FormatInt(n, 10) }
func csvFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func writeCSV(records [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// changeCells is a change in CSV: previous visits and the ratio, "new"
// when there was nothing before, empty for 0 → 0 or no comparison.
func changeCells(c *Change) (string, string) {
	if c == nil {
		return "", ""
	}
	r, kind := changeRatio(*c)
	switch kind {
	case "new":
		return csvInt(c.Previous), "new"
	case "none":
		return csvInt(c.Previous), ""
	}
	return csvInt(c.Previous), csvFloat(r)
}

type jsonChange struct {
	Current  int64    `json:"current"`
	Previous int64    `json:"previous"`
	New      bool     `json:"new"`
	Ratio    *float64 `json:"ratio"` // null when new or 0 → 0
}

func changeJSON(c *Change) *jsonChange {
	if c == nil {
		return nil
	}
	out := &jsonChange{Current: c.Current, Previous: c.Previous}
	r, kind := changeRatio(*c)
	switch kind {
	case "new":
		out.New = true
	case "ratio":
		out.Ratio = &r
	}
	return out
}

func tableCSV(t *Table) ([]byte, error) {
	recs := [][]string{{"kind", "name", "note", "visits", "share", "previous_visits", "change"}}
	for _, r := range t.Rows {
		prev, ch := changeCells(r.Change)
		recs = append(recs, []string{"row", csvText(r.Name), csvText(r.Note), csvInt(r.Visits), csvFloat(r.Share), prev, ch})
	}
	if t.Other > 0 || t.OtherCount > 0 {
		recs = append(recs, []string{"other", strconv.Itoa(t.OtherCount) + " other values", "", csvInt(t.Other), csvFloat(ratio(t.Other, t.Total)), "", ""})
	}
	recs = append(recs, []string{"total", "", "", csvInt(t.Total), csvFloat(ratio(t.Total, t.Total)), "", ""})
	return writeCSV(recs)
}

func tableJSON(t *Table) ([]byte, error) {
	type row struct {
		Name   string      `json:"name"`
		Note   string      `json:"note,omitempty"`
		Page   string      `json:"page,omitempty"`
		Visits int64       `json:"visits"`
		Share  float64     `json:"share"`
		Change *jsonChange `json:"change,omitempty"`
	}
	type other struct {
		Visits int64 `json:"visits"`
		Values int   `json:"values"`
	}
	v := struct {
		Rows      []row `json:"rows"`
		Other     other `json:"other"`
		Total     int64 `json:"total"`
		Truncated bool  `json:"truncated"`
	}{Rows: []row{}, Other: other{t.Other, t.OtherCount}, Total: t.Total, Truncated: t.Truncated}
	for _, r := range t.Rows {
		out := row{Name: r.Name, Note: r.Note, Visits: r.Visits, Share: r.Share, Change: changeJSON(r.Change)}
		if r.Link != nil {
			out.Page = r.Link.Href
		}
		v.Rows = append(v.Rows, out)
	}
	return writeJSON(v)
}

func chartCSV(ch *Chart) ([]byte, error) {
	head := []string{strings.ToLower(labelHeader(*ch))}
	for _, s := range ch.Series {
		head = append(head, csvText(s.Name))
	}
	recs := [][]string{head}
	for i, l := range ch.Labels {
		rec := []string{csvText(l)}
		for _, s := range ch.Series {
			rec = append(rec, csvInt(s.Values[i]))
		}
		recs = append(recs, rec)
	}
	return writeCSV(recs)
}

func chartJSON(ch *Chart) ([]byte, error) {
	type series struct {
		Name   string  `json:"name"`
		Values []int64 `json:"values"`
	}
	v := struct {
		ID     string   `json:"id"`
		Title  string   `json:"title"`
		Kind   string   `json:"kind"`
		Labels []string `json:"labels"`
		Series []series `json:"series"`
	}{ID: ch.ID, Title: ch.Title, Kind: ch.Kind, Labels: ch.Labels, Series: []series{}}
	if v.Labels == nil {
		v.Labels = []string{}
	}
	for _, s := range ch.Series {
		vals := s.Values
		if vals == nil {
			vals = []int64{}
		}
		v.Series = append(v.Series, series{s.Name, vals})
	}
	return writeJSON(v)
}

func unknownCSV(p *UnrecognisedPage) ([]byte, error) {
	recs := [][]string{{"kind", "host", "visits", "previous_visits", "change", "examples"}}
	for _, h := range p.Hosts {
		prev, ch := changeCells(h.Change)
		ex := make([]string, len(h.Examples))
		for i, e := range h.Examples {
			ex[i] = csvText(e)
		}
		recs = append(recs, []string{"host", csvText(h.Host), csvInt(h.Visits), prev, ch, strings.Join(ex, "\n")})
	}
	if p.Other > 0 || p.OtherCount > 0 {
		recs = append(recs, []string{"other", strconv.Itoa(p.OtherCount) + " other hosts", csvInt(p.Other), "", "", ""})
	}
	return writeCSV(recs)
}

func unknownJSON(p *UnrecognisedPage) ([]byte, error) {
	type host struct {
		Host     string      `json:"host"`
		Visits   int64       `json:"visits"`
		Change   *jsonChange `json:"change,omitempty"`
		Examples []string    `json:"examples"`
	}
	v := struct {
		Visits    int64   `json:"visits"`
		Share     float64 `json:"share"`
		Hosts     []host  `json:"hosts"`
		Other     int64   `json:"other"`
		OtherN    int     `json:"other_hosts"`
		Truncated bool    `json:"truncated"`
	}{Visits: p.Visits.Visits, Share: p.Visits.Share, Hosts: []host{}, Other: p.Other, OtherN: p.OtherCount, Truncated: p.Truncated}
	for _, h := range p.Hosts {
		ex := h.Examples
		if ex == nil {
			ex = []string{}
		}
		v.Hosts = append(v.Hosts, host{h.Host, h.Visits, changeJSON(h.Change), ex})
	}
	return writeJSON(v)
}

// ratio is n/total, 0 when total is 0.
func ratio(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}
