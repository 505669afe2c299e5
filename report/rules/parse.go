package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Limits on sources.yaml. The schema nests about ten levels deep, so the
// depth limit only stops pathological input.
const (
	MaxFileSize = 8 << 20
	maxDepth    = 16
	maxProblems = 500
)

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Load reads the catalog at path and checks it strictly.
func Load(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse checks data as sources.yaml; filename is used in messages. On
// failure the error is an *Error listing every problem.
func Parse(filename string, data []byte) (cat *Catalog, err error) {
	d := &decoder{file: filename}
	if len(data) > MaxFileSize {
		d.add(nil, "", "file is larger than %d bytes (8 MiB)", MaxFileSize)
		return nil, d.err()
	}
	root := d.parseYAML(data)
	if root == nil {
		return nil, d.err()
	}
	d.checkTree(root, 1)
	if len(d.probs) > 0 {
		// Aliases and runaway nesting are not walked any further.
		return nil, d.err()
	}
	sum := sha256.Sum256(data)
	c := &Catalog{
		File:     filename,
		Hash:     hex.EncodeToString(sum[:]),
		byID:     make(map[string]*Source),
		mediumBy: make(map[string]*Medium),
	}
	d.cat = c
	d.claims = make(map[string]owner)
	d.apps = make(map[string]owner)
	d.agents = make(map[string]owner)
	d.aliases = make(map[string]aliasClaim)
	d.idLines = make(map[string]int)
	d.catalog(root)
	for _, f := range d.later {
		f()
	}
	if len(d.probs) > 0 {
		return nil, d.err()
	}
	return c, nil
}

// parseYAML decodes the single YAML document in data.
func (d *decoder) parseYAML(data []byte) (root *yaml.Node) {
	defer func() {
		// yaml.v3 reports errors by panicking internally; anything that
		// escapes it is still a bad file, not a crash of the build.
		if r := recover(); r != nil {
			d.add(nil, "", "yaml: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.add(nil, "", "empty file; want a mapping with version, mediums and sources")
		} else {
			d.yamlError(err, data)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.add(&next, "", "a second YAML document; sources.yaml holds exactly one")
		return nil
	case !errors.Is(err, io.EOF):
		d.yamlError(err, data)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.add(&doc, "", "want a mapping with version, mediums and sources")
		return nil
	}
	return doc.Content[0]
}

func (d *decoder) yamlError(err error, data []byte) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		msg = "yaml: " + m[2]
		// yaml.v3 reports parser errors at the 0-based line where the
		// enclosing list or mapping starts.
		if strings.HasPrefix(m[2], "did not find expected") || strings.HasPrefix(m[2], "found undefined tag handle") {
			line++
			msg += " (in the list or mapping that starts on this line)"
		}
		// The easiest mistake to make in this schema: in a [flow, list]
		// the braces of name.{} are YAML syntax.
		if l := lineOf(data, line); strings.Contains(l, ".{}") && strings.Contains(l, "[") {
			msg += `; inside [...] write a {} host in quotes, as in ["google.{}"]`
		}
		d.probs = append(d.probs, Problem{File: d.file, Line: line, Msg: msg})
		return
	}
	d.add(nil, "", "%s", msg)
}

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) string {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// checkTree refuses anchors and aliases (they let a small file expand into
// a huge one and make positions ambiguous) and bounds the nesting depth.
func (d *decoder) checkTree(n *yaml.Node, depth int) {
	if n.Anchor != "" {
		d.add(n, "", "anchor &%s: anchors and aliases are not allowed; write the value out", n.Anchor)
	}
	if n.Kind == yaml.AliasNode {
		d.add(n, "", "alias *%s: anchors and aliases are not allowed; write the value out", n.Value)
		return
	}
	if depth > maxDepth {
		d.add(n, "", "nested more than %d levels deep", maxDepth)
		return
	}
	for _, c := range n.Content {
		d.checkTree(c, depth+1)
	}
}

// owner records who claimed a host, app or alias first, for messages.
type owner struct {
	who  string // `source "google"`, "internal_hosts", "spam_hosts"
	line int
}

type aliasClaim struct {
	src  *Source
	node *yaml.Node
}

type decoder struct {
	file  string
	probs []Problem
	cat   *Catalog

	claims  map[string]owner // host patterns and path rules
	apps    map[string]owner
	agents  map[string]owner // user-agent tokens
	aliases map[string]aliasClaim
	params  map[string]int
	idLines map[string]int // source id -> line
	later   []func()       // checks that need the whole file read
}

func (d *decoder) add(n *yaml.Node, where, format string, args ...any) {
	p := Problem{File: d.file, Where: where, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	d.probs = append(d.probs, p)
}

func (d *decoder) err() error {
	ps := sortProblems(d.probs)
	if len(ps) > maxProblems {
		more := len(ps) - maxProblems
		ps = append(ps[:maxProblems], Problem{File: d.file, Msg: fmt.Sprintf("and %d more problems", more)})
	}
	return &Error{Problems: ps}
}

// kv is one field of a mapping: its key (for positions) and value.
type kv struct{ key, val *yaml.Node }

// present reports whether a field was given; an explicit null counts as
// absent, so "exclude:" with nothing after it is the same as leaving it out.
func (f kv) present() bool { return f.val != nil && !isNull(f.val) }

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return "a string"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "null"
		case "!!timestamp":
			return "a date"
		}
		return "a value tagged " + strconv.Quote(n.Tag)
	}
	return "nothing"
}

// fields checks that n is a mapping with only known keys, each once, and
// returns its fields by key.
func (d *decoder) fields(n *yaml.Node, where string, known ...string) map[string]kv {
	if n.Kind != yaml.MappingNode {
		d.add(n, where, "want a mapping, got %s", kindName(n))
		return nil
	}
	out := make(map[string]kv, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.add(k, where, "want a field name, got %s", kindName(k))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			d.add(k, where, "field %q appears twice (first at line %d)", k.Value, prev.key.Line)
			continue
		}
		ok := false
		for _, name := range known {
			ok = ok || name == k.Value
		}
		if !ok {
			d.add(k, where, "unknown field %q", k.Value)
			continue
		}
		out[k.Value] = kv{k, v}
	}
	return out
}

// peek returns the string value of key in mapping n, if any, so that
// messages about the mapping can name it (source "ads") from the start.
func peek(n *yaml.Node, key string) (string, bool) {
	if n.Kind != yaml.MappingNode {
		return "", false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == key && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			return v.Value, true
		}
	}
	return "", false
}

// require reports missing required fields at the mapping's position.
func (d *decoder) require(n *yaml.Node, where string, fs map[string]kv, names ...string) {
	for _, name := range names {
		if !fs[name].present() {
			d.add(n, where, "missing field %q", name)
		}
	}
}

func (d *decoder) str(f kv, where string) (string, bool) {
	v := f.val
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		d.add(v, where, "%s: want a string, got %s", f.key.Value, kindName(v))
		return "", false
	}
	return v.Value, true
}

// text is a display string: it must have content and no stray spaces.
func (d *decoder) text(f kv, where string) (string, bool) {
	s, ok := d.str(f, where)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		d.add(f.val, where, "%s: empty", f.key.Value)
		return "", false
	}
	if strings.TrimSpace(s) != s {
		d.add(f.val, where, "%s: leading or trailing space", f.key.Value)
		return "", false
	}
	return s, true
}

func (d *decoder) integer(f kv, where string) (int, bool) {
	v := f.val
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		d.add(v, where, "%s: want an integer, got %s", f.key.Value, kindName(v))
		return 0, false
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		d.add(v, where, "%s: %q is not a decimal integer", f.key.Value, v.Value)
		return 0, false
	}
	return n, true
}

func (d *decoder) date(f kv, where string) (time.Time, bool) {
	v := f.val
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!str" && v.ShortTag() != "!!timestamp") {
		d.add(v, where, "%s: want a date (YYYY-MM-DD), got %s", f.key.Value, kindName(v))
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, v.Value)
	if err != nil {
		d.add(v, where, "%s: %q is not a date (YYYY-MM-DD)", f.key.Value, v.Value)
		return time.Time{}, false
	}
	return t, true
}

// list checks that f is a list and returns its items.
func (d *decoder) list(f kv, where string) []*yaml.Node {
	if !f.present() {
		return nil
	}
	if f.val.Kind != yaml.SequenceNode {
		d.add(f.val, where, "%s: want a list, got %s", f.key.Value, kindName(f.val))
		return nil
	}
	return f.val.Content
}

// strs returns the string items of a list field with their nodes; other
// items are reported and left out.
func (d *decoder) strs(f kv, where string) ([]string, []*yaml.Node) {
	var ss []string
	var ns []*yaml.Node
	for i, n := range d.list(f, where) {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			d.add(n, where, "%s[%d]: want a string, got %s", f.key.Value, i, kindName(n))
			continue
		}
		ss = append(ss, n.Value)
		ns = append(ns, n)
	}
	return ss, ns
}

// claim records that who uses the host pattern or path rule key.
func (d *decoder) claim(key string, n *yaml.Node, where, what, who string) {
	if prev, ok := d.claims[key]; ok {
		if prev.who == who {
			d.add(n, where, "%s %q is listed twice (first at line %d)", what, key, prev.line)
		} else {
			d.add(n, where, "%s %q is already claimed by %s (line %d)", what, key, prev.who, prev.line)
		}
		return
	}
	d.claims[key] = owner{who, n.Line}
}
