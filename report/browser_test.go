package report

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// TestBrowser builds the sample site, serves it on 127.0.0.1 and loads
// every page in headless Chromium over the DevTools protocol: no console
// error, no failed request, every chart drawn, every nav link working.
// It writes screenshots of the overview, the hygiene page and the
// AliExpress page, and of its estimate and hygiene sections, to the
// folder in $REFREPORT_SCREENSHOTS (default: a folder under the system
// temporary directory, named in the log).
//
// Without Chromium it skips and says why, except under CI, where
// .ci/run installs it and a skip would hide a broken page.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no browser")
	}
	bin := findChromium()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but no chromium is installed: .ci/run installs it")
		}
		t.Skip("no chromium on PATH (apt-get install chromium); the pages are not checked in a browser")
	}

	site := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), sampleConfig(site, "../testdata/sample.csv")); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The site is served under a prefix, as on a project's GitHub Pages,
	// to show that every link is relative.
	srv := &http.Server{Handler: http.StripPrefix("/report/", http.FileServer(http.Dir(site)))}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/report/"

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b, err := startBrowser(ctx, t, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()

	shots := os.Getenv("REFREPORT_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "refreport-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	pages := []string{"index.html", "sources/aliexpress.html", "sources/google.html", "mediums/search.html", "unrecognised.html", "hygiene.html", "quality.html", "methodology.html"}
	for _, page := range pages {
		problems, err := b.load(ctx, base+page)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", page, p)
		}
		var charts struct{ Total, Drawn int }
		if err := b.eval(ctx, `(() => { const c = [...document.querySelectorAll('div.chart')];
			return {Total: c.length, Drawn: c.filter(e => e.querySelector('canvas, svg')).length}; })()`, &charts); err != nil {
			t.Fatal(err)
		}
		if charts.Drawn != charts.Total {
			t.Errorf("%s: %d of %d charts drawn", page, charts.Drawn, charts.Total)
		}
		if page == "index.html" && charts.Total == 0 {
			t.Errorf("index.html has no chart")
		}
		switch page {
		case "index.html", "sources/aliexpress.html", "hygiene.html":
			name := strings.ReplaceAll(strings.TrimSuffix(page, ".html"), "/", "-")
			if err := b.screenshot(ctx, filepath.Join(shots, name+".png"), ""); err != nil {
				t.Error(err)
			}
			if page != "sources/aliexpress.html" {
				break
			}
			// The estimate and the hygiene sections on their own, to be
			// read at full size.
			for _, sec := range []struct{ sel, name string }{
				{`aside.estimate`, "hidden"},
				{`aside[aria-label="Tagging hygiene"]`, "hygiene"},
			} {
				if err := b.screenshot(ctx, filepath.Join(shots, name+"-"+sec.name+".png"), sec.sel); err != nil {
					t.Errorf("%s: %s: %v", page, sec.sel, err)
				}
			}
		}
	}
	t.Logf("screenshots in %s", shots)

	// Every nav link leads to a page that loads.
	var nav []string
	if _, err := b.load(ctx, base+"sources/aliexpress.html"); err != nil {
		t.Fatal(err)
	}
	if err := b.eval(ctx, `[...document.querySelectorAll('nav a')].map(a => a.href)`, &nav); err != nil {
		t.Fatal(err)
	}
	if len(nav) < 3 {
		t.Fatalf("nav has %d links", len(nav))
	}
	for _, href := range nav {
		if !strings.HasPrefix(href, base) {
			t.Errorf("nav link %s leaves the site's prefix %s", href, base)
			continue
		}
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("nav link %s: %s", href, res.Status)
		}
	}
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is a headless Chromium driven over the DevTools protocol: one
// page target, commands and events as JSON over a websocket.
type browser struct {
	cmd    *exec.Cmd
	ws     *websocket.Conn
	mu     sync.Mutex
	id     int
	waits  map[int]chan cdpMessage
	events chan cdpMessage
}

type cdpMessage struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func startBrowser(ctx context.Context, t *testing.T, bin string) (*browser, error) {
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-port=0", "--window-size=1280,1600", "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &browser{cmd: cmd, waits: map[int]chan cdpMessage{}, events: make(chan cdpMessage, 1024)}
	// Chromium says where it listens on stderr.
	wsRe := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
	sc := bufio.NewScanner(stderr)
	var browserWS string
	for sc.Scan() {
		if m := wsRe.FindStringSubmatch(sc.Text()); m != nil {
			browserWS = m[1]
			break
		}
	}
	go func() {
		for sc.Scan() { // drain, so that Chromium never blocks on its stderr
		}
	}()
	if browserWS == "" {
		b.close()
		return nil, fmt.Errorf("chromium did not start its DevTools server")
	}
	// The page target's own websocket, from the HTTP endpoint beside it.
	hostport := strings.TrimPrefix(browserWS, "ws://")
	hostport = hostport[:strings.IndexByte(hostport, '/')]
	res, err := http.Get("http://" + hostport + "/json/list")
	if err != nil {
		b.close()
		return nil, err
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	err = json.NewDecoder(res.Body).Decode(&targets)
	res.Body.Close()
	if err != nil {
		b.close()
		return nil, err
	}
	var pageWS string
	for _, tg := range targets {
		if tg.Type == "page" {
			pageWS = tg.WebSocketDebuggerURL
			break
		}
	}
	if pageWS == "" {
		b.close()
		return nil, fmt.Errorf("no page target")
	}
	b.ws, err = websocket.Dial(pageWS, "", "http://"+hostport)
	if err != nil {
		b.close()
		return nil, err
	}
	b.ws.MaxPayloadBytes = 64 << 20 // screenshots
	go b.readLoop()
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		if err := b.call(ctx, m, nil, nil); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

func (b *browser) readLoop() {
	for {
		var m cdpMessage
		if err := websocket.JSON.Receive(b.ws, &m); err != nil {
			close(b.events)
			return
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waits[m.ID]
			delete(b.waits, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // a page that floods events loses the overflow, not the test
		}
	}
}

func (b *browser) call(ctx context.Context, method string, params, result any) error {
	b.mu.Lock()
	b.id++
	id := b.id
	ch := make(chan cdpMessage, 1)
	b.waits[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if err := websocket.JSON.Send(b.ws, msg); err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// load navigates to url, waits for the load event and a moment for the
// charts, and returns the console errors and failed requests it saw.
func (b *browser) load(ctx context.Context, url string) ([]string, error) {
	for len(b.events) > 0 { // forget the previous page's events
		<-b.events
	}
	if err := b.call(ctx, "Page.navigate", map[string]any{"url": url}, nil); err != nil {
		return nil, err
	}
	var problems []string
	loaded := false
	settle := time.After(30 * time.Second)
	for {
		var quiet <-chan time.Time
		if loaded {
			quiet = time.After(500 * time.Millisecond)
		}
		select {
		case m, ok := <-b.events:
			if !ok {
				return nil, fmt.Errorf("the browser went away")
			}
			if p := problem(m); p != "" {
				problems = append(problems, p)
			}
			if m.Method == "Page.loadEventFired" {
				loaded = true
			}
		case <-quiet:
			return problems, nil
		case <-settle:
			return nil, fmt.Errorf("%s did not finish loading", url)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// problem describes an event that means the page is broken, or "".
func problem(m cdpMessage) string {
	switch m.Method {
	case "Runtime.exceptionThrown":
		return "exception: " + string(m.Params)
	case "Runtime.consoleAPICalled":
		var p struct{ Type string }
		json.Unmarshal(m.Params, &p)
		if p.Type == "error" || p.Type == "assert" {
			return "console error: " + string(m.Params)
		}
	case "Log.entryAdded":
		var p struct {
			Entry struct{ Level, Text, URL string }
		}
		json.Unmarshal(m.Params, &p)
		if p.Entry.Level == "error" {
			return "log error: " + p.Entry.Text + " " + p.Entry.URL
		}
	case "Network.loadingFailed":
		return "request failed: " + string(m.Params)
	case "Network.responseReceived":
		var p struct {
			Response struct {
				URL    string
				Status int
			}
		}
		json.Unmarshal(m.Params, &p)
		if p.Response.Status >= 400 {
			return fmt.Sprintf("HTTP %d for %s", p.Response.Status, p.Response.URL)
		}
	}
	return ""
}

func (b *browser) eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails json.RawMessage `json:"exceptionDetails"`
	}
	if err := b.call(ctx, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("evaluate: %s", res.ExceptionDetails)
	}
	return json.Unmarshal(res.Result.Value, out)
}

// screenshot saves the page, or only the element sel selects, as a PNG.
func (b *browser) screenshot(ctx context.Context, path, sel string) error {
	params := map[string]any{"format": "png", "captureBeyondViewport": true}
	if sel != "" {
		var r struct{ X, Y, Width, Height float64 }
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return null;
			const r = e.getBoundingClientRect();
			return {X: r.left + scrollX, Y: r.top + scrollY, Width: r.width, Height: r.height}; })()`, sel)
		if err := b.eval(ctx, js, &r); err != nil {
			return err
		}
		if r.Width == 0 || r.Height == 0 {
			return fmt.Errorf("no element %s to photograph", sel)
		}
		params["clip"] = map[string]any{"x": r.X, "y": r.Y, "width": r.Width, "height": r.Height, "scale": 1}
	}
	var res struct{ Data string }
	if err := b.call(ctx, "Page.captureScreenshot", params, &res); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

func (b *browser) close() {
	if b.ws != nil {
		b.ws.Close()
	}
	if b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}
}
