package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestLoggingTable(t *testing.T) {
	t.Parallel()
	s, err := Load("news-spike", []string{"logging.enabled=true", "logging.sample=0.25", "logging.host=cdn.example.com", "logging.start=2025-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.LogEnabled() {
		t.Fatal("logging.enabled=true is not enabled")
	}
	cfg := s.AccessLogConfig(9)
	if cfg.Sample != 0.25 || cfg.Host != "cdn.example.com" || cfg.Seed != 9 || !cfg.Start.Equal(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("config %+v: want sample 0.25, host cdn.example.com, seed 9, start 2025-06-01 UTC", cfg)
	}
	if len(cfg.POPs) != len(s.Topology.POPs) || len(cfg.Prefixes) != len(s.Topology.Classes) || cfg.Prefixes[0] != s.Topology.Classes[0].Prefix {
		t.Errorf("POPs %d (want %d), prefixes %v", len(cfg.POPs), len(s.Topology.POPs), cfg.Prefixes)
	}
	// The articles' viewers send utm_source (cs-uri-query); cookie logging
	// is off unless asked for.
	if len(cfg.Sends) != len(cfg.Prefixes) || cfg.Prefixes[1] != "/news/" || cfg.Sends[1].Tracking.Name != "utm_source" || cfg.Cookies {
		t.Errorf("sends %+v, cookies %v: want the articles' utm_source, cookie logging off", cfg.Sends, cfg.Cookies)
	}
	if c, err := Load("news-spike", []string{"logging.cookies=true"}); err != nil || !c.AccessLogConfig(1).Cookies {
		t.Errorf("logging.cookies=true: %v, want cookie logging on", err)
	}

	// news-spike logs 1% by default; without [logging] nothing is logged
	// and sample defaults to 1.
	on, err := Load("news-spike", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !on.LogEnabled() || on.AccessLogConfig(1).Sample != 0.01 {
		t.Error("news-spike: want its access log at sample 0.01")
	}
	off, err := Load("steady-web", nil)
	if err != nil {
		t.Fatal(err)
	}
	if off.LogEnabled() || off.AccessLogConfig(1).Sample != 1 {
		t.Error("without [logging]: want no log, and sample 1 when enabled")
	}

	for _, bad := range []string{"0", "1.5", "-1"} {
		_, err := Load("news-spike", []string{"logging.sample=" + bad})
		if err == nil || !strings.Contains(err.Error(), "logging.sample") {
			t.Errorf("sample %s: error %v, want one naming logging.sample", bad, err)
		}
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"video /video/": "video/mp4", "static /static/": "application/javascript", "news /news/": "text/html", "misc /m/": "application/octet-stream"} {
		if got := contentType(in); got != want {
			t.Errorf("contentType(%q) = %s, want %s", in, got, want)
		}
	}
}
