package rules

import (
	"errors"
	"os"
	"testing"
	"time"
)

// The shipped catalog, written by the catalog engineer, must validate and
// compile. The rest of this package's tests use testdata/catalog.yaml so
// that they do not change with it.
func TestShippedCatalog(t *testing.T) {
	const path = "../../sources.yaml"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skip("../../sources.yaml does not exist yet; nothing to check")
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("sources.yaml does not validate:\n%v", err)
	}
	if _, err := Compile(c, []string{"www.example.com"}); err != nil {
		t.Fatalf("sources.yaml does not compile: %v", err)
	}
	t.Logf("\n%s", c.Summary(time.Now()))
}
