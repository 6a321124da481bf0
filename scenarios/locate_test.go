package scenarios

import "testing"

func TestKeyLines(t *testing.T) {
	t.Parallel()
	src := `# a comment with [brackets] and key = "value"
name = "x" # trailing
[pops]
capacity = "2GB"
sites = [
  { name = "IAD", lat = 38.9, region = "us-east" },   # first
  # a comment between elements
  { name = "FRA", "lat" = 50.1,
    region = "eu" },
]
[[origins]]
name = "web"
[[origins]]
name = "s3"
processing.median = "40ms"
[workload]
classes = [ { name = "a", prefix = "/a]{" }, { name = "b" } ]
text = """
multi = 1
line"""
after = 2
`
	lines := keyLines(src)
	for key, want := range map[string]int{
		"name": 2, "pops": 3, "pops.capacity": 4, "pops.sites": 5,
		"pops.sites[0]": 6, "pops.sites[0].region": 6, "pops.sites[1]": 8, "pops.sites[1].lat": 8, "pops.sites[1].region": 9,
		"origins[0]": 11, "origins[0].name": 12, "origins[1].name": 14, "origins[1].processing.median": 15,
		"workload.classes[1].name": 17, "workload.text": 18, "workload.after": 21,
	} {
		if got := lines[key]; got != want {
			t.Errorf("line of %s = %d, want %d", key, got, want)
		}
	}
	if _, ok := lines["multi"]; ok {
		t.Errorf("a key inside a multi-line string was recorded")
	}
	if got := lineOf(lines, "pops.sites[1].capacity"); got != 8 {
		t.Errorf("lineOf falls back to the element: got %d, want 8", got)
	}
	if got := lineOf(lines, "regions.sites"); got != 0 {
		t.Errorf("lineOf of an absent key = %d, want 0", got)
	}
}

func FuzzKeyLines(f *testing.F) {
	f.Add("a = [ {b = 1}, {c = \"}\"} ]\n[[x]]\ny = 'z'\n")
	f.Add("[t]\nk = \"\"\"\nq\n\"\"\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		for k, l := range keyLines(src) {
			if l < 1 || l > len(src)+1 {
				t.Fatalf("key %q at line %d of a %d-byte source", k, l, len(src))
			}
		}
	})
}
