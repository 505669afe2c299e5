package report

// Temporary: keeps the chosen dependencies in go.mod while the packages
// that use them are written. Removed once they are.
import (
	_ "github.com/go-echarts/go-echarts/v2/opts"
	_ "github.com/parquet-go/parquet-go"
	_ "golang.org/x/net/idna"
	_ "golang.org/x/net/publicsuffix"
	_ "gopkg.in/yaml.v3"
)
