package topology

import (
	"fmt"
	"strings"

	"github.com/cdnsim/cdnsim/workload"
)

// CloudFront compresses at the edge, for a behaviour with compression on,
// the files of an eligible type whose size is between these bounds, when
// the viewer's Accept-Encoding lists gzip or br (br preferred), and caches
// each encoding as a variant under the normalised Accept-Encoding
// (CloudFront Developer Guide, "Serve compressed files": conditions for
// compression, file types that CloudFront compresses).
const (
	minCompressible = 1000
	maxCompressible = 10_000_000
)

// compressible reports whether CloudFront compresses a body of size bytes.
func compressible(size int64) bool { return size >= minCompressible && size <= maxCompressible }

// compressibleTypes are the Content-Types CloudFront's guide lists as
// compressed (a subset: the types a scenario is likely to name), each with
// the compressed size over the original for gzip and br. The ratios are
// our round figures for typical web text: gzip -6 leaves a quarter to a
// third of HTML, CSS and JavaScript, and Brotli at CloudFront's settings is
// some 15-25% smaller than gzip on the same files (Alakuijala et al.,
// "Brotli: A General-Purpose Data Compressor", ACM TOIS 37(1), 2018,
// §5). A class's compression ratios override them.
var compressibleTypes = map[string][workload.NumEncodings]float64{
	"text/html":              {1, 0.25, 0.21},
	"text/css":               {1, 0.22, 0.18},
	"text/plain":             {1, 0.40, 0.34},
	"text/javascript":        {1, 0.30, 0.25},
	"application/javascript": {1, 0.30, 0.25},
	"application/json":       {1, 0.20, 0.16},
	"application/xml":        {1, 0.25, 0.21},
	"text/xml":               {1, 0.25, 0.21},
	"image/svg+xml":          {1, 0.35, 0.30},
	"font/ttf":               {1, 0.55, 0.48},
	"font/otf":               {1, 0.55, 0.48},
}

// classRatios is the compressed size over the original, per encoding, for
// a class's responses; zero for an encoding that does not apply (a type
// CloudFront does not compress).
func classRatios(cl *Class) [workload.NumEncodings]float64 {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(cl.ContentType, ";")[0]))
	r, ok := compressibleTypes[ct]
	if !ok {
		return [workload.NumEncodings]float64{}
	}
	if cl.GzipRatio > 0 {
		r[workload.Gzip] = cl.GzipRatio
	}
	if cl.BrRatio > 0 {
		r[workload.Brotli] = cl.BrRatio
	}
	return r
}

// validCompression checks a class's ratios (key "workload.classes[i]").
func validCompression(i int, cl *Class) error {
	key := fmt.Sprintf("workload.classes[%d]", i)
	if cl.GzipRatio < 0 || cl.GzipRatio > 1 {
		return ferr(key+".gzip_ratio", "must be in (0, 1] (0: the type's default), got %v", cl.GzipRatio)
	}
	if cl.BrRatio < 0 || cl.BrRatio > 1 {
		return ferr(key+".br_ratio", "must be in (0, 1] (0: the type's default), got %v", cl.BrRatio)
	}
	return nil
}

// Compresses reports whether any behaviour compresses, so the viewers'
// Accept-Encoding matters.
func (c *Config) Compresses() bool {
	for _, b := range c.Behaviors {
		if b.Compress {
			return true
		}
	}
	return false
}
