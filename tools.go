//go:build tools

// Package tools pins the modules the project depends on before every importer exists.
package tools

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/schollz/progressbar/v3"
	_ "golang.org/x/term"
	_ "gonum.org/v1/gonum/stat/distuv"
	_ "gonum.org/v1/plot"
)
