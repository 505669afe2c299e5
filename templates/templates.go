// Package templates holds the report site's HTML templates and static
// assets, embedded so that the binary needs nothing beside it.
package templates

import "embed"

// FS holds the templates (*.html) and the assets written under assets/.
//
//go:embed *.html assets
var FS embed.FS
